#include "regionhealthmodel.h"

#include "common/statuscolors.h"
#include "nodes/nodetablemodel.h"
#include "regions/regionlistmodel.h"

#include <algorithm>

namespace Keel {

RegionHealthModel::RegionHealthModel(RegionListModel *regions, NodeTableModel *nodes, QObject *parent)
    : QAbstractListModel(parent)
    , m_regionSource(regions)
    , m_nodes(nodes)
{
    // Regions are few and change seldom: any change re-reads them all.
    connect(regions, &QAbstractItemModel::modelReset, this, &RegionHealthModel::resetRegions);
    connect(regions, &QAbstractItemModel::layoutChanged, this, &RegionHealthModel::resetRegions);
    connect(regions, &QAbstractItemModel::rowsInserted, this, &RegionHealthModel::resetRegions);
    connect(regions, &QAbstractItemModel::rowsRemoved, this, &RegionHealthModel::resetRegions);
    connect(regions, &QAbstractItemModel::dataChanged, this, &RegionHealthModel::resetRegions);

    connect(nodes, &QAbstractItemModel::modelReset, this, &RegionHealthModel::rebuildNodes);
    connect(nodes, &QAbstractItemModel::layoutChanged, this, &RegionHealthModel::rebuildNodes);
    connect(nodes, &QAbstractItemModel::rowsRemoved, this, &RegionHealthModel::rebuildNodes);
    connect(nodes, &QAbstractItemModel::rowsMoved, this, &RegionHealthModel::rebuildNodes);
    connect(nodes, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) { nodesInserted(first, last); });
    connect(nodes, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                nodesChanged(topLeft.row(), bottomRight.row());
            });

    resetRegions();
    rebuildNodes();
}

int RegionHealthModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_regions.size());
}

QVariant RegionHealthModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Region &region = m_regions.at(index.row());
    const Counts c = m_counts.value(region.name);
    switch (role) {
    case Qt::DisplayRole:
        return region.jurisdiction.isEmpty() ? region.name
                                             : QStringLiteral("%1 (%2)").arg(region.name, region.jurisdiction);
    case Qt::ToolTipRole:
        return tr("%1: %2 of %3 nodes ready").arg(healthText(healthOf(c))).arg(c.ready).arg(c.total);
    case Qt::DecorationRole: return healthColor(healthOf(c));
    case NameRole: return region.name;
    case JurisdictionRole: return region.jurisdiction;
    case LatitudeRole: return region.latitude;
    case LongitudeRole: return region.longitude;
    case SitesRole: return region.sites;
    case TotalRole: return c.total;
    case ReadyRole: return c.ready;
    case UnreachableRole: return c.unreachable;
    case HealthRole: return int(healthOf(c));
    default: return {};
    }
}

QHash<int, QByteArray> RegionHealthModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({
        {NameRole, "name"},
        {JurisdictionRole, "jurisdiction"},
        {LatitudeRole, "latitude"},
        {LongitudeRole, "longitude"},
        {SitesRole, "sites"},
        {TotalRole, "total"},
        {ReadyRole, "ready"},
        {UnreachableRole, "unreachable"},
        {HealthRole, "health"},
    });
    return names;
}

int RegionHealthModel::rowOf(const QString &region) const
{
    return m_regionRows.value(region, -1);
}

RegionHealthModel::Health RegionHealthModel::healthOf(const Counts &counts)
{
    if (counts.total == 0)
        return Health::NoNodes;
    if (counts.ready == counts.total)
        return Health::Ready;
    return counts.ready == 0 ? Health::Down : Health::Degraded;
}

QString RegionHealthModel::healthText(Health health)
{
    switch (health) {
    case Health::NoNodes: return tr("no nodes");
    case Health::Ready: return tr("all ready");
    case Health::Degraded: return tr("degraded");
    case Health::Down: return tr("down");
    }
    return {};
}

QColor RegionHealthModel::healthColor(Health health)
{
    switch (health) {
    case Health::NoNodes: return StatusColors::inactive();
    case Health::Ready: return StatusColors::healthy();
    case Health::Degraded: return StatusColors::degraded();
    case Health::Down: return StatusColors::failing();
    }
    return StatusColors::inactive();
}

void RegionHealthModel::resetRegions()
{
    QList<Region> regions;
    regions.reserve(m_regionSource->regionCount());
    for (int row = 0; row < m_regionSource->regionCount(); ++row)
        regions.append(m_regionSource->regionAt(row));
    if (regions == m_regions)
        return;
    beginResetModel();
    m_regions = regions;
    m_regionRows.clear();
    for (int row = 0; row < m_regions.size(); ++row)
        m_regionRows.insert(m_regions.at(row).name, row);
    endResetModel();
}

void RegionHealthModel::rebuildNodes()
{
    m_counts.clear();
    m_rowsByRegion.clear();
    m_nodeRegion.clear();
    m_nodeStatus.clear();
    nodesInserted(0, m_nodes->nodeCount() - 1);
    if (!m_regions.isEmpty())
        emit dataChanged(index(0), index(int(m_regions.size()) - 1));
}

void RegionHealthModel::nodesInserted(int first, int last)
{
    if (first != m_nodeRegion.size()) { // not an append: count again from scratch
        rebuildNodes();
        return;
    }
    QStringList touched;
    for (int row = first; row <= last; ++row) {
        const Node &node = m_nodes->nodeAt(row);
        m_nodeRegion.append(node.region);
        m_nodeStatus.append(node.status);
        add(node.region, node.status, row, +1);
        if (!touched.contains(node.region))
            touched.append(node.region);
    }
    announce(touched);
}

void RegionHealthModel::nodesChanged(int first, int last)
{
    QStringList touched;
    for (int row = first; row <= last && row < m_nodeRegion.size(); ++row) {
        const Node &node = m_nodes->nodeAt(row);
        if (node.region == m_nodeRegion.at(row) && node.status == m_nodeStatus.at(row))
            continue;
        for (const QString &region : {m_nodeRegion.at(row), node.region}) {
            if (!touched.contains(region))
                touched.append(region);
        }
        add(m_nodeRegion.at(row), m_nodeStatus.at(row), row, -1);
        add(node.region, node.status, row, +1);
        m_nodeRegion[row] = node.region;
        m_nodeStatus[row] = node.status;
    }
    announce(touched);
}

void RegionHealthModel::add(const QString &region, NodeStatus status, int row, int sign)
{
    Counts &c = m_counts[region];
    c.total += sign;
    (status == NodeStatus::Ready ? c.ready : c.unreachable) += sign;
    QList<int> &rows = m_rowsByRegion[region];
    if (sign > 0) {
        // Rows arrive in order, except when a node moves between regions.
        rows.insert(std::lower_bound(rows.begin(), rows.end(), row), row);
    } else {
        rows.removeOne(row);
    }
}

void RegionHealthModel::announce(const QStringList &regions)
{
    for (const QString &region : regions) {
        const int row = rowOf(region);
        if (row >= 0)
            emit dataChanged(index(row), index(row), {TotalRole, ReadyRole, UnreachableRole, HealthRole,
                                                      Qt::ToolTipRole, Qt::DecorationRole});
    }
}

} // namespace Keel
