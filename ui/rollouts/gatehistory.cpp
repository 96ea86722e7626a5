#include "gatehistory.h"

#include <QRegularExpression>

namespace Keel {

GateHistory::GateHistory(QObject *parent)
    : QObject(parent)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
}

int GateHistory::evaluatedWave(const QString &event)
{
    // "wave 2: gates evaluated", as the control plane names a gate evaluation.
    static const QRegularExpression pattern(QStringLiteral("^wave (\\d+): gates evaluated$"));
    const auto match = pattern.match(event);
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

void GateHistory::record(const RolloutEvent &event)
{
    const Rollout &rollout = event.rollout;
    const int evaluated = evaluatedWave(event.event);
    const QDateTime now = m_clock();
    QList<int> changed;
    for (const RolloutWave &wave : rollout.waves) {
        if (wave.gates.isEmpty())
            continue;
        Waves &waves = m_rollouts[rollout.id];
        Wave &history = waves[wave.index];
        // Same values outside an evaluation of this wave: an event about another wave or
        // the rollout carries them along; they are not a new measurement.
        if (wave.gates == history.last && wave.index != evaluated)
            continue;
        history.last = wave.gates;
        for (const GateResult &gate : wave.gates) {
            if (!history.points.contains(gate.name))
                history.order.append(gate.name);
            QList<Point> &points = history.points[gate.name];
            points.append({now, gate.value, gate.threshold, gate.passed, gate.measured});
            if (points.size() > kMaxPoints)
                points.remove(0, points.size() - kMaxPoints);
        }
        changed.append(wave.index);
    }
    if (changed.isEmpty())
        return;
    m_order.removeAll(rollout.id);
    m_order.append(rollout.id);
    while (m_order.size() > kMaxRollouts)
        m_rollouts.remove(m_order.takeFirst());
    for (int wave : std::as_const(changed))
        emit recorded(rollout.id, wave);
}

const GateHistory::Wave *GateHistory::find(const QString &rollout, int wave) const
{
    const auto waves = m_rollouts.constFind(rollout);
    if (waves == m_rollouts.cend())
        return nullptr;
    const auto history = waves->constFind(wave);
    return history == waves->cend() ? nullptr : &*history;
}

QStringList GateHistory::gates(const QString &rollout, int wave) const
{
    const Wave *history = find(rollout, wave);
    return history ? history->order : QStringList();
}

QList<GateHistory::Point> GateHistory::points(const QString &rollout, int wave, const QString &gate) const
{
    const Wave *history = find(rollout, wave);
    return history ? history->points.value(gate) : QList<Point>();
}

void GateHistory::clear()
{
    m_rollouts.clear();
    m_order.clear();
}

void GateHistory::setClockForTest(Clock clock)
{
    m_clock = std::move(clock);
}

} // namespace Keel
