#pragma once

#include "fleettypes.h"

// Fleet metrics: what agents report (bucket deltas, never percentiles) and what
// operators read (windows with percentiles computed from merged buckets).
namespace Keel {

struct HistogramDelta
{
    QList<double> upperBounds; // seconds, ascending; +Inf implied after the last
    QList<quint64> counts;     // upperBounds.size() + 1 buckets (not cumulative)
    double sum = 0;
    quint64 count = 0;

    bool operator==(const HistogramDelta &) const = default;
};

struct ComponentMetricsDelta
{
    QString component;
    QString version;
    std::optional<RuntimeTier> tier;
    HistogramDelta latency;
    quint64 requests = 0;
    quint64 errors = 0;
    quint64 coldStarts = 0;
    quint64 instanceMemoryBytes = 0; // a level, not a delta

    bool operator==(const ComponentMetricsDelta &) const = default;
};

struct MetricsReport
{
    QDateTime windowStart;
    QDateTime windowEnd;
    QList<ComponentMetricsDelta> components;
    quint64 rssBytes = 0;

    bool operator==(const MetricsReport &) const = default;
};

// One point of a series: a node's, a region's or the fleet's view of one component.
struct MetricsWindow
{
    QDateTime windowEnd;
    QString node;      // set for a node's series
    QString region;    // set for a region's (and a node's) series
    QString component;
    double p50Ms = 0;
    double p95Ms = 0;
    double p99Ms = 0;
    double requestsPerSecond = 0;
    double errorsPerSecond = 0;
    quint64 rssBytes = 0; // node series only
    quint64 instanceMemoryBytes = 0; // a node's series of one component: its instance memory

    bool operator==(const MetricsWindow &) const = default;
};

} // namespace Keel
