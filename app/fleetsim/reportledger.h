#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace keel::fleetsim {

// Every metrics report sent, until the control plane's watch stream shows it: a node's
// MetricsWindow carries the report's window end, and (agent, window end) names one report.
// Sent on the agents' io threads, seen on the main thread; the gap is the report->watch
// latency. What is never seen is lost.
class ReportLedger final
{
public:
    using Clock = std::chrono::steady_clock;

    struct Latencies
    {
        std::uint64_t seen = 0;      // every report matched, since the start
        std::uint64_t samples = 0;   // of them, the latencies counted (since resetLatencies)
        std::uint64_t unmatched = 0; // node windows of sim agents that match no report sent
        double p50Ms = 0, p90Ms = 0, p99Ms = 0, maxMs = 0;
    };

    void sent(std::uint32_t agent, std::int64_t windowEndUnixMs, Clock::time_point at);
    // True when it matched a report sent and not seen before.
    bool seen(std::uint32_t agent, std::int64_t windowEndUnixMs, Clock::time_point at);

    // Only reports sent after now count from here on (the measured window starts).
    void resetLatencies();
    Latencies latencies() const;
    std::uint64_t outstanding() const;
    // Reports sent before `before` and still not seen.
    std::uint64_t outstandingSince(Clock::time_point before) const;

private:
    static std::uint64_t key(std::uint32_t agent, std::int64_t windowEndUnixMs)
    {
        return std::uint64_t(windowEndUnixMs) * (std::uint64_t(1) << 20) + agent;
    }

    mutable std::mutex m_mutex;
    std::unordered_map<std::uint64_t, Clock::time_point> m_pending;
    std::vector<float> m_latenciesMs;
    std::uint64_t m_unmatched = 0;
    std::uint64_t m_seen = 0;
};

} // namespace keel::fleetsim
