#include "elfinspector.h"

#include "common/aotmetadata.h"

#include <cstring>
#include <elf.h>
#include <string_view>

namespace keel::aot {

std::optional<ElfInspector::Facts> ElfInspector::inspect(const unsigned char *data, size_t size, std::string *error)
{
    Elf64_Ehdr eh;
    if (size < sizeof eh || std::memcmp(data, ELFMAG, SELFMAG) != 0) {
        *error = "not an ELF file";
        return std::nullopt;
    }
    std::memcpy(&eh, data, sizeof eh);
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_type != ET_DYN) {
        *error = "not a 64-bit ELF shared object";
        return std::nullopt;
    }
    if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff > size
        || eh.e_shnum > (size - eh.e_shoff) / sizeof(Elf64_Shdr) || eh.e_shstrndx >= eh.e_shnum) {
        *error = "malformed ELF section table";
        return std::nullopt;
    }
    auto section = [&](size_t i) {
        Elf64_Shdr sh;
        std::memcpy(&sh, data + eh.e_shoff + i * sizeof sh, sizeof sh);
        return sh;
    };
    auto inFile = [size](const Elf64_Shdr &sh) { return sh.sh_offset <= size && sh.sh_size <= size - sh.sh_offset; };
    const Elf64_Shdr names = section(eh.e_shstrndx);
    if (!inFile(names)) {
        *error = "malformed ELF section names";
        return std::nullopt;
    }

    Facts facts;
    bool found = false;
    for (size_t i = 0; i < eh.e_shnum; ++i) {
        const Elf64_Shdr sh = section(i);
        if (sh.sh_name >= names.sh_size)
            continue;
        const char *start = reinterpret_cast<const char *>(data + names.sh_offset + sh.sh_name);
        const std::string_view name(start, strnlen(start, names.sh_size - sh.sh_name));
        if ((name == ".init" || name == ".init_array" || name == ".preinit_array" || name == ".ctors") && sh.sh_size)
            facts.hasConstructors = true;
        if (name == AotMetadata::kSectionName) {
            if (sh.sh_type != SHT_PROGBITS || !inFile(sh)) {
                *error = "malformed .keel_aot section";
                return std::nullopt;
            }
            const char *text = reinterpret_cast<const char *>(data + sh.sh_offset);
            facts.metadata.assign(text, strnlen(text, sh.sh_size));
            found = true;
        }
    }
    if (!found) {
        *error = "no .keel_aot metadata (not built by keel-aot)";
        return std::nullopt;
    }
    return facts;
}

} // namespace keel::aot
