#pragma once

#include <QWidget>

class QAction;
class QLabel;
class QSplitter;
class QTableView;

namespace Keel {

class StaleBanner;

class FleetSelection;
class LiveMetrics;
class MapView;
class NodeTableModel;
class RegionHealthModel;
class RegionListModel;
class RegionNodesProxy;
class RegionRollouts;
class RegionViolations;
class RolloutListModel;
class ViolationListModel;

// The "Map" mode: the fleet on a world map beside the selected region's sites and nodes.
// Follows and sets the shared FleetSelection: a click on a region selects it, a node
// chosen in the list is the node selected everywhere, and a node selected elsewhere
// highlights its region here.
class MapPane final : public QWidget
{
    Q_OBJECT

public:
    MapPane(NodeTableModel *nodes, RegionListModel *regions, LiveMetrics *live, FleetSelection *selection,
            QWidget *parent = nullptr);

    MapView *mapView() const { return m_map; }
    RegionHealthModel *regionHealth() const { return m_health; }
    // Marks the regions the rollouts work in (the Rollouts pane's list).
    void setRollouts(RolloutListModel *rollouts);
    RegionRollouts *regionRollouts() const { return m_rollouts; }
    // Marks the regions and nodes with residency violations (the Policies pane's list).
    void setViolations(ViolationListModel *violations);
    RegionViolations *regionViolations() const { return m_violations; }
    // The rows are the last known state, not the live one (the connection is down).
    void setStale(bool stale);

private:
    void showRegion(const QString &region);
    void followNode(const QString &node);
    void updateRegionSummary();

    NodeTableModel *m_nodes;
    LiveMetrics *m_live;
    FleetSelection *m_selection;
    RegionHealthModel *m_health;
    RegionNodesProxy *m_regionNodes;
    RegionRollouts *m_rollouts = nullptr;
    RegionViolations *m_violations = nullptr;
    MapView *m_map;
    StaleBanner *m_staleBanner;
    QLabel *m_regionTitle;
    QLabel *m_regionSummary;
    QTableView *m_nodeList;
    QSplitter *m_splitter;
};

} // namespace Keel
