#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace keel::agent {

class Component;

// The one request a component with a health_path answers before traffic is switched to
// it: GET <health_path>, straight through Component::handle() on the caller's thread (the
// desired-state thread, or start-up), never through the worker pool, so it neither
// queues behind nor counts as traffic. Any status outside 2xx, or a runtime failure
// (trap, deadline, ...), is a refusal.
class HealthCheck final
{
public:
    // How much of a refusing answer's body the reason quotes.
    static constexpr std::size_t kQuotedBodyBytes = 200;

    // Empty when the component has no health path or answered 2xx; otherwise why not, in
    // one line, e.g. "health check GET /healthz answered 500: hash 2.1.0 is broken".
    static std::string run(Component &component);

    // At most kQuotedBodyBytes of text as one printable line: line breaks and tabs become
    // spaces, other control and non-ASCII bytes '?', so a guest cannot forge log lines.
    static std::string quoted(std::string_view text);
};

} // namespace keel::agent
