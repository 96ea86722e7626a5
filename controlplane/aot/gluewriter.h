#pragma once

#include <string>
#include <vector>

namespace wabt {
struct Module;
}

namespace keel::aot {

// Writes the C file that turns one wasm2c translation into a `keel_aot_entry` table
// (see abi/keelaotabi.h): a trampoline per function export, a forwarder per import
// that calls the host through the instance's binding table, and the metadata section.
// Expects the module already renamed by AotBuilder (imports "h"/"i<N>", exports "e<N>");
// the original names are passed beside it.
class GlueWriter
{
public:
    struct Name
    {
        std::string module; // empty for exports
        std::string name;
    };

    GlueWriter(const wabt::Module &module, std::string moduleName, std::vector<Name> importNames,
               std::vector<Name> exportNames);

    // Returns false with *error when a signature cannot cross the ABI.
    bool write(const std::string &headerName, const std::string &metadata, std::string *out,
               std::string *error) const;

private:
    const wabt::Module &m_module;
    std::string m_moduleName;
    std::vector<Name> m_importNames;
    std::vector<Name> m_exportNames;
};

} // namespace keel::aot
