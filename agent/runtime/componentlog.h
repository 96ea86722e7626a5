#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace keel::agent {

// What one component writes to its log (stderr; stdout of a reactor; keel:platform/log),
// buffered and rate-limited, so a guest that logs on every request costs a copy into a
// buffer rather than a write to the agent's log on the request's path. The agent drains
// every component's buffer a few times a second. Lines beyond the rate (a token bucket)
// or beyond the buffer are dropped and counted, never queued without bound.
// Thread-safe: guests on any thread add, the agent's io thread drains.
class ComponentLog final
{
public:
    using Clock = std::chrono::steady_clock;

    struct Limits
    {
        double linesPerSecond = 50; // sustained, per component
        double burst = 200;         // lines at once after a quiet spell
        std::size_t bufferBytes = 64 * 1024;
        std::size_t lineBytes = 2048; // a longer line is cut, with a mark
    };

    struct Drained
    {
        std::vector<std::string> lines;
        std::uint64_t dropped = 0; // since the previous drain
    };

    ComponentLog() : ComponentLog(Limits{}) {}
    explicit ComponentLog(Limits limits);

    void add(std::string_view line, Clock::time_point now = Clock::now());
    Drained drain();
    std::uint64_t droppedTotal() const;

private:
    Limits m_limits;
    mutable std::mutex m_mutex;
    double m_tokens;
    Clock::time_point m_refilled;
    std::vector<std::string> m_lines;
    std::size_t m_bytes = 0;
    std::uint64_t m_dropped = 0;
    std::uint64_t m_droppedTotal = 0;
};

} // namespace keel::agent
