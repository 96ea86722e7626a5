#include "nodetablemodel.h"

#include "common/relativetime.h"
#include "common/statuscolors.h"
#include "metrics/livemetrics.h"

#include <QColor>
#include <QLocale>

#include <algorithm>
#include <limits>

namespace Keel {

namespace {

QString labelsText(const Labels &labels, const QString &separator)
{
    QStringList parts;
    parts.reserve(labels.size());
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        parts.append(it.key() + u'=' + it.value());
    return parts.join(separator);
}

QVariantMap labelsMap(const Labels &labels)
{
    QVariantMap map;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        map.insert(it.key(), it.value());
    return map;
}

// "Live" sorts after every time a node was last seen.
const QDateTime kLive = QDateTime(QDate(9999, 12, 31), QTime(0, 0), Qt::UTC);

} // namespace

namespace {

bool anyFailed(const Node &node)
{
    return std::any_of(node.components.cbegin(), node.components.cend(),
                       [](const ComponentStatus &c) { return c.state == ComponentStatus::State::Failed; });
}

bool inSync(const Node &node)
{
    return node.ackedGeneration == node.desiredGeneration && !anyFailed(node);
}

} // namespace

NodeTableModel::NodeTableModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
    m_liveTimer.setSingleShot(true);
    m_liveTimer.setInterval(kLiveBatch);
    connect(&m_liveTimer, &QTimer::timeout, this, &NodeTableModel::flushLiveUpdates);
}

int NodeTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_nodes.size());
}

int NodeTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodeTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Node &node = m_nodes.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return display(node, column);
    case Qt::ToolTipRole:
        return toolTip(node, column);
    case Qt::DecorationRole:
        if (column == StatusColumn)
            return node.status == NodeStatus::Ready ? StatusColors::healthy() : StatusColors::failing();
        return {};
    case Qt::ForegroundRole:
        if (column == StatusColumn && node.status == NodeStatus::Unreachable)
            return StatusColors::failing();
        // Behind its desired state: amber while it catches up, red when something failed.
        if ((column == GenerationColumn || column == ComponentsColumn) && !inSync(node))
            return anyFailed(node) ? StatusColors::failing() : StatusColors::degraded();
        return {};
    case Qt::TextAlignmentRole:
        if (column == GenerationColumn || column == RequestsColumn || column == P99Column || column == RssColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case InSyncRole: return inSync(node);
    case NameRole: return node.name;
    case RegionRole: return node.region;
    case SiteRole: return node.site;
    case JurisdictionRole: return node.jurisdiction;
    case StatusRole: return int(node.status);
    case AgentVersionRole: return node.agentVersion;
    case LastSeenRole: return node.lastSeen;
    case LabelsRole: return labelsMap(node.labels);
    case SortRole: return sortValue(index.row(), column);
    default: return {};
    }
}

QVariant NodeTableModel::display(const Node &node, int column) const
{
    switch (column) {
    case NameColumn: return node.name;
    case RegionColumn: return node.region;
    case SiteColumn: return node.site;
    case JurisdictionColumn: return node.jurisdiction;
    case StatusColumn: return toText(node.status);
    case AgentVersionColumn: return node.agentVersion;
    // A ready node is heard from every heartbeat; heartbeats are not pushed to watchers
    // (that would be one event per node per interval), so its age here would only grow.
    case LastSeenColumn:
        if (node.status == NodeStatus::Ready)
            return m_stale ? tr("unknown") : tr("live");
        return formatAge(node.lastSeen, m_clock());
    case ComponentsColumn: {
        QStringList running;
        for (const ComponentStatus &c : node.components) {
            const QString id = c.name + u'@' + c.version;
            running.append(c.state == ComponentStatus::State::Failed ? tr("%1 (failed)").arg(id) : id);
        }
        return running.join(QStringLiteral(", "));
    }
    case GenerationColumn:
        // "6" when the node runs what it should; "4 → 6" (acknowledged → desired) when not.
        if (node.desiredGeneration == 0 && node.ackedGeneration == 0)
            return QStringLiteral("–");
        if (node.ackedGeneration == node.desiredGeneration)
            return QString::number(node.desiredGeneration);
        return tr("%1 → %2").arg(node.ackedGeneration).arg(node.desiredGeneration);
    case LabelsColumn: return labelsText(node.labels, QStringLiteral(", "));
    case RequestsColumn:
    case P99Column:
    case RssColumn: {
        if (!m_live)
            return {};
        const LiveMetrics::Reading r = m_live->node(node.name);
        if (!r.at.isValid())
            return QStringLiteral("–"); // no report yet
        if (column == RequestsColumn)
            return QLocale().toString(r.requestsPerSecond, 'f', r.requestsPerSecond < 10 ? 1 : 0);
        if (column == P99Column)
            return r.hasLatency() ? QLocale().toString(r.p99Ms, 'f', r.p99Ms < 10 ? 2 : 1) : QStringLiteral("–");
        return QLocale().toString(double(r.rssBytes) / (1 << 20), 'f', 1);
    }
    }
    return {};
}

QVariant NodeTableModel::sortValue(int row, int column) const
{
    const Node &node = m_nodes.at(row);
    const SortKeys &keys = m_keys.at(row);
    switch (column) {
    case StatusColumn: return int(node.status);
    // Sort by the time itself: "5 min ago" must come after "42 s ago"; live is now.
    case LastSeenColumn: return node.status == NodeStatus::Ready ? kLive : node.lastSeen;
    // Nodes furthest behind first when sorted descending.
    case GenerationColumn: return qint64(node.desiredGeneration) - qint64(node.ackedGeneration);
    // Numbers as numbers, from the keys: a fresh reading would ask the clock every time.
    case RequestsColumn: return keys.requests;
    case P99Column: return keys.p99;
    case RssColumn: return keys.rss;
    case ComponentsColumn: return keys.components;
    case LabelsColumn: return keys.labels;
    default: return display(node, column);
    }
}

bool NodeTableModel::lessThan(int leftRow, int rightRow, int column) const
{
    const Node &l = m_nodes.at(leftRow);
    const Node &r = m_nodes.at(rightRow);
    const SortKeys &lk = m_keys.at(leftRow);
    const SortKeys &rk = m_keys.at(rightRow);
    const auto text = [](const QString &a, const QString &b) { return QString::compare(a, b, Qt::CaseInsensitive) < 0; };
    switch (column) {
    case NameColumn: return text(l.name, r.name);
    case RegionColumn: return text(l.region, r.region);
    case SiteColumn: return text(l.site, r.site);
    case JurisdictionColumn: return text(l.jurisdiction, r.jurisdiction);
    case AgentVersionColumn: return text(l.agentVersion, r.agentVersion);
    case ComponentsColumn: return text(lk.components, rk.components);
    case LabelsColumn: return text(lk.labels, rk.labels);
    case StatusColumn: return int(l.status) < int(r.status);
    case LastSeenColumn: return lk.lastSeen < rk.lastSeen;
    case GenerationColumn:
        return qint64(l.desiredGeneration) - qint64(l.ackedGeneration) < qint64(r.desiredGeneration) - qint64(r.ackedGeneration);
    case RequestsColumn: return lk.requests < rk.requests;
    case P99Column: return lk.p99 < rk.p99;
    case RssColumn: return lk.rss < rk.rss;
    }
    return false;
}

NodeTableModel::SortKeys NodeTableModel::sortKeys(const Node &node) const
{
    SortKeys keys;
    keys.components = display(node, ComponentsColumn).toString();
    keys.labels = labelsText(node.labels, QStringLiteral(", "));
    // As the LastSeen sort value orders: never seen first, live after every time.
    keys.lastSeen = node.status == NodeStatus::Ready ? std::numeric_limits<qint64>::max()
                    : node.lastSeen.isValid()        ? node.lastSeen.toMSecsSinceEpoch()
                                                     : std::numeric_limits<qint64>::min();
    setLiveKeys(keys, node.name);
    return keys;
}

void NodeTableModel::setLiveKeys(SortKeys &keys, const QString &node) const
{
    const LiveMetrics::Reading r = m_live ? m_live->node(node) : LiveMetrics::Reading{};
    keys.requests = r.at.isValid() ? r.requestsPerSecond : -1.0;
    keys.p99 = r.hasLatency() ? r.p99Ms : -1.0;
    keys.rss = r.at.isValid() ? double(r.rssBytes) : -1.0;
}

QVariant NodeTableModel::toolTip(const Node &node, int column) const
{
    switch (column) {
    case NameColumn: {
        QStringList lines{node.name};
        if (!node.targetTriple.isEmpty())
            lines.append(tr("Target: %1").arg(node.targetTriple));
        if (!node.tiers.isEmpty()) {
            QStringList tiers;
            for (RuntimeTier tier : node.tiers)
                tiers.append(toText(tier));
            lines.append(tr("Runtime tiers: %1").arg(tiers.join(QStringLiteral(", "))));
        }
        if (!node.httpEndpoint.isEmpty())
            lines.append(tr("HTTP: %1").arg(node.httpEndpoint));
        if (!node.adminEndpoint.isEmpty())
            lines.append(tr("Admin: %1").arg(node.adminEndpoint));
        if (node.enrolled.isValid())
            lines.append(tr("Enrolled: %1").arg(node.enrolled.toUTC().toString(Qt::ISODate)));
        return lines.join(u'\n');
    }
    case LastSeenColumn:
        if (!node.lastSeen.isValid())
            return {};
        if (node.status == NodeStatus::Ready && m_stale)
            return tr("Not connected to the control plane: ready when last heard of");
        if (node.status == NodeStatus::Ready)
            return tr("Heartbeating within the grace; last reported %1").arg(node.lastSeen.toUTC().toString(Qt::ISODate));
        return node.lastSeen.toUTC().toString(Qt::ISODate);
    case LabelsColumn:
        return node.labels.isEmpty() ? QVariant() : labelsText(node.labels, QStringLiteral("\n"));
    case ComponentsColumn: {
        QStringList lines;
        for (const ComponentStatus &c : node.components) {
            QString line = c.name + u'@' + c.version + QStringLiteral(": ") + toText(c.state);
            if (c.tier)
                line += QStringLiteral(" (") + toText(*c.tier) + u')';
            if (!c.error.isEmpty())
                line += QStringLiteral(" — ") + c.error;
            lines.append(line);
        }
        return lines.isEmpty() ? QVariant() : lines.join(u'\n');
    }
    case RequestsColumn:
    case P99Column:
    case RssColumn: {
        const LiveMetrics::Reading r = m_live ? m_live->node(node.name) : LiveMetrics::Reading{};
        if (!r.at.isValid())
            return tr("No metrics report from %1 yet").arg(node.name);
        return tr("Last report ending %1: %2 req/s, %3 errors/s, p50 %4 ms, p95 %5 ms, p99 %6 ms, RSS %7 MiB")
            .arg(r.at.toLocalTime().toString(QStringLiteral("HH:mm:ss")))
            .arg(r.requestsPerSecond, 0, 'f', 2)
            .arg(r.errorsPerSecond, 0, 'f', 2)
            .arg(r.p50Ms, 0, 'f', 2)
            .arg(r.p95Ms, 0, 'f', 2)
            .arg(r.p99Ms, 0, 'f', 2)
            .arg(double(r.rssBytes) / (1 << 20), 0, 'f', 1);
    }
    case GenerationColumn:
        if (inSync(node))
            return tr("Runs its desired state (generation %1)").arg(node.desiredGeneration);
        if (anyFailed(node))
            return tr("Refused generation %1 (see its components); still running generation %2")
                .arg(node.desiredGeneration)
                .arg(node.ackedGeneration);
        return tr("Applying generation %1; acknowledged %2 so far").arg(node.desiredGeneration).arg(node.ackedGeneration);
    default:
        return {};
    }
}

QVariant NodeTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    // Numbers are right-aligned, and so are their headers.
    if (orientation == Qt::Horizontal && role == Qt::TextAlignmentRole
        && (section == GenerationColumn || section == RequestsColumn || section == P99Column || section == RssColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Name");
    case RegionColumn: return tr("Region");
    case SiteColumn: return tr("Site");
    case JurisdictionColumn: return tr("Jurisdiction");
    case StatusColumn: return tr("Status");
    case AgentVersionColumn: return tr("Agent version");
    case LastSeenColumn: return tr("Last seen");
    case ComponentsColumn: return tr("Components");
    case GenerationColumn: return tr("Generation");
    case LabelsColumn: return tr("Labels");
    case RequestsColumn: return tr("Req/s");
    case P99Column: return tr("p99 (ms)");
    case RssColumn: return tr("RSS (MiB)");
    }
    return {};
}

QHash<int, QByteArray> NodeTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert({
        {NameRole, "name"},
        {RegionRole, "region"},
        {SiteRole, "site"},
        {JurisdictionRole, "jurisdiction"},
        {StatusRole, "status"},
        {AgentVersionRole, "agentVersion"},
        {LastSeenRole, "lastSeen"},
        {LabelsRole, "labels"},
        {InSyncRole, "inSync"},
        {SortRole, "sortValue"},
    });
    return names;
}

void NodeTableModel::setNodes(const QList<Node> &nodes)
{
    beginResetModel();
    m_nodes = nodes;
    reindex();
    endResetModel();
    emit countsChanged();
}

void NodeTableModel::applyChange(const NodeChange &change)
{
    const Node &node = change.node;
    Q_ASSERT(!node.name.isEmpty());
    // Whatever the kind, the event carries the node's whole current state; an update for a
    // node this model has not seen (an event racing the first list) still shows it.
    const int row = rowOf(node.name);
    if (row < 0) {
        const int at = int(m_nodes.size());
        beginInsertRows({}, at, at);
        m_nodes.append(node);
        m_keys.append(sortKeys(node));
        m_rows.insert(node.name, at);
        endInsertRows();
    } else {
        if (m_nodes.at(row) == node)
            return;
        m_nodes[row] = node;
        m_keys[row] = sortKeys(node);
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
    emit countsChanged();
}

void NodeTableModel::clear()
{
    if (m_nodes.isEmpty())
        return;
    beginResetModel();
    m_nodes.clear();
    m_keys.clear();
    m_rows.clear();
    endResetModel();
    emit countsChanged();
}

void NodeTableModel::refreshAges()
{
    if (m_nodes.isEmpty())
        return;
    // Readings go idle when reports stop: the sort keys follow.
    for (int row = 0; row < m_nodes.size(); ++row)
        setLiveKeys(m_keys[row], m_nodes.at(row).name);
    emit dataChanged(index(0, RequestsColumn), index(int(m_nodes.size()) - 1, LastSeenColumn),
                     {Qt::DisplayRole, Qt::ToolTipRole, SortRole});
}

void NodeTableModel::setStale(bool stale)
{
    if (stale == m_stale)
        return;
    m_stale = stale;
    refreshAges();
}

void NodeTableModel::setLiveMetrics(LiveMetrics *live)
{
    if (m_live)
        disconnect(m_live, nullptr, this, nullptr);
    m_live = live;
    m_dirty.clear();
    for (int row = 0; row < m_nodes.size(); ++row)
        setLiveKeys(m_keys[row], m_nodes.at(row).name);
    if (!live)
        return;
    // Reports arrive one node at a time; a large fleet sends thousands a second. The rows
    // they touch are told together a few times a second (one dataChanged over them, never
    // a reset), so that a view sorted by a live column re-sorts once, not per report.
    connect(live, &LiveMetrics::nodeUpdated, this, [this](const QString &name) {
        const int row = rowOf(name);
        if (row < 0)
            return; // its keys are read when it is listed
        setLiveKeys(m_keys[row], name);
        m_dirty.insert(row);
        if (!m_liveTimer.isActive())
            m_liveTimer.start();
    });
}

void NodeTableModel::flushLiveUpdates()
{
    m_liveTimer.stop();
    if (m_dirty.isEmpty())
        return;
    const auto [first, last] = std::minmax_element(m_dirty.cbegin(), m_dirty.cend());
    const int top = *first;
    const int bottom = *last;
    m_dirty.clear();
    if (bottom >= m_nodes.size())
        return;
    emit dataChanged(index(top, RequestsColumn), index(bottom, RssColumn), {Qt::DisplayRole, Qt::ToolTipRole, SortRole});
}

int NodeTableModel::count(NodeStatus status) const
{
    return int(std::count_if(m_nodes.cbegin(), m_nodes.cend(),
                             [status](const Node &node) { return node.status == status; }));
}

void NodeTableModel::setClockForTest(Clock clock)
{
    m_clock = std::move(clock);
    refreshAges();
}

void NodeTableModel::reindex()
{
    m_rows.clear();
    m_rows.reserve(m_nodes.size());
    m_keys.clear();
    m_keys.reserve(m_nodes.size());
    for (int row = 0; row < m_nodes.size(); ++row) {
        m_rows.insert(m_nodes.at(row).name, row);
        m_keys.append(sortKeys(m_nodes.at(row)));
    }
}

} // namespace Keel
