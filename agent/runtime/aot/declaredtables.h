#pragma once

#include <cstdint>
#include <span>

namespace keel::agent {

// The largest initial size of the tables a module declares (defined or imported), read
// with WABT's binary reader, which stops as soon as the table section is behind it: the
// AOT tier checks a module's tables against its limit at load without parsing its code.
class DeclaredTables final
{
public:
    struct Largest
    {
        std::uint32_t index = 0;   // which table
        std::uint64_t initial = 0; // its initial number of elements
    };

    // Largest{} when the module has no table.
    static Largest largest(std::span<const std::uint8_t> module);
};

} // namespace keel::agent
