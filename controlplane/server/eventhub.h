#pragma once

#include "operatormessages.h"

#include <QObject>

#include <deque>
#include <optional>

namespace Keel {

// Orders every fleet event with a monotonically increasing sequence and keeps the most
// recent ones, so that a watcher that reconnects can resume where it left off. Sequences
// start again with every run of the control plane, so each run has an epoch of its own
// (random): a sequence means something only together with its epoch.
class EventHub final : public QObject
{
    Q_OBJECT

public:
    explicit EventHub(size_t capacity = 4096, QObject *parent = nullptr);

    quint64 currentSequence() const { return m_sequence; }
    QString epoch() const { return m_epoch; }
    void publish(WatchEventBody event);
    // The events after `sequence`, or nullopt when some of them are no longer held (or
    // were issued by an earlier run of the control plane).
    std::optional<QList<WatchEvent>> since(quint64 sequence) const;

signals:
    void published(const Keel::WatchEvent &event);

private:
    size_t m_capacity;
    quint64 m_sequence = 0;
    QString m_epoch;
    std::deque<WatchEvent> m_recent;
};

} // namespace Keel
