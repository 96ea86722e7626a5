#include "backoff.h"

#include <algorithm>
#include <random>

namespace keel::agent {

Backoff::Backoff(std::chrono::milliseconds initial, double factor, std::chrono::milliseconds cap,
                 Random random)
    : m_initial(initial)
    , m_factor(factor)
    , m_cap(cap)
    , m_ceiling(initial)
    , m_random(std::move(random))
{
    if (!m_random) {
        m_random = [engine = std::minstd_rand(std::random_device{}())]() mutable {
            return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
        };
    }
}

std::chrono::milliseconds Backoff::next()
{
    const auto ceiling = std::min(m_ceiling, m_cap);
    const auto delay = std::chrono::milliseconds(
        static_cast<std::chrono::milliseconds::rep>(m_random() * double(ceiling.count() + 1)));
    m_ceiling = std::min(m_cap, std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(
                                    double(m_ceiling.count()) * m_factor)));
    return std::min(delay, ceiling);
}

} // namespace keel::agent
