#include "metricsmodel.h"

#include <algorithm>
#include <cmath>

namespace keel::fleetsim {

MetricsModel::MetricsModel(const SimConfig &config, std::uint64_t seed)
    : m_config(config)
    , m_engine(std::uint32_t(seed % 2147483646u) + 1)
    , m_latency(std::log(std::max(0.001, config.latencyMedianMs) / 1000.0), std::max(0.01, config.latencySigma))
{
}

const std::vector<double> &MetricsModel::bucketBounds()
{
    static const std::vector<double> bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                            0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    return bounds;
}

SimMetricsReport MetricsModel::build(const std::vector<SimStatus> &components, std::int64_t windowStartUnixMs,
                                     std::int64_t windowEndUnixMs)
{
    const auto &bounds = bucketBounds();
    const double seconds = std::max(0.001, double(windowEndUnixMs - windowStartUnixMs) / 1000.0);
    SimMetricsReport report;
    report.windowStartUnixMs = windowStartUnixMs;
    report.windowEndUnixMs = windowEndUnixMs;
    report.components.reserve(components.size());
    std::poisson_distribution<int> arrivals(std::max(0.0, m_config.requestsPerSecond * seconds));
    for (const SimStatus &status : components) {
        SimComponentMetrics m;
        m.component = status.name;
        m.version = status.version;
        m.aot = status.aot;
        m.latency.upperBounds = &bounds;
        m.latency.counts.assign(bounds.size() + 1, 0);
        const int requests = arrivals(m_engine);
        for (int i = 0; i < requests; ++i) {
            const double latency = m_latency(m_engine);
            const auto bucket = std::size_t(std::lower_bound(bounds.begin(), bounds.end(), latency) - bounds.begin());
            ++m.latency.counts[bucket];
            m.latency.sum += latency;
            if (uniform() < m_config.errorRate)
                ++m.errors;
        }
        m.latency.count = std::uint64_t(requests);
        m.requests = std::uint64_t(requests);
        m.coldStarts = uniform() < m_config.coldStartRate ? 1 : 0;
        // A few MiB of linear memory per instance, in 64 KiB pages.
        m.instanceMemoryBytes = std::uint64_t(16 + int(uniform() * 48)) * 65536;
        report.components.push_back(std::move(m));
    }
    report.rssBytes = (12u << 20) + std::uint64_t(components.size()) * (3u << 20) + std::uint64_t(uniform() * (1u << 20));
    return report;
}

} // namespace keel::fleetsim
