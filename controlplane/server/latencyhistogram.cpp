#include "latencyhistogram.h"

#include <algorithm>

namespace Keel {

bool LatencyHistogram::accepts(const HistogramDelta &delta) const
{
    return delta.counts.size() == delta.upperBounds.size() + 1 && (m_counts.isEmpty() || m_bounds == delta.upperBounds);
}

bool LatencyHistogram::add(const HistogramDelta &delta)
{
    if (!accepts(delta))
        return false;
    if (m_counts.isEmpty()) {
        m_bounds = delta.upperBounds;
        m_counts = QList<quint64>(delta.counts.size(), 0);
    }
    for (qsizetype i = 0; i < delta.counts.size(); ++i)
        m_counts[i] += delta.counts[i];
    m_sum += delta.sum;
    m_count += delta.count;
    return true;
}

double LatencyHistogram::quantile(double q) const
{
    if (m_count == 0 || m_bounds.isEmpty())
        return 0;
    const double rank = std::clamp(q, 0.0, 1.0) * double(m_count);
    quint64 below = 0;
    for (qsizetype i = 0; i < m_counts.size(); ++i) {
        const quint64 inBucket = m_counts[i];
        if (inBucket > 0 && double(below + inBucket) >= rank) {
            if (i == m_bounds.size())
                return m_bounds.last(); // the +Inf bucket: the best bound there is
            const double lower = i == 0 ? 0.0 : m_bounds[i - 1];
            const double upper = m_bounds[i];
            return lower + (upper - lower) * std::max(0.0, rank - double(below)) / double(inBucket);
        }
        below += inBucket;
    }
    return m_bounds.last();
}

} // namespace Keel
