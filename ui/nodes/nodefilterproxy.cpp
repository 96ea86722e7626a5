#include "nodefilterproxy.h"

#include "nodetablemodel.h"

namespace Keel {

NodeFilterProxy::NodeFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setFilterKeyColumn(-1); // match any column
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setSortRole(NodeTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void NodeFilterProxy::setStatusFilter(std::optional<NodeStatus> status)
{
    if (m_status == status)
        return;
    m_status = status;
    invalidateFilter();
}

bool NodeFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_status) {
        const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
        if (index.data(NodeTableModel::StatusRole).toInt() != int(*m_status))
            return false;
    }
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

void NodeFilterProxy::setSourceModel(QAbstractItemModel *source)
{
    m_nodes = qobject_cast<const NodeTableModel *>(source);
    QSortFilterProxyModel::setSourceModel(source);
}

bool NodeFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (m_nodes && sortRole() == NodeTableModel::SortRole && left.model() == m_nodes && right.model() == m_nodes
        && sortCaseSensitivity() == Qt::CaseInsensitive && !isSortLocaleAware())
        return m_nodes->lessThan(left.row(), right.row(), left.column());
    return QSortFilterProxyModel::lessThan(left, right);
}

} // namespace Keel
