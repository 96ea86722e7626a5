#include "livemetrics.h"

namespace Keel {

namespace {

LiveMetrics::Reading toReading(const MetricsWindow &w)
{
    LiveMetrics::Reading r;
    r.requestsPerSecond = w.requestsPerSecond;
    r.errorsPerSecond = w.errorsPerSecond;
    r.p50Ms = w.p50Ms;
    r.p95Ms = w.p95Ms;
    r.p99Ms = w.p99Ms;
    r.rssBytes = w.rssBytes;
    r.at = w.windowEnd;
    return r;
}

QString componentKey(const QString &component, const QString &region)
{
    return component + u'\n' + region;
}

} // namespace

LiveMetrics::LiveMetrics(QObject *parent)
    : QObject(parent)
{
}

QDateTime LiveMetrics::now() const
{
    return m_clock ? m_clock() : QDateTime::currentDateTimeUtc();
}

void LiveMetrics::add(const MetricsWindow &window)
{
    const Reading reading = toReading(window);
    if (!window.node.isEmpty()) {
        if (window.component.isEmpty()) {
            Reading &slot = m_nodes[window.node];
            // Reports can arrive out of order after a reconnect: keep the newest.
            if (!slot.at.isValid() || slot.at <= reading.at) {
                slot = reading;
                emit nodeUpdated(window.node);
            }
        }
    } else if (window.component.isEmpty()) {
        if (!window.region.isEmpty()) {
            m_regions.insert(window.region, reading);
            emit regionUpdated(window.region);
        } else {
            m_fleet = reading;
            emit fleetUpdated();
        }
    } else {
        m_components.insert(componentKey(window.component, window.region), reading);
    }
    emit windowArrived(window);
}

void LiveMetrics::clear()
{
    m_nodes.clear();
    m_regions.clear();
    m_components.clear();
    m_fleet = {};
}

LiveMetrics::Reading LiveMetrics::fresh(const Reading &reading) const
{
    if (!reading.at.isValid() || reading.at.secsTo(now()) <= kFreshSeconds)
        return reading;
    Reading idle;
    idle.at = reading.at;
    idle.rssBytes = reading.rssBytes;
    return idle;
}

LiveMetrics::Reading LiveMetrics::node(const QString &name) const
{
    return fresh(m_nodes.value(name));
}

LiveMetrics::Reading LiveMetrics::region(const QString &name) const
{
    return fresh(m_regions.value(name));
}

LiveMetrics::Reading LiveMetrics::fleet() const
{
    return fresh(m_fleet);
}

LiveMetrics::Reading LiveMetrics::component(const QString &component, const QString &region) const
{
    return fresh(m_components.value(componentKey(component, region)));
}

} // namespace Keel
