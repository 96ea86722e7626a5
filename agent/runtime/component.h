#pragma once

#include "componentconfig.h"
#include "componentrequest.h"

#include <cstdint>
#include <string_view>

namespace keel::agent {

// A loaded component behind one of the two ABIs (WagiComponent, KeelComponent), on
// either tier. handle() runs guest code: call it on a worker thread, never on the
// network thread. Thread-safe.
class Component
{
public:
    virtual ~Component() = default;

    virtual const ComponentConfig &config() const = 0;
    virtual std::string_view tier() const = 0;
    virtual ComponentResponse handle(const ComponentRequest &request) = 0;
    // Linear memory currently held by the component's live instances.
    virtual std::uint64_t linearMemoryBytes() const = 0;
};

} // namespace keel::agent
