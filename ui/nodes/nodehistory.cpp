#include "nodehistory.h"

#include <algorithm>

namespace Keel {

NodeHistory::NodeHistory(QObject *parent)
    : QObject(parent)
{
}

void NodeHistory::add(const QString &node, const QString &text, bool bad)
{
    ++m_added;
    auto &list = m_entries[node];
    list.push_front({QDateTime::currentDateTimeUtc(), text, bad});
    while (list.size() > size_t(kKeep))
        list.pop_back();
}

void NodeHistory::record(const NodeChange &change)
{
    const Node &now = change.node;
    const auto before = m_last.constFind(now.name);
    const quint64 added = m_added;
    if (change.kind == NodeChange::Kind::Joined)
        add(now.name, tr("Joined %1 (site %2)").arg(now.region, now.site.isEmpty() ? tr("none") : now.site), false);
    if (before != m_last.cend()) {
        const Node &was = *before;
        if (was.status != now.status)
            add(now.name, now.status == NodeStatus::Ready ? tr("Ready again") : tr("Unreachable: no heartbeat within the grace"),
                now.status != NodeStatus::Ready);
        if (was.desiredGeneration != now.desiredGeneration)
            add(now.name, tr("Sent desired state generation %1").arg(now.desiredGeneration), false);
        if (was.ackedGeneration != now.ackedGeneration)
            add(now.name, tr("Acknowledged generation %1").arg(now.ackedGeneration), false);
        for (const ComponentStatus &c : now.components) {
            const auto old = std::find_if(was.components.cbegin(), was.components.cend(),
                                          [&c](const ComponentStatus &o) { return o.name == c.name; });
            const bool failedNow = c.state == ComponentStatus::State::Failed;
            if (old == was.components.cend() || old->version != c.version || old->state != c.state || old->tier != c.tier) {
                add(now.name,
                    failedNow ? tr("%1@%2 failed: %3").arg(c.name, c.version, c.error)
                              : tr("%1@%2 %3%4").arg(c.name, c.version, toText(c.state),
                                                     c.tier ? QStringLiteral(" (") + toText(*c.tier) + u')' : QString()),
                    failedNow);
            }
        }
        for (const ComponentStatus &o : was.components) {
            if (std::none_of(now.components.cbegin(), now.components.cend(), [&o](const ComponentStatus &c) { return c.name == o.name; }))
                add(now.name, tr("%1 removed").arg(o.name), false);
        }
        if (was.labels != now.labels)
            add(now.name, tr("Labels changed"), false);
    }
    m_last.insert(now.name, now);
    if (m_added != added)
        emit recorded(now.name);
}

QList<NodeHistory::Entry> NodeHistory::entries(const QString &node) const
{
    const auto it = m_entries.constFind(node);
    return it == m_entries.cend() ? QList<Entry>() : QList<Entry>(it->cbegin(), it->cend());
}

void NodeHistory::clear()
{
    m_last.clear();
    m_entries.clear();
}

} // namespace Keel
