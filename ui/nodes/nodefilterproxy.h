#pragma once

#include "fleettypes.h"

#include <QSortFilterProxyModel>

#include <optional>

namespace Keel {

// The fleet table's rows as shown: the text filter matches any column (case-insensitive),
// the status filter keeps one status only; sorting uses NodeTableModel::SortRole.
class NodeFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit NodeFilterProxy(QObject *parent = nullptr);

    // nullopt: every status.
    void setStatusFilter(std::optional<NodeStatus> status);
    std::optional<NodeStatus> statusFilter() const { return m_status; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    std::optional<NodeStatus> m_status;
};

} // namespace Keel
