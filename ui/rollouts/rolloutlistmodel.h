#pragma once

#include "rollouttypes.h"

#include <QAbstractTableModel>
#include <QDateTime>

#include <functional>
#include <optional>

namespace Keel {

// The control plane's rollouts, newest first: one row per rollout with its change, state
// (colour and word) and progress. Filled by a provider (RolloutFeed) with setRollouts()
// and kept current with apply(), which changes one row in place (a gate evaluation
// arrives about once a second per running rollout: never a reset per event) or inserts
// a new rollout at the top. Knows nothing of widgets.
class RolloutListModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        ComponentColumn,
        ChangeColumn,    // "1.0.0 → 2.0.0"
        SelectorColumn,
        StateColumn,     // colour and word; the message in the tooltip
        ProgressColumn,  // "2/4 nodes"
        StartedColumn,   // relative; absolute in the tooltip
        ByColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        IdRole = Qt::UserRole + 1,
        StateRole, // int(RolloutState)
        SortRole,  // per column: a value that orders correctly
    };
    Q_ENUM(Role)

    using Clock = std::function<QDateTime()>;

    explicit RolloutListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // A full listing (any order; shown newest first).
    void setRollouts(QList<Rollout> rollouts);
    // A rollout as it stands now (an event, a start, a control's answer): its row is
    // updated in place, or inserted where its start time puts it.
    void apply(const Rollout &rollout);
    void clear();
    // "Started" is relative to now: a view calls this now and then.
    void refreshAges();

    int rowOf(const QString &id) const;
    const Rollout &rolloutAt(int row) const { return m_rollouts.at(row); }
    std::optional<Rollout> rollout(const QString &id) const;
    const QList<Rollout> &rollouts() const { return m_rollouts; }
    int activeCount() const;

    void setClockForTest(Clock clock);

signals:
    // The rollout's row changed or arrived (after the model's own signals).
    void rolloutUpdated(const QString &id);

private:
    QVariant display(const Rollout &rollout, int column) const;
    int insertionRow(const Rollout &rollout) const;

    QList<Rollout> m_rollouts;
    Clock m_clock;
};

} // namespace Keel
