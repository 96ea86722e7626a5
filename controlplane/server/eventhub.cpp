#include "eventhub.h"

#include <QRandomGenerator>

namespace Keel {

EventHub::EventHub(size_t capacity, QObject *parent)
    : QObject(parent)
    , m_capacity(capacity)
    , m_epoch(QString::number(QRandomGenerator::system()->generate64(), 16).rightJustified(16, u'0'))
{
}

void EventHub::publish(WatchEventBody event)
{
    // Metrics windows are readings, not changes: a watcher that was away asks for the
    // series again rather than replaying them, so they take no sequence and are not
    // held (they would push the changes a resume needs out of the buffer).
    if (std::holds_alternative<MetricsWindow>(event)) {
        emit published(WatchEvent{0, QDateTime::currentDateTimeUtc(), std::move(event)});
        return;
    }
    WatchEvent watchEvent{++m_sequence, QDateTime::currentDateTimeUtc(), std::move(event)};
    m_recent.push_back(watchEvent);
    if (m_recent.size() > m_capacity)
        m_recent.pop_front();
    emit published(watchEvent);
}

std::optional<QList<WatchEvent>> EventHub::since(quint64 sequence) const
{
    QList<WatchEvent> result;
    // A sequence this hub never issued comes from before a restart: its events are gone.
    if (sequence > m_sequence)
        return std::nullopt;
    if (sequence == m_sequence)
        return result;
    if (m_recent.empty() || m_recent.front().sequence > sequence + 1)
        return std::nullopt;
    for (const WatchEvent &event : m_recent) {
        if (event.sequence > sequence)
            result.append(event);
    }
    return result;
}

} // namespace Keel
