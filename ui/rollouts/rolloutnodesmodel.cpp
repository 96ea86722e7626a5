#include "rolloutnodesmodel.h"

#include "rolloutstyle.h"

namespace Keel {

namespace {

QString baseline(const Rollout &r)
{
    return r.baselineVersion.isEmpty() ? RolloutNodesModel::tr("none") : r.baselineVersion;
}

// The switched nodes are on their way back to the baseline (or there).
bool returning(const Rollout &r)
{
    return r.state == RolloutState::Failed;
}

bool returned(const Rollout &r)
{
    return r.state == RolloutState::RolledBack || r.state == RolloutState::Aborted;
}

} // namespace

RolloutNodesModel::RolloutNodesModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int RolloutNodesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RolloutNodesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RolloutNodesModel::versionText(const Rollout &r, const RolloutWave &wave)
{
    const QString from = baseline(r);
    const QString to = r.spec.version;
    switch (wave.state) {
    case WaveState::Pending: return from;
    case WaveState::Switching: return returning(r) || returned(r) ? from : tr("%1 → %2").arg(from, to);
    case WaveState::Baking:
    case WaveState::WaitingForTraffic:
    case WaveState::Passed:
        return returned(r) && wave.state != WaveState::Passed ? from : to;
    case WaveState::Failed:
    case WaveState::Reverted:
        return returning(r) ? tr("%1 → %2").arg(to, from) : returned(r) ? from : to;
    }
    return {};
}

QString RolloutNodesModel::stateText(const Rollout &r, const RolloutWave &wave)
{
    switch (wave.state) {
    case WaveState::Pending:
        return isActive(r.state) ? tr("pending") : tr("not switched");
    case WaveState::Switching: return tr("switching to %1").arg(r.spec.version);
    case WaveState::Baking: return tr("baking");
    case WaveState::WaitingForTraffic: return tr("waiting for traffic");
    case WaveState::Passed: return tr("passed");
    case WaveState::Failed:
        return returning(r) ? tr("failed, returning to %1").arg(baseline(r))
             : returned(r) ? tr("failed, back on %1").arg(baseline(r)) : tr("failed");
    case WaveState::Reverted:
        return returning(r) ? tr("returning to %1").arg(baseline(r)) : tr("reverted, back on %1").arg(baseline(r));
    }
    return {};
}

QVariant RolloutNodesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const RolloutWave &wave = m_rollout.waves.at(row.wave);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NodeColumn: return row.node;
        case RegionColumn: return row.region;
        case WaveColumn: return wave.index;
        case StateColumn: return stateText(m_rollout, wave);
        case VersionColumn: return versionText(m_rollout, wave);
        }
        return {};
    case Qt::DecorationRole:
        return index.column() == StateColumn ? QVariant(RolloutStyle::color(wave.state)) : QVariant();
    case Qt::ToolTipRole:
        return tr("%1 is in wave %2 of %3 (%4): %5").arg(row.node).arg(wave.index).arg(m_rollout.waves.size())
            .arg(wave.regions.join(QStringLiteral(", ")), RolloutStyle::word(wave.state));
    case Qt::TextAlignmentRole:
        return index.column() == WaveColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    default:
        return {};
    }
}

QVariant RolloutNodesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::TextAlignmentRole)
        return section == WaveColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NodeColumn: return tr("Node");
    case RegionColumn: return tr("Region");
    case WaveColumn: return tr("Wave");
    case StateColumn: return tr("State");
    case VersionColumn: return tr("Runs");
    }
    return {};
}

void RolloutNodesModel::setRollout(const Rollout &rollout)
{
    QList<Row> rows;
    for (int w = 0; w < rollout.waves.size(); ++w) {
        const RolloutWave &wave = rollout.waves.at(w);
        // A wave never mixes two regions.
        const QString region = wave.regions.value(0);
        for (const QString &node : wave.nodes)
            rows.append({node, region, w});
    }
    const bool sameRows = rollout.id == m_rollout.id && rows.size() == m_rows.size()
        && std::equal(rows.cbegin(), rows.cend(), m_rows.cbegin(), [](const Row &a, const Row &b) {
               return a.node == b.node && a.region == b.region && a.wave == b.wave;
           });
    if (!sameRows) {
        beginResetModel();
        m_rollout = rollout;
        m_rows = rows;
        endResetModel();
        return;
    }
    const Rollout before = std::exchange(m_rollout, rollout);
    // Every node's state follows its wave's and the rollout's: announce the rows of the
    // waves whose state (or the rollout's) moved.
    int first = -1;
    int last = -1;
    for (int row = 0; row < m_rows.size(); ++row) {
        const int w = m_rows.at(row).wave;
        if (before.state == rollout.state && before.waves.at(w).state == rollout.waves.at(w).state)
            continue;
        first = first < 0 ? row : first;
        last = row;
    }
    if (first >= 0)
        emit dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

void RolloutNodesModel::clear()
{
    beginResetModel();
    m_rollout = {};
    m_rows.clear();
    endResetModel();
}

} // namespace Keel
