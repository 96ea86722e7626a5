#pragma once

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QSplitter;
class QTableView;

namespace Keel {

class StaleBanner;

class FleetSelection;
class NodeFilterProxy;
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

    // Follows and drives the shared selection: a row selected here is the fleet's
    // selected node; a node selected elsewhere is selected (and scrolled to) here.
    // Enter or a double-click opens the node (FleetSelection::openNode).
    void setSelection(FleetSelection *selection);
    // A detail widget shown under the table (a splitter the operator can move) while
    // a node is selected; hidden again with hideDetail() (its Close, Esc).
    void setDetail(QWidget *detail);
    void showDetail();
    void hideDetail();
    QTableView *view() const { return m_view; }

    QString summaryText() const;
    // The selected rows as tab-separated text with a header line, as shown (what Ctrl+C
    // puts on the clipboard); every shown row when nothing is selected.
    QString selectionAsTsv() const;

private:
    void updateSummary();
    void updatePlaceholder();

    NodeTableModel *m_nodes;
    RegionListModel *m_regions;
    NodeFilterProxy *m_proxy;
    QLineEdit *m_filter;
    QComboBox *m_status;
    QTableView *m_view;
    QLabel *m_summary;
    StaleBanner *m_staleBanner;
    QLabel *m_placeholder;
    QSplitter *m_split;
    QWidget *m_detail = nullptr;
    FleetSelection *m_selection = nullptr;
    QTimer m_fitColumns; // fits the columns to their contents once rows came
};

} // namespace Keel
