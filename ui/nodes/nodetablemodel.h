#pragma once

#include "fleettypes.h"

#include "metrics/livemetrics.h"

#include <QPointer>
#include <QSet>
#include <QTimer>

#include <chrono>

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QList>

#include <functional>

namespace Keel {

// The fleet's nodes as a table: one row per node, kept in arrival order. A provider
// (FleetFeed) fills it with setNodes() and keeps it current with applyChange(); views
// sort and filter through a proxy. Knows nothing of widgets.
class NodeTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        RegionColumn,
        SiteColumn,
        JurisdictionColumn,
        StatusColumn,
        GenerationColumn,
        RequestsColumn, // req/s, all components, from the node's last metrics report
        P99Column,      // ms
        RssColumn,      // MiB
        LastSeenColumn,
        AgentVersionColumn,
        ComponentsColumn,
        LabelsColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    // Typed values of a row, the same on every column of it.
    enum Role {
        NameRole = Qt::UserRole + 1,
        RegionRole,
        SiteRole,
        JurisdictionRole,
        StatusRole,        // int(NodeStatus)
        AgentVersionRole,
        LastSeenRole,      // QDateTime
        LabelsRole,        // QVariantMap
        InSyncRole,        // bool: acknowledged the generation it should run, nothing failed
        SortRole,          // per column: a value that orders correctly (times as times)
    };
    Q_ENUM(Role)

    using Clock = std::function<QDateTime()>;

    explicit NodeTableModel(QObject *parent = nullptr);

    // The rows are the last known state (the console is not connected): a ready node is
    // no longer shown as heard from "live".
    void setStale(bool stale);
    bool isStale() const { return m_stale; }

    // Where the request rate, p99 and RSS columns come from; without it they stay empty.
    // Their changes are announced in batches, at most every kLiveBatch.
    void setLiveMetrics(LiveMetrics *live);
    static constexpr std::chrono::milliseconds kLiveBatch{250};
    // Announces the live numbers that changed since the last batch now.
    void flushLiveUpdates();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setNodes(const QList<Node> &nodes);
    // Inserts a node not seen before, otherwise updates its row in place.
    void applyChange(const NodeChange &change);
    void clear();
    // "Last seen" is relative to now, and a reading with no report for a while means no
    // traffic: a view calls this now and then to keep both honest.
    void refreshAges();

    // Whether a dataChanged over these cells can change a node's state (status, generation,
    // components, labels), rather than only its live numbers or ages, which move all the time.
    static bool touchesState(const QModelIndex &topLeft, const QModelIndex &bottomRight)
    {
        return topLeft.column() <= StatusColumn || bottomRight.column() >= ComponentsColumn;
    }

    // Orders two rows by a column as SortRole does (same order, same case-insensitive
    // text), from keys kept per row: a proxy sorting a large fleet compares rows hundreds
    // of thousands of times, and building two QVariants per comparison is most of a sort.
    bool lessThan(int leftRow, int rightRow, int column) const;

    int nodeCount() const { return int(m_nodes.size()); }
    int count(NodeStatus status) const;
    int rowOf(const QString &name) const { return m_rows.value(name, -1); }
    const Node &nodeAt(int row) const { return m_nodes.at(row); }

    void setClockForTest(Clock clock);

signals:
    // The totals behind nodeCount() and count() may have moved.
    void countsChanged();

private:
    QVariant display(const Node &node, int column) const;
    QVariant sortValue(int row, int column) const;
    QVariant toolTip(const Node &node, int column) const;
    void reindex();

    QList<Node> m_nodes;
    QHash<QString, int> m_rows; // name -> row, so that a change finds its row in O(1)
    Clock m_clock;
    QPointer<LiveMetrics> m_live;
    // Per row, what sorting compares and display() would build or look up each time.
    struct SortKeys
    {
        QString components; // the Components column's text
        QString labels;     // the Labels column's text
        qint64 lastSeen = 0;
        double requests = -1; // no reading sorts below zero
        double p99 = -1;
        double rss = -1;
    };
    SortKeys sortKeys(const Node &node) const;
    void setLiveKeys(SortKeys &keys, const QString &node) const;
    QList<SortKeys> m_keys; // parallel to m_nodes
    QSet<int> m_dirty;                               // rows whose live numbers changed
    QTimer m_liveTimer;
    bool m_stale = false;
};

} // namespace Keel
