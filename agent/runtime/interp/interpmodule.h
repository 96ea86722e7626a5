#pragma once

#include "compiledmodule.h"

#include <wabt/interp/interp.h>

#include <optional>

namespace keel::agent {

// A module WABT has read and validated, kept as its description so that every instance
// gets a Store of its own (Stores are single-threaded; instances run on any worker).
class InterpModule final : public CompiledModule
{
public:
    // desc is validated; memoryBytes caps every memory the module defines.
    // nullptr with error when the module asks for more memory than the cap at start.
    static std::unique_ptr<InterpModule> create(std::string name, wabt::interp::ModuleDesc desc,
                                                std::uint64_t memoryBytes, std::uint32_t maxTableElements,
                                                std::string &error);

    std::string_view tier() const override { return "interp"; }
    const std::vector<ImportRequest> &imports() const override { return m_imports; }
    bool exportsFunction(std::string_view name) const override;
    std::unique_ptr<ModuleInstance> instantiate(const std::vector<const HostImport *> &imports,
                                                ModuleInstance::Clock::time_point deadline,
                                                std::string &error) const override;

private:
    InterpModule(std::string name, wabt::interp::ModuleDesc desc);

    std::string m_name;
    wabt::interp::ModuleDesc m_desc; // start function removed: instantiate() runs it with a deadline
    std::optional<wabt::Index> m_start;
    std::vector<ImportRequest> m_imports;
};

} // namespace keel::agent
