#pragma once

#include <chrono>
#include <functional>

namespace keel::agent {

// Exponential backoff with full jitter: the n-th delay is uniform in
// [0, min(cap, initial * factor^n)]. Jitter keeps a fleet that lost its control plane at
// the same moment from reconnecting in lock step.
class Backoff final
{
public:
    // Returns a uniform number in [0, 1); injected so tests can pin the jitter.
    using Random = std::function<double()>;

    Backoff(std::chrono::milliseconds initial, double factor, std::chrono::milliseconds cap,
            Random random = {});

    std::chrono::milliseconds next();
    void reset() { m_ceiling = m_initial; }

    // The upper bound of the next delay.
    std::chrono::milliseconds ceiling() const { return m_ceiling; }

private:
    std::chrono::milliseconds m_initial;
    double m_factor;
    std::chrono::milliseconds m_cap;
    std::chrono::milliseconds m_ceiling;
    Random m_random;
};

} // namespace keel::agent
