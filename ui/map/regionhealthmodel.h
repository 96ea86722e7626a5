#pragma once

#include "fleettypes.h"

#include <QAbstractListModel>
#include <QColor>
#include <QHash>
#include <QList>

namespace Keel {

class NodeTableModel;
class RegionListModel;

// The fleet per region, as the map draws it: one row per region of the topology (in its
// order) with where it is and how many of its nodes are ready. Kept up to date from the
// node table incrementally: a node's change moves the counts of its region only, so a
// fleet of thousands of nodes costs the map one row change per node event.
class RegionHealthModel final : public QAbstractListModel
{
    Q_OBJECT

public:
    enum class Health {
        NoNodes,  // grey: nothing enrolled yet
        Ready,    // green: every node ready
        Degraded, // amber: some nodes unreachable
        Down,     // red: no node ready
    };
    Q_ENUM(Health)

    enum Role {
        NameRole = Qt::UserRole + 1,
        JurisdictionRole,
        LatitudeRole,    // double
        LongitudeRole,   // double
        SitesRole,       // QStringList: the topology's sites
        TotalRole,       // int
        ReadyRole,       // int
        UnreachableRole, // int
        HealthRole,      // int(Health)
    };
    Q_ENUM(Role)

    struct Counts
    {
        int total = 0;
        int ready = 0;
        int unreachable = 0;
        bool operator==(const Counts &) const = default;
    };

    RegionHealthModel(RegionListModel *regions, NodeTableModel *nodes, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int regionCount() const { return int(m_regions.size()); }
    const Region &regionAt(int row) const { return m_regions.at(row); }
    int rowOf(const QString &region) const;
    Counts counts(const QString &region) const { return m_counts.value(region); }
    Health health(const QString &region) const { return healthOf(counts(region)); }
    // The node table's rows of a region's nodes, in arrival order.
    QList<int> nodeRows(const QString &region) const { return m_rowsByRegion.value(region); }
    NodeTableModel *nodes() const { return m_nodes; }

    static Health healthOf(const Counts &counts);
    // One word per state, so that health never rests on colour alone.
    static QString healthText(Health health);
    static QColor healthColor(Health health);

private:
    void resetRegions();
    void rebuildNodes();
    void nodesInserted(int first, int last);
    void nodesChanged(int first, int last);
    void add(const QString &region, NodeStatus status, int row, int sign);
    void announce(const QStringList &regions);

    RegionListModel *m_regionSource;
    NodeTableModel *m_nodes;
    QList<Region> m_regions;
    QHash<QString, int> m_regionRows;
    QHash<QString, Counts> m_counts;              // by region, also for regions not in the topology
    QHash<QString, QList<int>> m_rowsByRegion;
    // What this model last counted for each node row, so that a change moves only its delta.
    QList<QString> m_nodeRegion;
    QList<NodeStatus> m_nodeStatus;
};

} // namespace Keel
