#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace keel::aot {

// What an AOT object says about itself, embedded by keel-aot in the ELF section
// `.keel_aot` as "key=value" lines so the loader can read it without running any code.
struct AotMetadata
{
    static constexpr int kFormatVersion = 1;
    static constexpr const char *kSectionName = ".keel_aot";

    int format = kFormatVersion;
    int abiVersion = 0;            // KEEL_AOT_ABI_VERSION the glue was written for
    std::string moduleDigest;      // "sha256:<hex>" of the .wasm it was built from
    std::string target;            // e.g. "x86_64-linux-gnu"
    std::string wabtVersion;       // wasm2c's runtime contract changes between releases
    std::string moduleName;        // the wasm2c module prefix (Z_<name>_...)
    std::string memoryChecks;      // "guard" (signal handler) or "bounds" (explicit checks)

    std::string serialize() const;
    // Refuses unknown formats, missing keys and malformed lines with a reason in *error.
    static std::optional<AotMetadata> parse(std::string_view text, std::string *error);
};

} // namespace keel::aot
