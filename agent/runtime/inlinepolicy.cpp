#include "inlinepolicy.h"

#include <algorithm>

namespace keel::agent {

bool InlinePolicy::recordInline(Clock::duration took, bool deadline, Clock::time_point now)
{
    if (deadline || took > kHardBudget || (took > kBudget && ++m_slowInRow >= 2)) {
        demote(now);
        return false;
    }
    if (took <= kBudget)
        m_slowInRow = 0;
    if (m_demotions && now - m_promotedAt >= kForgiveAfter)
        m_demotions = 0;
    return true;
}

void InlinePolicy::demote(Clock::time_point now)
{
    m_promoted = false;
    m_fastRuns = 0;
    m_slowInRow = 0;
    ++m_demotedTotal;
    const auto shift = std::min<std::uint32_t>(m_demotions++, 12);
    m_demotedUntil = now + std::min<std::chrono::seconds>(kCooldown * (1 << shift), kMaxCooldown);
}

void InlinePolicy::recordWorker(Clock::duration took, bool deadline, Clock::time_point now)
{
    if (deadline || took >= kBudget / 2) {
        m_fastRuns = 0;
        return;
    }
    if (m_promoted)
        return;
    if (++m_fastRuns >= kPromoteAfter && now >= m_demotedUntil) {
        m_promoted = true;
        m_promotedAt = now;
    }
}

} // namespace keel::agent
