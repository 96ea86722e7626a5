#include "componentlog.h"

#include <algorithm>
#include <utility>

namespace keel::agent {

ComponentLog::ComponentLog(Limits limits)
    : m_limits(limits)
    , m_tokens(limits.burst)
    , m_refilled(Clock::now())
{
}

void ComponentLog::add(std::string_view line, Clock::time_point now)
{
    constexpr std::string_view kCut = " [cut]";
    const std::size_t keep = std::min(line.size(), m_limits.lineBytes);
    std::lock_guard lock(m_mutex);
    if (now > m_refilled) {
        const double elapsed = std::chrono::duration<double>(now - m_refilled).count();
        m_tokens = std::min(m_limits.burst, m_tokens + elapsed * m_limits.linesPerSecond);
        m_refilled = now;
    }
    if (m_tokens < 1 || m_bytes + keep > m_limits.bufferBytes) {
        ++m_dropped;
        ++m_droppedTotal;
        return;
    }
    m_tokens -= 1;
    std::string &stored = m_lines.emplace_back(line.substr(0, keep));
    if (keep < line.size())
        stored.append(kCut);
    m_bytes += stored.size();
}

ComponentLog::Drained ComponentLog::drain()
{
    Drained drained;
    std::lock_guard lock(m_mutex);
    drained.lines.swap(m_lines);
    drained.dropped = std::exchange(m_dropped, 0);
    m_bytes = 0;
    return drained;
}

std::uint64_t ComponentLog::droppedTotal() const
{
    std::lock_guard lock(m_mutex);
    return m_droppedTotal;
}

} // namespace keel::agent
