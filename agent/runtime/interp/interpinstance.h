#pragma once

#include "moduleinstance.h"

#include <wabt/interp/interp.h>

#include <optional>

namespace keel::agent {

struct HostImport;

// One instance on WABT's interpreter, with a Store of its own.
class InterpInstance final : public ModuleInstance
{
public:
    InterpInstance();
    ~InterpInstance() override;

    // Creates the instance of module (already in store()) with the given host functions.
    // Runs no guest code; error holds WABT's message on failure.
    bool instantiate(const wabt::interp::Module::Ptr &module,
                     const std::vector<const HostImport *> &imports, std::string &error);
    // Runs the function at index (e.g. the start function) within deadline.
    CallResult callIndex(wabt::Index funcIndex, std::initializer_list<std::uint64_t> args,
                         Clock::time_point deadline);

    wabt::interp::Store &store() { return m_store; }

    bool hasFunction(std::string_view exportName) const override;
    CallResult call(std::string_view exportName, std::initializer_list<std::uint64_t> args,
                    Clock::time_point deadline) override;
    GuestMemory memory() override;
    std::uint64_t memoryBytes() const override;
    bool atMemoryLimit() const override;

private:
    wabt::Result callHost(const HostImport &import, wabt::interp::Thread &thread,
                          const wabt::interp::Values &params, wabt::interp::Values &results,
                          wabt::interp::Trap::Ptr *trap);
    CallResult callRef(wabt::interp::Ref func, std::initializer_list<std::uint64_t> args,
                       Clock::time_point deadline);
    std::optional<wabt::interp::Ref> exportRef(std::string_view name, wabt::ExternalKind kind) const;

    wabt::interp::Store m_store;
    wabt::interp::Instance::Ptr m_instance;
    wabt::interp::Memory *m_memory = nullptr;
    std::optional<int> m_exitCode; // set by proc_exit during a call
};

} // namespace keel::agent
