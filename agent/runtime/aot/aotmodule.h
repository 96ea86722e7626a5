#pragma once

#include "compiledmodule.h"

#include <memory>
#include <set>
#include <string>

namespace keel::aot {
class AotObject;
}

namespace keel::agent {

class AotInstancePool;

// A verified, dlopen'ed AOT object as the runtime's CompiledModule. Immutable after
// construction but for its pool of idle instances; instantiate() is safe from every
// worker at once (each instance has its own storage, memory and bindings table). An
// instance given up returns to the pool, reset, and the next instantiate() reuses it.
class AotModule final : public CompiledModule
{
public:
    // poolCapacity: how many idle instances to keep for reuse (0: none).
    AotModule(std::string name, std::shared_ptr<aot::AotObject> object, std::uint64_t memoryBytes,
              std::uint32_t tableElements, std::size_t poolCapacity);
    ~AotModule() override;

    std::string_view tier() const override { return "aot"; }
    const std::vector<ImportRequest> &imports() const override { return m_imports; }
    bool exportsFunction(std::string_view name) const override;
    std::unique_ptr<ModuleInstance> instantiate(const std::vector<const HostImport *> &imports,
                                                ModuleInstance::Clock::time_point deadline,
                                                std::string &error) const override;
    std::uint64_t retainedBytes() const override;

    const AotInstancePool &pool() const { return *m_pool; }

private:
    std::string m_name;
    std::shared_ptr<aot::AotObject> m_object;
    std::uint64_t m_memoryBytes;
    std::uint32_t m_tableElements;
    std::vector<ImportRequest> m_imports; // in the object's import order
    std::set<std::string, std::less<>> m_exports;
    std::shared_ptr<AotInstancePool> m_pool; // shared: instances return to it when they go
};

} // namespace keel::agent
