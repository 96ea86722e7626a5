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

} // namespace Keel
