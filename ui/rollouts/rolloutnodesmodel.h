#pragma once

#include "rollouttypes.h"

#include <QAbstractTableModel>

namespace Keel {

// The nodes of one rollout, wave by wave: each node's region, wave, and a state derived
// from its wave's (a node is switched, baked, passed or returned with its wave) with the
// version it runs because of it. Set again with every event of the rollout: rows change
// in place while the rollout is the same one. Knows nothing of widgets.
class RolloutNodesModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NodeColumn, RegionColumn, WaveColumn, StateColumn, VersionColumn, ColumnCount };
    Q_ENUM(Column)

    explicit RolloutNodesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setRollout(const Rollout &rollout);
    void clear();

    // The version a node of this wave runs as the rollout stands: "1.0.0", "2.0.0",
    // "1.0.0 → 2.0.0" while switching, "2.0.0 → 1.0.0" while returning.
    static QString versionText(const Rollout &rollout, const RolloutWave &wave);
    // The node's state in words: "runs 2.0.0, baking", "back on 1.0.0".
    static QString stateText(const Rollout &rollout, const RolloutWave &wave);

private:
    struct Row
    {
        QString node;
        QString region;
        int wave = 0; // index into m_rollout.waves
    };

    Rollout m_rollout;
    QList<Row> m_rows;
};

} // namespace Keel
