#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace keel::fleetsim {

// What every simulated agent did, summed over the fleet. Counters are bumped on the
// agents' io threads and read by the report on the main thread. Errors are kept by kind
// ("connect", "refused_CONFLICT", "closed_1008", ...): anything the control plane or the
// network did to an agent is counted, never fatal.
class SimStats final
{
public:
    std::atomic<std::uint64_t> connects{0};
    std::atomic<std::uint64_t> welcomes{0};
    std::atomic<std::uint64_t> heartbeats{0};
    std::atomic<std::uint64_t> reportsSent{0};
    std::atomic<std::uint64_t> reportsDropped{0}; // --drop-rate: built, deliberately not sent
    std::atomic<std::uint64_t> statesReceived{0};
    std::atomic<std::uint64_t> acks{0};
    std::atomic<std::uint64_t> nacks{0};
    std::atomic<std::uint64_t> fetchChunks{0};
    std::atomic<std::uint64_t> fetchBytes{0};
    std::atomic<std::uint64_t> artifactsFetched{0};
    std::atomic<std::uint64_t> ignoredFrames{0};

    void error(const std::string &kind)
    {
        const std::lock_guard lock(m_mutex);
        ++m_errors[kind];
    }
    std::map<std::string, std::uint64_t> errors() const
    {
        const std::lock_guard lock(m_mutex);
        return m_errors;
    }

private:
    mutable std::mutex m_mutex;
    std::map<std::string, std::uint64_t> m_errors;
};

} // namespace keel::fleetsim
