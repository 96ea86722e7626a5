#pragma once

#include "engine.h"

namespace keel::agent {

// The interpreter tier: WABT's interpreter (libwabt). Loading reads and validates the
// module once; instances are cheap enough to make per request (WAGI).
class InterpEngine final : public Engine
{
public:
    std::unique_ptr<CompiledModule> load(const ComponentConfig &config, std::string &error) override;
};

} // namespace keel::agent
