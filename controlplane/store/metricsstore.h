#pragma once

#include <limits>

#include "metricstypes.h"

namespace Keel {

// One minute of one series, as kept for the long view (7 days).
struct MetricsMinute
{
    QString scope;     // "node", "region" or "fleet"
    QString key;       // the node's or region's name; empty for the fleet
    QString component;
    qint64 minuteMs = 0; // start of the minute, Unix ms
    HistogramDelta latency;
    quint64 requests = 0;
    quint64 errors = 0;
    quint64 rssBytes = 0;

    bool operator==(const MetricsMinute &) const = default;
};

// Minute points of the fleet's metrics. Part of Store (Store::metrics()); portable SQL.
class MetricsStore
{
public:
    virtual ~MetricsStore() = default;

    // In one transaction; a minute already stored for a series is merged with the new one
    // (buckets and counts added, the larger RSS kept), so a late report adds to its
    // minute rather than replacing it. Minutes whose buckets differ from the stored
    // ones are not merged: their count is returned (the rest is written). Minutes at or
    // after `newFromMs` are known never to have been written (the caller has written
    // nothing that late): they are inserted without looking for a stored one first.
    virtual int addMinutes(const QList<MetricsMinute> &minutes,
                           qint64 newFromMs = std::numeric_limits<qint64>::max()) = 0;
    // Oldest first, minuteMs in [sinceMs, untilMs).
    virtual QList<MetricsMinute> minutes(const QString &scope, const QString &key, const QString &component,
                                         qint64 sinceMs, qint64 untilMs) = 0;
    virtual int pruneMinutes(qint64 beforeMs) = 0;
};

} // namespace Keel
