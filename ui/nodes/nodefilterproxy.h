#pragma once

#include "fleettypes.h"

#include <QSortFilterProxyModel>

#include <optional>

namespace Keel {

class NodeTableModel;

// The fleet table's rows as shown: the text filter matches any column (case-insensitive),
// the status filter keeps one status only; sorting uses NodeTableModel::SortRole
// (through NodeTableModel::lessThan).
class NodeFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit NodeFilterProxy(QObject *parent = nullptr);

    // nullopt: every status.
    void setStatusFilter(std::optional<NodeStatus> status);
    std::optional<NodeStatus> statusFilter() const { return m_status; }

    void setSourceModel(QAbstractItemModel *source) override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    // On a NodeTableModel sorted by its SortRole: NodeTableModel::lessThan, the same order
    // without a QVariant per comparison.
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    std::optional<NodeStatus> m_status;
    const NodeTableModel *m_nodes = nullptr;
};

} // namespace Keel
