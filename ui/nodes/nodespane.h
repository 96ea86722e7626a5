#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace Keel {

class NodeTableModel;
class RegionListModel;

// The "Nodes" mode: a filterable, sortable table of the fleet's nodes with a one-line
// summary. Only presents the models it is given; FleetFeed keeps them current.
class NodesPane final : public QWidget
{
    Q_OBJECT

public:
    NodesPane(NodeTableModel *nodes, RegionListModel *regions, QWidget *parent = nullptr);

    // The rows are the last known state, not the live one (the connection is down).
    void setStale(bool stale);

    QString summaryText() const;

private:
    void updateSummary();
    void updatePlaceholder();

    NodeTableModel *m_nodes;
    RegionListModel *m_regions;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filter;
    QTableView *m_view;
    QLabel *m_summary;
    QLabel *m_staleBanner;
    QLabel *m_placeholder;
};

} // namespace Keel
