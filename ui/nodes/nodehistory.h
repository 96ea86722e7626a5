#pragma once

#include "fleettypes.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>

#include <deque>

namespace Keel {

// What happened to each node lately, in words, from the node events the console receives
// (status changes, generations, failed components, labels): the node detail lists them.
// The first state seen of a node is the baseline, not an event. At most kKeep per node.
class NodeHistory final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kKeep = 50;

    struct Entry
    {
        QDateTime at;
        QString text;
        bool bad = false; // unreachable, a failure
    };

    explicit NodeHistory(QObject *parent = nullptr);

    void record(const NodeChange &change);
    // Newest first.
    QList<Entry> entries(const QString &node) const;
    void clear();

signals:
    void recorded(const QString &node);

private:
    void add(const QString &node, const QString &text, bool bad);

    QHash<QString, Node> m_last;
    QHash<QString, std::deque<Entry>> m_entries;
    quint64 m_added = 0;
};

} // namespace Keel
