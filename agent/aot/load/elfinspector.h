#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace keel::aot {

// Reads what the loader must know about an object *before* dlopen runs any of it: the
// `.keel_aot` metadata text and whether it carries constructors (.init, .init_array,
// .preinit_array, .ctors). Every offset is bounds-checked: the file is untrusted.
class ElfInspector
{
public:
    struct Facts
    {
        std::string metadata;
        bool hasConstructors = false;
    };

    static std::optional<Facts> inspect(const unsigned char *data, size_t size, std::string *error);
};

} // namespace keel::aot
