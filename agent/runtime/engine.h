#pragma once

#include "compiledmodule.h"
#include "componentconfig.h"

#include <memory>
#include <string>

namespace keel::agent {

// One execution tier: turns a component's module into a CompiledModule. The interpreter
// (InterpEngine) loads any .wasm; the AOT tier loads a shared object made ahead of time.
class Engine
{
public:
    virtual ~Engine() = default;

    // nullptr with error (naming the file and the reason) when the module is refused.
    virtual std::unique_ptr<CompiledModule> load(const ComponentConfig &config,
                                                 std::string &error) = 0;
};

} // namespace keel::agent
