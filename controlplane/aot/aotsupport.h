#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace wabt { struct Module; }

namespace keel::aot {

// What the AOT tier cannot translate. wabt 1.0.32's C writer aborts the process on SIMD
// lane instructions and writes C that does not compile for the rest of SIMD, and
// keel-aot links function imports only; such a module still runs on the interpreter.
// Checked before the C writer ever sees a module, at push time and in keel-aot.
class AotSupport
{
public:
    struct Gap
    {
        std::string feature;  // "simd", "import"
        std::string what;     // e.g. "v128.load8_lane"
        uint64_t offset = 0;  // byte offset in the module, 0 when not known
        bool hasOffset = false;
        size_t count = 1;     // instructions of this feature in the module

        // "SIMD (v128.load8_lane at offset 0x4a, one of 3 SIMD instructions): wabt 1.0.32's
        // C writer cannot translate SIMD"
        std::string describe() const;
    };

    // A module that decoded and validated; nullopt: the AOT tier can translate it.
    static std::optional<Gap> check(const wabt::Module &module);
    // Decodes first; a module that does not decode is not this check's business (nullopt).
    static std::optional<Gap> check(std::span<const uint8_t> wasm);
};

} // namespace keel::aot
