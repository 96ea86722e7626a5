#pragma once

#include "common/aotmetadata.h"
#include "load/aottypes.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

struct keel_aot_module;

namespace keel::aot {

// One verified, loaded AOT object. open() checks the metadata against what the caller
// expects *before* dlopen, so an object built from another module, for another target
// or against another runtime contract never runs a single instruction here.
class AotObject : public std::enable_shared_from_this<AotObject>
{
public:
    struct Expectations
    {
        std::string moduleDigest; // "sha256:<hex>" of the module file the manifest names
        std::string moduleLabel;  // how to name that file in messages, e.g. "hash.wasm"
        std::string target;       // the agent's triple
    };

    static std::shared_ptr<AotObject> open(const std::string &path, const Expectations &expect,
                                           std::string *error);
    ~AotObject();
    AotObject(const AotObject &) = delete;
    AotObject &operator=(const AotObject &) = delete;

    const AotMetadata &metadata() const { return m_metadata; }
    const std::vector<AotImport> &imports() const { return m_imports; }
    std::vector<std::string> exportNames() const;

    // A fresh instance with every import bound through the resolver. Imports it does not
    // grant fail the whole instantiation with a message naming each of them.
    std::unique_ptr<AotInstance> instantiate(const AotImportResolver &resolver, const AotLimits &limits,
                                             std::string *error);

private:
    AotObject() = default;

    void *m_handle = nullptr;
    std::pair<dev_t, ino_t> m_identity{}; // of the file, for the image registry
    const keel_aot_module *m_module = nullptr;
    AotMetadata m_metadata;
    std::string m_label;
    std::vector<AotImport> m_imports;
};

} // namespace keel::aot
