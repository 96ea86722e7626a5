#pragma once

#include "latencyhistogram.h"
#include "metricsstore.h"
#include "wireerror.h"

#include <QHash>
#include <QSet>
#include <QObject>
#include <QTimer>

#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <variant>

namespace Keel {

class ServerMetrics;

struct FleetMetricsOptions
{
    int metricsIntervalMs = 2000;  // how often agents report (sent in Welcome)
    int memorySeconds = 15 * 60;   // 1-second points kept in memory (region and fleet series)
    int retentionDays = 7;         // 1-minute points kept in the store
    int liveWindowSeconds = 10;    // what each live MetricsWindow event covers
};

// The fleet's metrics: agents' bucket deltas merged per node, per region and for the
// whole fleet, per component. Region and fleet series keep 1-second points for the last
// 15 minutes in memory; every series is rolled up into 1-minute points written to the
// store (7 days). Node series are read at minute resolution (keeping 1-second points for
// thousands of nodes would cost gigabytes). Percentiles always come from merged buckets.
class FleetMetrics final : public QObject
{
    Q_OBJECT

public:
    using Clock = std::function<QDateTime()>;

    FleetMetrics(MetricsStore &store, ServerMetrics &metrics, FleetMetricsOptions options = {}, Clock clock = {},
                 QObject *parent = nullptr);
    ~FleetMetrics() override;

    const FleetMetricsOptions &options() const { return m_options; }

    // nullopt when taken; otherwise why (part of) the report was refused (counted too).
    // `desired`: the components of the node's desired set; others are dropped and counted
    // (nullptr: any). A report whose window ended more than kMaxLatenessMs ago is dropped
    // and counted; a later one is added into its minute, also when that minute is stored.
    std::optional<QString> ingest(const QString &node, const QString &region, const MetricsReport &report,
                                  const QSet<QString> *desired = nullptr);
    static constexpr qint64 kMaxLatenessMs = 5 * 60000;
    // Windows oldest first for one component (empty: all components merged): of a node,
    // a region, or (neither) the fleet.
    std::variant<QList<MetricsWindow>, WireError> query(const QString &component, const QString &region,
                                                        const QString &node, const QDateTime &since);

    // Emits the live windows, writes closed minutes, prunes. Runs on a timer; public so
    // tests can drive it with their own clock.
    void tick();
    // Writes every minute held in memory (shutdown, tests).
    void flush();

signals:
    // A live window: of a region's or the fleet's series, each tick (the console charts
    // these); of a node, all components merged, as each of its reports arrives.
    void window(const Keel::MetricsWindow &window);
    // A report taken (wholly or in part), as the node sent it: rollouts measure their
    // gates from its bucket deltas per version.
    void reportTaken(const QString &node, const Keel::MetricsReport &report);

private:
    struct Point
    {
        LatencyHistogram latency;
        quint64 requests = 0;
        quint64 errors = 0;
        quint64 rssBytes = 0;
        bool add(const Point &other);
        static Point of(const MetricsMinute &minute);
    };
    struct Key
    {
        QString scope;
        QString key;
        QString component;
        bool operator==(const Key &) const = default;
    };
    friend size_t qHash(const Key &k, size_t seed) { return qHashMulti(seed, k.scope, k.key, k.component); }

    QDateTime now() const;
    // How far back the seconds are complete: one report interval.
    qint64 reportLagSeconds() const { return (m_options.metricsIntervalMs + 999) / 1000; }
    MetricsWindow toWindow(const Key &key, const Point &point, const QDateTime &end, double seconds) const;
    // Moves the minutes closed before `beforeMs` to m_unwritten and writes them, a chunk
    // per event-loop turn (all at once when flushing).
    void writeMinutes(qint64 beforeMs);
    void writeUnwritten(qsizetype limit);
    static constexpr qsizetype kMinutesPerWrite = 2000;

    MetricsStore &m_store;
    ServerMetrics &m_metrics;
    FleetMetricsOptions m_options;
    Clock m_clock;
    QHash<Key, std::map<qint64, Point>> m_seconds; // region and fleet series: second -> point
    QHash<Key, std::map<qint64, Point>> m_minutes; // every series: minute (ms) -> point, until written
    QHash<QString, QString> m_nodeRegion;
    qint64 m_lastPruneMs = 0;
    // The highest bound this run has written minutes below. Minutes from there on were
    // never written (by this run, nor, being later than its first write, by an earlier
    // one): they are inserted without a lookup. Before the first write: unknown.
    std::optional<qint64> m_writtenBeforeMs;
    QList<MetricsMinute> m_unwritten; // closed minutes on their way to the store
    qint64 m_unwrittenFromMs = std::numeric_limits<qint64>::max(); // of m_unwritten: see addMinutes
    bool m_writeScheduled = false;
    QTimer m_timer;
};

} // namespace Keel
