#include "alertmodel.h"

#include "common/statuscolors.h"
#include "nodes/nodetablemodel.h"

#include <QLocale>
#include <QSet>

#include <algorithm>

namespace Keel {

AlertModel::AlertModel(NodeTableModel *nodes, QObject *parent)
    : QAbstractListModel(parent)
    , m_nodes(nodes)
{
    connect(nodes, &QAbstractItemModel::modelReset, this, &AlertModel::syncAll);
    connect(nodes, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int last) { syncRows(first, last); });
    connect(nodes, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
        // Ages and live numbers change all the time: only a state change counts.
        if (NodeTableModel::touchesState(topLeft, bottomRight))
            syncRows(topLeft.row(), bottomRight.row());
    });
    syncAll();
}

QDateTime AlertModel::now() const
{
    return m_clock ? m_clock() : QDateTime::currentDateTimeUtc();
}

int AlertModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_alerts.size());
}

QVariant AlertModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Alert &a = m_alerts.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return tr("%1 — %2 (since %3)")
            .arg(a.severity == Severity::Critical ? tr("Critical") : tr("Warning"), a.text,
                 QLocale().toString(a.raised.toLocalTime().time(), QStringLiteral("HH:mm:ss")));
    case Qt::DecorationRole:
        return a.severity == Severity::Critical ? StatusColors::failing() : StatusColors::degraded();
    case Qt::ToolTipRole:
        return tr("Raised %1; clears by itself when its cause does").arg(a.raised.toUTC().toString(Qt::ISODate));
    case KeyRole: return a.key;
    case SeverityRole: return int(a.severity);
    case RaisedRole: return a.raised;
    case NodeRole: return a.node;
    }
    return {};
}

int AlertModel::count(Severity severity) const
{
    return int(std::count_if(m_alerts.cbegin(), m_alerts.cend(), [severity](const Alert &a) { return a.severity == severity; }));
}

bool AlertModel::contains(const QString &key) const
{
    return std::any_of(m_alerts.cbegin(), m_alerts.cend(), [&key](const Alert &a) { return a.key == key; });
}

void AlertModel::syncAll()
{
    // The node table was replaced (a new list): node alerts of nodes gone go too.
    QSet<QString> names;
    for (int row = 0; row < m_nodes->nodeCount(); ++row)
        names.insert(m_nodes->nodeAt(row).name);
    drop([&names](const Alert &a) { return !a.node.isEmpty() && !names.contains(a.node); });
    syncRows(0, m_nodes->nodeCount() - 1);
}

void AlertModel::syncRows(int first, int last)
{
    for (int row = std::max(0, first); row <= last && row < m_nodes->nodeCount(); ++row)
        syncNode(m_nodes->nodeAt(row));
}

void AlertModel::syncNode(const Node &node)
{
    const QString unreachable = QStringLiteral("unreachable:") + node.name;
    if (node.status == NodeStatus::Unreachable) {
        raise({unreachable, Severity::Critical,
               tr("Node %1 in %2 is unreachable (last seen %3)")
                   .arg(node.name, node.region,
                        node.lastSeen.isValid() ? QLocale().toString(node.lastSeen.toLocalTime().time(), QStringLiteral("HH:mm:ss"))
                                                : tr("never")),
               node.name, now()});
    } else {
        drop([&unreachable](const Alert &a) { return a.key == unreachable; });
    }
    QSet<QString> failing;
    const QString prefix = QStringLiteral("failed:") + node.name + u':';
    for (const ComponentStatus &c : node.components) {
        if (c.state != ComponentStatus::State::Failed)
            continue;
        const QString key = prefix + c.name;
        failing.insert(key);
        raise({key, Severity::Critical,
               tr("%1@%2 failed on %3 (generation %4 refused): %5")
                   .arg(c.name, c.version, node.name)
                   .arg(node.desiredGeneration)
                   .arg(c.error.isEmpty() ? tr("no reason given") : c.error),
               node.name, now()});
    }
    drop([&](const Alert &a) { return a.key.startsWith(prefix) && !failing.contains(a.key); });
}

void AlertModel::onAotBuildFinished(const AotBuildFinished &event)
{
    const QString component = QStringLiteral("aot:") + event.component + u'@';
    if (event.error.isEmpty()) {
        // A build of this component works again: its earlier failures are moot.
        drop([&component](const Alert &a) { return a.key.startsWith(component); });
        return;
    }
    raise({component + event.version, Severity::Warning,
           tr("AOT build of %1@%2 failed (it runs on the interpreter): %3").arg(event.component, event.version, event.error),
           {}, now()});
}

void AlertModel::raise(Alert alert)
{
    for (int row = 0; row < m_alerts.size(); ++row) {
        Alert &held = m_alerts[row];
        if (held.key != alert.key)
            continue;
        if (held.text != alert.text || held.severity != alert.severity) {
            held.text = alert.text; // keeps the time it was first raised
            held.severity = alert.severity;
            emit dataChanged(index(row), index(row));
            emit countsChanged();
        }
        return;
    }
    beginInsertRows({}, 0, 0);
    m_alerts.prepend(std::move(alert));
    endInsertRows();
    emit countsChanged();
}

void AlertModel::drop(const std::function<bool(const Alert &)> &matches)
{
    bool changed = false;
    for (int row = int(m_alerts.size()) - 1; row >= 0; --row) {
        if (!matches(m_alerts.at(row)))
            continue;
        beginRemoveRows({}, row, row);
        m_alerts.removeAt(row);
        endRemoveRows();
        changed = true;
    }
    if (changed)
        emit countsChanged();
}

void AlertModel::clear()
{
    if (m_alerts.isEmpty())
        return;
    beginResetModel();
    m_alerts.clear();
    endResetModel();
    emit countsChanged();
}

} // namespace Keel
