#pragma once

#include "moduleinstance.h"

#include "load/aottypes.h"

#include <array>
#include <memory>
#include <optional>

namespace keel::aot {
class AotInstance;
class AotObject;
}

namespace keel::agent {

class AotInstancePool;
struct HostImport;

// One instance of an AOT object as the runtime's ModuleInstance. Host functions are the
// runtime's HostImports (the very objects the interpreter tier calls), each wrapped in an
// AotHostFunction that hands it a GuestMemory over this instance's linear memory and
// turns its HostOutcome into a trap code. Used from one thread at a time. Its AotInstance
// comes from the module's pool when one is idle there, and goes back to it (reset) when
// this object is destroyed, trapped or not: the reset restores everything.
class AotModuleInstance final : public ModuleInstance
{
public:
    // pool may be null: every instance is then made fresh and destroyed after use.
    AotModuleInstance(std::uint64_t memoryLimitBytes, std::uint32_t tableLimitElements,
                      std::shared_ptr<AotInstancePool> pool);
    ~AotModuleInstance() override;

    // Binds imports (one per object import, in order) and runs the module's start code
    // within deadline. false with error (naming the component's module) on failure.
    bool instantiate(aot::AotObject &object, const std::vector<const HostImport *> &imports,
                     Clock::time_point deadline, std::string &error);

    bool hasFunction(std::string_view exportName) const override;
    CallResult call(std::string_view exportName, std::initializer_list<std::uint64_t> args,
                    Clock::time_point deadline) override;
    GuestMemory memory() override;
    std::uint64_t memoryBytes() const override;
    bool atMemoryLimit() const override;

private:
    // An export looked up by name once: a Keel handler calls the same four per request.
    struct Export
    {
        std::string_view name; // the object's own string
        int index = -1;
        std::string_view params;
        std::string_view results;
    };

    aot::AotHostFunction bind(const HostImport &import);
    const Export *findExport(std::string_view name);

    std::uint64_t m_memoryLimitBytes;
    std::uint32_t m_tableLimitElements;
    std::shared_ptr<AotInstancePool> m_pool;
    std::unique_ptr<aot::AotInstance> m_instance;
    std::array<Export, 6> m_exports{};
    std::size_t m_exportCount = 0;
    // Set by host functions during a call, read when it returns: the trap codes carry no
    // text or status of their own.
    std::optional<int> m_exitCode;
    std::string m_hostTrap;
    bool m_memoryRefused = false; // the runtime trapped on the memory limit
    // A trap or deadline can stop native code anywhere (mid-malloc, say): after one the
    // instance answers no further call, whatever its owner does.
    bool m_poisoned = false;
};

} // namespace keel::agent
