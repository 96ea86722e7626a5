#include "regionnodesproxy.h"

#include "nodes/nodetablemodel.h"

namespace Keel {

RegionNodesProxy::RegionNodesProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(NodeTableModel::SortRole);
    setDynamicSortFilter(true);
}

void RegionNodesProxy::setRegion(const QString &region)
{
    if (region == m_region)
        return;
    m_region = region;
    invalidateRowsFilter();
}

int RegionNodesProxy::rowOfNode(const QString &node) const
{
    auto *nodes = qobject_cast<NodeTableModel *>(sourceModel());
    if (!nodes)
        return -1;
    const int sourceRow = nodes->rowOf(node);
    if (sourceRow < 0)
        return -1;
    return mapFromSource(nodes->index(sourceRow, 0)).row();
}

QString RegionNodesProxy::nodeAt(int row) const
{
    return index(row, 0).data(NodeTableModel::NameRole).toString();
}

bool RegionNodesProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_region.isEmpty())
        return false;
    return sourceModel()->index(sourceRow, 0, sourceParent).data(NodeTableModel::RegionRole).toString() == m_region;
}

bool RegionNodesProxy::filterAcceptsColumn(int sourceColumn, const QModelIndex &) const
{
    return sourceColumn == NodeTableModel::NameColumn || sourceColumn == NodeTableModel::SiteColumn
        || sourceColumn == NodeTableModel::StatusColumn;
}

bool RegionNodesProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QVariant l = left.data(NodeTableModel::SortRole);
    const QVariant r = right.data(NodeTableModel::SortRole);
    if (l != r)
        return QVariant::compare(l, r) == QPartialOrdering::Less;
    // Ties (same site, same status) read best by name.
    return left.data(NodeTableModel::NameRole).toString() < right.data(NodeTableModel::NameRole).toString();
}

} // namespace Keel
