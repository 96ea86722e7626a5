#pragma once

#include "metricstypes.h"

namespace Keel {

// Latency buckets merged from many deltas (nodes, seconds, minutes). Percentiles come
// from the merged buckets, interpolated linearly inside the bucket that holds the rank,
// as Prometheus's histogram_quantile does; never from averaging percentiles.
class LatencyHistogram final
{
public:
    // Adds a delta. The first one fixes the bounds; a delta with other bounds is refused
    // (false) rather than re-bucketed, because that would invent precision.
    bool add(const HistogramDelta &delta);
    bool add(const LatencyHistogram &other) { return other.m_count == 0 || add(other.toDelta()); }
    // Whether add(delta) would take it (well formed, and the same bounds once fixed).
    bool accepts(const HistogramDelta &delta) const;

    // q in [0, 1]; seconds. 0 when empty. The +Inf bucket reports the last finite bound.
    double quantile(double q) const;
    quint64 count() const { return m_count; }
    double sum() const { return m_sum; }
    HistogramDelta toDelta() const { return {m_bounds, m_counts, m_sum, m_count}; }

private:
    QList<double> m_bounds;
    QList<quint64> m_counts;
    double m_sum = 0;
    quint64 m_count = 0;
};

} // namespace Keel
