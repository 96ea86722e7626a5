#pragma once

#include "engine.h"

#include <string>

namespace keel::agent {

// The AOT tier: loads the shared object keel-aot made from a component's module
// (ComponentConfig::aotPath) through keel_aot_load. The object must have been built from
// exactly the module file the manifest names (its digest) and for this agent's target;
// anything else is refused here, with the reason, and never falls back on its own: the
// caller decides whether tier=auto serves the module on the interpreter instead.
class AotEngine final : public Engine
{
public:
    AotEngine(); // expects objects for the triple this agent was compiled for
    // For tests and tooling that must check objects against another target.
    explicit AotEngine(std::string target);

    const std::string &target() const { return m_target; }

    std::unique_ptr<CompiledModule> load(const ComponentConfig &config, std::string &error) override;

private:
    std::string m_target;
};

} // namespace keel::agent
