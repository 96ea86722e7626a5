#include "regionrollouts.h"

#include "rollouts/rolloutlistmodel.h"
#include "rollouts/rolloutstyle.h"

namespace Keel {

QString RegionRollouts::Mark::text() const
{
    return RegionRollouts::tr("↻ %1 %2 · wave %3/%4 · %5")
        .arg(component, version).arg(wave).arg(waves).arg(RolloutStyle::word(state));
}

RegionRollouts::RegionRollouts(RolloutListModel *rollouts, QObject *parent)
    : QObject(parent)
    , m_rollouts(rollouts)
{
    connect(rollouts, &QAbstractItemModel::modelReset, this, &RegionRollouts::recompute);
    connect(rollouts, &QAbstractItemModel::rowsInserted, this, &RegionRollouts::recompute);
    connect(rollouts, &QAbstractItemModel::rowsRemoved, this, &RegionRollouts::recompute);
    connect(rollouts, &RolloutListModel::rolloutUpdated, this, &RegionRollouts::recompute);
    recompute();
}

std::optional<RegionRollouts::Mark> RegionRollouts::mark(const QString &region) const
{
    const auto it = m_marks.constFind(region);
    return it == m_marks.cend() ? std::nullopt : std::optional<Mark>(*it);
}

QHash<QString, RegionRollouts::Mark> RegionRollouts::marksOf(const QList<Rollout> &rollouts)
{
    QHash<QString, Mark> marks;
    for (const Rollout &r : rollouts) {
        if (!isActive(r.state) || r.state == RolloutState::Failed)
            continue; // a failed rollout is returning its nodes, not rolling out
        for (const RolloutWave &wave : r.waves) {
            if (!RolloutStyle::isRunning(wave.state) && wave.state != WaveState::WaitingForTraffic)
                continue;
            for (const QString &region : wave.regions)
                marks.insert(region, {r.id, r.spec.component, r.spec.version, wave.index, int(r.waves.size()), wave.state});
        }
    }
    return marks;
}

void RegionRollouts::recompute()
{
    QHash<QString, Mark> marks = marksOf(m_rollouts->rollouts());
    if (marks == m_marks)
        return;
    m_marks = std::move(marks);
    emit changed();
}

} // namespace Keel
