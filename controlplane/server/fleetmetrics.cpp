#include "fleetmetrics.h"

#include "servermetrics.h"
#include "storeerror.h"

#include <QLoggingCategory>

#include <algorithm>
#include <cmath>

namespace Keel {

Q_LOGGING_CATEGORY(lcMetrics, "keel.metrics")

namespace {

const QString kNode = QStringLiteral("node");
const QString kRegion = QStringLiteral("region");
const QString kFleet = QStringLiteral("fleet");
constexpr qint64 kMinuteMs = 60000;
// A minute is written once its end is this far behind: late reports still land in it.
constexpr qint64 kMinuteGraceMs = 5000;
// Reports from clocks this far ahead are refused rather than filed under a wrong time.
constexpr qint64 kMaxSkewMs = 5 * 60000;

} // namespace

bool FleetMetrics::Point::add(const Point &other)
{
    if (!latency.add(other.latency))
        return false;
    requests += other.requests;
    errors += other.errors;
    rssBytes = std::max(rssBytes, other.rssBytes);
    return true;
}

FleetMetrics::Point FleetMetrics::Point::of(const MetricsMinute &minute)
{
    Point p;
    p.latency.add(minute.latency);
    p.requests = minute.requests;
    p.errors = minute.errors;
    p.rssBytes = minute.rssBytes;
    return p;
}

FleetMetrics::FleetMetrics(MetricsStore &store, ServerMetrics &metrics, FleetMetricsOptions options, Clock clock,
                           QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_metrics(metrics)
    , m_options(options)
    , m_clock(std::move(clock))
{
    if (!m_clock) {
        m_timer.setInterval(m_options.metricsIntervalMs);
        connect(&m_timer, &QTimer::timeout, this, &FleetMetrics::tick);
        m_timer.start();
    }
}

FleetMetrics::~FleetMetrics()
{
    flush();
}

QDateTime FleetMetrics::now() const
{
    return m_clock ? m_clock() : QDateTime::currentDateTimeUtc();
}

std::optional<QString> FleetMetrics::ingest(const QString &node, const QString &region, const MetricsReport &report,
                                            const QSet<QString> *desired)
{
    const qint64 nowMs = now().toMSecsSinceEpoch();
    const qint64 endMs = report.windowEnd.toMSecsSinceEpoch();
    if (endMs - nowMs > kMaxSkewMs) {
        m_metrics.metricsReport("skewed");
        return QStringLiteral("metrics window ending %1 is more than 5 minutes ahead of the control plane's clock (%2): check the node's time")
            .arg(report.windowEnd.toString(Qt::ISODate), now().toString(Qt::ISODate));
    }
    if (nowMs - endMs > kMaxLatenessMs) {
        m_metrics.metricsReport("late");
        return QStringLiteral("metrics window ending %1 arrived more than 5 minutes late (%2): dropped; check the node's time "
                              "if this goes on")
            .arg(report.windowEnd.toString(Qt::ISODate), now().toString(Qt::ISODate));
    }
    m_nodeRegion.insert(node, region);
    const qint64 second = endMs / 1000;
    const qint64 minute = endMs - endMs % kMinuteMs;
    QStringList refused;
    QStringList foreign;
    Point nodeTotal;
    for (const ComponentMetricsDelta &delta : report.components) {
        if (desired && !desired->contains(delta.component)) {
            foreign.append(delta.component.left(64));
            m_metrics.foreignComponent("metrics");
            continue;
        }
        Point point;
        point.requests = delta.requests;
        point.errors = delta.errors;
        // Each series per component and, under the empty component, all components merged.
        const Key keys[] = {Key{kNode, node, delta.component}, Key{kRegion, region, delta.component}, Key{kFleet, {}, delta.component},
                            Key{kNode, node, {}},              Key{kRegion, region, {}},              Key{kFleet, {}, {}}};
        // All series take it or none does: node, region and fleet never disagree.
        const bool fits = point.latency.add(delta.latency) && std::all_of(std::begin(keys), std::end(keys), [&](const Key &key) {
            const auto minutes = m_minutes.constFind(key);
            const auto seconds = m_seconds.constFind(key);
            auto takes = [&](const auto &series, qint64 at) {
                const auto p = series->find(at);
                return p == series->end() || p->second.latency.accepts(delta.latency);
            };
            return (minutes == m_minutes.cend() || takes(minutes, minute))
                && (key.scope == kNode || seconds == m_seconds.cend() || takes(seconds, second));
        });
        if (!fits) {
            refused.append(delta.component);
            continue;
        }
        // The node's own series of the component also keeps the component's instance
        // memory (a level; in the point's memory field, which node series otherwise leave
        // to the component-less series' RSS).
        Point withMemory = point;
        withMemory.rssBytes = delta.instanceMemoryBytes;
        for (const Key &key : keys) {
            m_minutes[key][minute].add(&key == &keys[0] ? withMemory : point);
            if (key.scope != kNode)
                m_seconds[key][second].add(point);
        }
        nodeTotal.add(point);
    }
    Point rss;
    rss.rssBytes = report.rssBytes;
    m_minutes[Key{kNode, node, {}}][minute].add(rss);
    // The node's live reading: its report as it is, all components merged (node series
    // are not kept per second; a console's fleet table shows this).
    nodeTotal.rssBytes = report.rssBytes;
    const double seconds = std::max(0.001, report.windowStart.msecsTo(report.windowEnd) / 1000.0);
    emit window(toWindow(Key{kNode, node, {}}, nodeTotal, report.windowEnd, seconds));
    emit reportTaken(node, report);
    if (!foreign.isEmpty()) {
        m_metrics.metricsReport("foreign_component");
        return QStringLiteral("metrics of %1, which the node's desired state does not name, were dropped").arg(foreign.join(QStringLiteral(", ")));
    }
    if (!refused.isEmpty()) {
        m_metrics.metricsReport("bucket_mismatch");
        return QStringLiteral("latency buckets of %1 differ from the ones this control plane merges: agents of one fleet must share them")
            .arg(refused.join(QStringLiteral(", ")));
    }
    m_metrics.metricsReport("ok");
    return std::nullopt;
}

MetricsWindow FleetMetrics::toWindow(const Key &key, const Point &point, const QDateTime &end, double seconds) const
{
    MetricsWindow w;
    w.windowEnd = end;
    w.component = key.component;
    if (key.scope == kNode) {
        w.node = key.key;
        w.region = m_nodeRegion.value(key.key);
        w.rssBytes = point.rssBytes;
    } else if (key.scope == kRegion) {
        w.region = key.key;
    }
    w.p50Ms = point.latency.quantile(0.50) * 1000;
    w.p95Ms = point.latency.quantile(0.95) * 1000;
    w.p99Ms = point.latency.quantile(0.99) * 1000;
    w.requestsPerSecond = double(point.requests) / seconds;
    w.errorsPerSecond = double(point.errors) / seconds;
    return w;
}

void FleetMetrics::tick()
{
    const QDateTime end = now();
    const qint64 endSecond = end.toMSecsSinceEpoch() / 1000;
    const qint64 oldest = endSecond - m_options.memorySeconds;
    // The newest seconds are not all reported yet (agents report every interval): the
    // live window ends that far back, so that it never reads low.
    const qint64 liveEnd = endSecond - reportLagSeconds();
    for (auto it = m_seconds.begin(); it != m_seconds.end();) {
        auto &points = it.value();
        points.erase(points.begin(), points.lower_bound(oldest));
        if (points.empty()) {
            it = m_seconds.erase(it);
            continue;
        }
        Point live;
        for (auto p = points.lower_bound(liveEnd - m_options.liveWindowSeconds + 1); p != points.end() && p->first <= liveEnd; ++p)
            live.add(p->second);
        if (live.requests > 0 || live.latency.count() > 0)
            emit window(toWindow(it.key(), live, QDateTime::fromSecsSinceEpoch(liveEnd + 1, Qt::UTC), m_options.liveWindowSeconds));
        ++it;
    }
    writeMinutes(end.toMSecsSinceEpoch() - kMinuteGraceMs - kMinuteMs + 1);
    const qint64 dayMs = 24 * 3600 * 1000LL;
    if (end.toMSecsSinceEpoch() - m_lastPruneMs > dayMs / 24) {
        m_lastPruneMs = end.toMSecsSinceEpoch();
        try {
            m_store.pruneMinutes(end.toMSecsSinceEpoch() - m_options.retentionDays * dayMs);
        } catch (const StoreError &error) {
            m_metrics.storeError();
            qCWarning(lcMetrics, "cannot prune metric minutes: %s", error.what());
        }
    }
}

void FleetMetrics::flush()
{
    writeMinutes(std::numeric_limits<qint64>::max());
}

void FleetMetrics::writeMinutes(qint64 beforeMs)
{
    const qsizetype before = m_unwritten.size();
    for (auto it = m_minutes.begin(); it != m_minutes.end();) {
        auto &points = it.value();
        for (auto p = points.begin(); p != points.end() && p->first < beforeMs;) {
            m_unwritten.append({it.key().scope, it.key().key, it.key().component, p->first, p->second.latency.toDelta(),
                                p->second.requests, p->second.errors, p->second.rssBytes});
            p = points.erase(p);
        }
        it = points.empty() ? m_minutes.erase(it) : std::next(it);
    }
    if (m_unwritten.size() > before) {
        const qint64 unwrittenFrom = m_writtenBeforeMs.value_or(std::numeric_limits<qint64>::max());
        m_unwrittenFromMs = std::min(m_unwrittenFromMs, unwrittenFrom);
    }
    m_writtenBeforeMs = std::max(m_writtenBeforeMs.value_or(beforeMs), beforeMs);
    writeUnwritten(beforeMs == std::numeric_limits<qint64>::max() ? m_unwritten.size() : kMinutesPerWrite);
}

void FleetMetrics::writeUnwritten(qsizetype limit)
{
    if (m_unwritten.isEmpty())
        return;
    const QList<MetricsMinute> chunk = m_unwritten.first(std::min(limit, m_unwritten.size()));
    m_unwritten.remove(0, chunk.size());
    try {
        if (const int refused = m_store.addMinutes(chunk, m_unwrittenFromMs); refused > 0) {
            m_metrics.metricsReport("bucket_mismatch");
            qCWarning(lcMetrics, "%d metric minute(s) had other buckets than the stored ones and were not merged", refused);
        }
    } catch (const StoreError &error) {
        m_metrics.storeError();
        qCWarning(lcMetrics, "cannot write %lld metric minutes (they are lost): %s", qint64(chunk.size()), error.what());
    }
    if (m_unwritten.isEmpty()) {
        m_unwrittenFromMs = std::numeric_limits<qint64>::max();
        return;
    }
    // A fleet's minute is tens of thousands of rows: the rest goes in later turns of the
    // event loop, so reports and operators are never held up behind one long write.
    if (!m_writeScheduled) {
        m_writeScheduled = true;
        QTimer::singleShot(0, this, [this] {
            m_writeScheduled = false;
            writeUnwritten(kMinutesPerWrite);
        });
    }
}

std::variant<QList<MetricsWindow>, WireError> FleetMetrics::query(const QString &component, const QString &region,
                                                                  const QString &node, const QDateTime &since)
{
    if (!region.isEmpty() && !node.isEmpty())
        return WireError{ErrorCode::BadRequest, QStringLiteral("ask for a node or a region, not both"), QStringLiteral("region")};
    const QDateTime end = now();
    const QDateTime from = since.isValid() ? since : end.addSecs(-600);
    if (from >= end)
        return WireError{ErrorCode::BadRequest, QStringLiteral("since %1 is not in the past").arg(from.toString(Qt::ISODate)), QStringLiteral("since_unix_ms")};
    const Key key = !node.isEmpty() ? Key{kNode, node, component} : !region.isEmpty() ? Key{kRegion, region, component}
                                                                                     : Key{kFleet, {}, component};
    QList<MetricsWindow> windows;
    const qint64 fromMs = from.toMSecsSinceEpoch();
    const qint64 endMs = end.toMSecsSinceEpoch();
    if (key.scope != kNode && fromMs >= endMs - qint64(m_options.memorySeconds) * 1000) {
        // From the 1-second points, in at most ~90 windows of at least the live window.
        const qint64 rangeSeconds = (endMs - fromMs + 999) / 1000;
        const qint64 width = std::max<qint64>(m_options.liveWindowSeconds, (rangeSeconds + 89) / 90);
        const auto series = m_seconds.constFind(key);
        if (series == m_seconds.cend())
            return windows;
        // Windows end where the seconds are complete (one report interval back) and step
        // back, so the newest one is whole (a window reaching into seconds not reported
        // yet would read low, and end after the live windows that follow).
        const qint64 first = fromMs / 1000;
        const qint64 stop = endMs / 1000 + 1 - reportLagSeconds();
        for (qint64 start = stop - width; start + width > first; start -= width) {
            Point merged;
            const auto &points = series.value();
            for (auto p = points.lower_bound(std::max(start, first)); p != points.end() && p->first < start + width; ++p)
                merged.add(p->second);
            if (merged.requests > 0 || merged.latency.count() > 0)
                windows.prepend(toWindow(key, merged, QDateTime::fromSecsSinceEpoch(start + width, Qt::UTC), double(width)));
        }
        return windows;
    }
    // The long view: minute points from the store, then those not written yet.
    std::map<qint64, Point> minutes;
    const qint64 firstMinute = fromMs - fromMs % kMinuteMs;
    for (const MetricsMinute &m : m_store.minutes(key.scope, key.key, key.component, firstMinute, endMs))
        minutes[m.minuteMs] = Point::of(m);
    if (const auto held = m_minutes.constFind(key); held != m_minutes.cend()) {
        for (const auto &[minute, point] : held.value())
            if (minute >= firstMinute)
                minutes[minute].add(point);
    }
    for (const MetricsMinute &m : m_unwritten) // closed, on their way to the store
        if (m.scope == key.scope && m.key == key.key && m.component == key.component && m.minuteMs >= firstMinute)
            minutes[m.minuteMs].add(Point::of(m));
    // A node's series of one component holds the component's memory where RSS would be.
    std::map<qint64, quint64> componentMemory;
    if (key.scope == kNode && !key.component.isEmpty()) {
        for (const auto &[minute, point] : minutes)
            componentMemory[minute] = point.rssBytes;
    }
    if (key.scope == kNode) {
        // rss lives in the node's component-less series.
        for (const MetricsMinute &m : m_store.minutes(kNode, node, {}, firstMinute, endMs))
            if (minutes.count(m.minuteMs))
                minutes[m.minuteMs].rssBytes = m.rssBytes;
        if (const auto held = m_minutes.constFind(Key{kNode, node, {}}); held != m_minutes.cend())
            for (const auto &[minute, point] : held.value())
                if (minutes.count(minute))
                    minutes[minute].rssBytes = std::max(minutes[minute].rssBytes, point.rssBytes);
        for (const MetricsMinute &m : m_unwritten)
            if (m.scope == kNode && m.key == node && m.component.isEmpty() && minutes.count(m.minuteMs))
                minutes[m.minuteMs].rssBytes = std::max(minutes[m.minuteMs].rssBytes, m.rssBytes);
    }
    for (const auto &[minute, point] : minutes) {
        // The minute under way holds only the seconds so far: its rates are per those.
        const qint64 until = std::max(minute + 1000, std::min(minute + kMinuteMs, endMs - reportLagSeconds() * 1000));
        const double seconds = std::max(1.0, (until - minute) / 1000.0);
        windows.append(toWindow(key, point, QDateTime::fromMSecsSinceEpoch(until, Qt::UTC), seconds));
        if (const auto memory = componentMemory.find(minute); memory != componentMemory.end())
            windows.last().instanceMemoryBytes = memory->second;
    }
    return windows;
}

} // namespace Keel
