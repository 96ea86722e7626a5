#pragma once

#include "compiledmodule.h"

#include <memory>
#include <set>
#include <string>

namespace keel::aot {
class AotObject;
}

namespace keel::agent {

// A verified, dlopen'ed AOT object as the runtime's CompiledModule. Immutable after
// construction; instantiate() is safe from every worker at once (each instance gets its
// own storage, memory and bindings table).
class AotModule final : public CompiledModule
{
public:
    AotModule(std::string name, std::shared_ptr<aot::AotObject> object, std::uint64_t memoryBytes,
              std::uint32_t tableElements);
    ~AotModule() override;

    std::string_view tier() const override { return "aot"; }
    const std::vector<ImportRequest> &imports() const override { return m_imports; }
    bool exportsFunction(std::string_view name) const override;
    std::unique_ptr<ModuleInstance> instantiate(const std::vector<const HostImport *> &imports,
                                                ModuleInstance::Clock::time_point deadline,
                                                std::string &error) const override;

private:
    std::string m_name;
    std::shared_ptr<aot::AotObject> m_object;
    std::uint64_t m_memoryBytes;
    std::uint32_t m_tableElements;
    std::vector<ImportRequest> m_imports; // in the object's import order
    std::set<std::string, std::less<>> m_exports;
};

} // namespace keel::agent
