#pragma once

#include "simconfig.h"
#include "simmessages.h"

#include <random>
#include <vector>

namespace keel::fleetsim {

// Pretend traffic for a report window: per component a Poisson number of requests, each
// with a log-normal latency counted into the agents' bucket bounds (the control plane
// merges buckets and refuses other bounds), a share of them errors, now and then a cold
// start, and instance memory and process RSS around plausible levels.
class MetricsModel final
{
public:
    MetricsModel(const SimConfig &config, std::uint64_t seed);

    // The bounds every keel-agent reports with (agent/metrics/agentmetrics.cpp).
    static const std::vector<double> &bucketBounds();

    SimMetricsReport build(const std::vector<SimStatus> &components, std::int64_t windowStartUnixMs,
                           std::int64_t windowEndUnixMs);
    // Uniform in [0, 1), for the agents' own draws (drops, NACKs, jitter) on this thread.
    double uniform() { return m_uniform(m_engine); }

private:
    const SimConfig &m_config;
    std::minstd_rand m_engine;
    std::uniform_real_distribution<double> m_uniform{0.0, 1.0};
    std::lognormal_distribution<double> m_latency;
};

} // namespace keel::fleetsim
