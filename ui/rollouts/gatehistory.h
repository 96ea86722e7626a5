#pragma once

#include "rollouttypes.h"

#include <QDateTime>
#include <QHash>
#include <QObject>

#include <functional>

namespace Keel {

// Each wave's gate values over time, as the control plane evaluated them while the wave
// baked: a point per gate per evaluation (about once a second), stamped when it arrived.
// The rollout events carry only the latest values, so the charts' history is what this
// console saw; it starts when the console does. Knows nothing of widgets.
class GateHistory final : public QObject
{
    Q_OBJECT

public:
    struct Point
    {
        QDateTime at;
        double value = 0;
        double threshold = 0;
        bool passed = false;
        bool measured = false;
    };

    using Clock = std::function<QDateTime()>;

    // Points kept per gate of a wave (an hour at one a second), and rollouts remembered.
    static constexpr int kMaxPoints = 3600;
    static constexpr int kMaxRollouts = 32;

    explicit GateHistory(QObject *parent = nullptr);

    // Takes the gate values of every wave the event's rollout judged: a point for each
    // gate of a wave whose values changed, or of the wave the event says was evaluated.
    void record(const RolloutEvent &event);
    // Gate names of a wave in the order first seen (wave from 1).
    QStringList gates(const QString &rollout, int wave) const;
    QList<Point> points(const QString &rollout, int wave, const QString &gate) const;
    void clear();

    void setClockForTest(Clock clock);

signals:
    void recorded(const QString &rollout, int wave);

private:
    struct Wave
    {
        QStringList order;
        QHash<QString, QList<Point>> points;
        QList<GateResult> last;
    };
    using Waves = QHash<int, Wave>;

    static int evaluatedWave(const QString &event);
    const Wave *find(const QString &rollout, int wave) const;

    QHash<QString, Waves> m_rollouts;
    QStringList m_order; // oldest first, to forget the oldest
    Clock m_clock;
};

} // namespace Keel
