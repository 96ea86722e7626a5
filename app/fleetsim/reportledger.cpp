#include "reportledger.h"

#include <algorithm>
#include <cmath>

namespace keel::fleetsim {

void ReportLedger::sent(std::uint32_t agent, std::int64_t windowEndUnixMs, Clock::time_point at)
{
    const std::lock_guard lock(m_mutex);
    m_pending.emplace(key(agent, windowEndUnixMs), at);
}

bool ReportLedger::seen(std::uint32_t agent, std::int64_t windowEndUnixMs, Clock::time_point at)
{
    const std::lock_guard lock(m_mutex);
    const auto it = m_pending.find(key(agent, windowEndUnixMs));
    if (it == m_pending.end()) {
        ++m_unmatched;
        return false;
    }
    m_latenciesMs.push_back(float(std::chrono::duration<double, std::milli>(at - it->second).count()));
    m_pending.erase(it);
    ++m_seen;
    return true;
}

void ReportLedger::resetLatencies()
{
    const std::lock_guard lock(m_mutex);
    m_latenciesMs.clear();
}

ReportLedger::Latencies ReportLedger::latencies() const
{
    std::vector<float> sorted;
    Latencies out;
    {
        const std::lock_guard lock(m_mutex);
        sorted = m_latenciesMs;
        out.unmatched = m_unmatched;
        out.seen = m_seen;
    }
    out.samples = sorted.size();
    if (sorted.empty())
        return out;
    std::sort(sorted.begin(), sorted.end());
    // Nearest rank: the smallest value with at least q of the samples at or below it.
    auto rank = [&](double q) {
        const auto n = sorted.size();
        const auto i = std::size_t(std::max(1.0, std::ceil(q * double(n)))) - 1;
        return double(sorted[std::min(i, n - 1)]);
    };
    out.p50Ms = rank(0.50);
    out.p90Ms = rank(0.90);
    out.p99Ms = rank(0.99);
    out.maxMs = double(sorted.back());
    return out;
}

std::uint64_t ReportLedger::outstanding() const
{
    const std::lock_guard lock(m_mutex);
    return m_pending.size();
}

std::uint64_t ReportLedger::outstandingSince(Clock::time_point before) const
{
    const std::lock_guard lock(m_mutex);
    return std::uint64_t(std::count_if(m_pending.begin(), m_pending.end(), [&](const auto &p) { return p.second < before; }));
}

} // namespace keel::fleetsim
