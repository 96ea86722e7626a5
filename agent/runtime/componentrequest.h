#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keel::agent {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One HTTP request as a component sees it, copied off the network thread.
struct ComponentRequest
{
    std::string method;
    std::string path;  // below /<component>, always starting with '/'
    std::string query; // without '?'
    HeaderList headers;
    std::string body;
    std::string remoteAddress;
    std::string serverName;
    std::string serverPort;
    std::string protocol = "HTTP/1.1";

    // When the data plane took it (its latency counts from here), and when its component
    // started on it (ComponentRuntime sets it; the deadline counts from here). A
    // component called with started unset reads the clock itself.
    std::chrono::steady_clock::time_point received{};
    std::chrono::steady_clock::time_point started{};

    std::chrono::steady_clock::time_point startedOrNow() const
    {
        return started != std::chrono::steady_clock::time_point() ? started : std::chrono::steady_clock::now();
    }
};

// Why a component failed to answer; labels keel_agent_component_errors_total.
enum class ComponentError : std::uint8_t {
    None,
    Trap,             // guest trapped (unreachable, out-of-bounds, stack exhausted...)
    Deadline,         // ran past limits.deadline_ms
    Memory,           // hit limits.memory_mb
    ResponseTooLarge, // past limits.max_response_bytes
    BadOutput,        // CGI output or a Keel response that does not parse
    Instantiation,    // could not instantiate (a start function that traps...)
};

std::string_view errorKindName(ComponentError error);

struct ComponentResponse
{
    unsigned status = 200;
    HeaderList headers;
    std::string body;
    ComponentError error = ComponentError::None;
    std::string detail; // for the log: the trap message, what did not parse...

    // Filled by the component for metrics.
    double instantiationSeconds = -1; // >= 0 when this request made an instance
    bool coldStart = false;           // the first instance of the component
    std::uint64_t memoryBytes = 0;    // linear memory of the instance that answered
    // When the component returned it (ComponentRuntime sets it).
    std::chrono::steady_clock::time_point finished{};

    static ComponentResponse failure(unsigned status, ComponentError error, std::string detail);
};

} // namespace keel::agent

namespace keel::agent {

// A response header a guest may set: a token name, a value without CR/LF/NUL, and not
// one the server owns (framing and connection headers). false: drop or refuse it.
bool isGuestHeaderValid(std::string_view name, std::string_view value);
bool isServerOwnedHeader(std::string_view name);

} // namespace keel::agent
