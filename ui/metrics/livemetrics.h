#pragma once

#include "metricstypes.h"

#include <QDateTime>
#include <QHash>
#include <QObject>

#include <functional>

namespace Keel {

// The latest live reading of every node, region and the fleet (all components merged),
// and of every region's and the fleet's series per component, as metrics windows arrive
// on the watch stream. Panes read from it (fleet table, map markers, hover cards) and
// listen to its signals; charts take the windows themselves from windowArrived().
// A reading older than kFreshSeconds means no traffic: rates read as zero, and the
// percentiles as unknown.
class LiveMetrics final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kFreshSeconds = 15;
    using Clock = std::function<QDateTime()>;

    struct Reading
    {
        double requestsPerSecond = 0;
        double errorsPerSecond = 0;
        double p50Ms = 0;
        double p95Ms = 0;
        double p99Ms = 0;
        quint64 rssBytes = 0;  // nodes only
        QDateTime at;          // the window's end; invalid: never seen
        bool hasLatency() const { return at.isValid() && requestsPerSecond > 0; }
        double errorRatio() const { return requestsPerSecond > 0 ? errorsPerSecond / requestsPerSecond : 0; }
    };

    explicit LiveMetrics(QObject *parent = nullptr);

    // Takes one window from the watch stream (KeelClient::metricsWindow).
    void add(const MetricsWindow &window);
    void clear();

    // All components merged. A reading that is not fresh comes back with zero rates and
    // no latency, but keeps the node's last RSS and its time.
    Reading node(const QString &name) const;
    Reading region(const QString &name) const;
    Reading fleet() const;
    // One component's reading in a region (empty region: the fleet).
    Reading component(const QString &component, const QString &region = {}) const;

    void setClockForTest(Clock clock) { m_clock = std::move(clock); }

signals:
    void nodeUpdated(const QString &node);
    void regionUpdated(const QString &region);
    void fleetUpdated();
    // Every window as it came, for charts to append.
    void windowArrived(const Keel::MetricsWindow &window);

private:
    Reading fresh(const Reading &reading) const;
    QDateTime now() const;

    QHash<QString, Reading> m_nodes;
    QHash<QString, Reading> m_regions;
    Reading m_fleet;
    QHash<QString, Reading> m_components; // "component\nregion"
    Clock m_clock;
};

} // namespace Keel
