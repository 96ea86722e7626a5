#pragma once

#include "rollouttypes.h"

#include <QHash>
#include <QObject>

#include <optional>

namespace Keel {

class RolloutListModel;

// The regions a rollout is working in now, for the map: a region whose nodes are in a
// wave that is switching, baking or waiting for traffic gets a mark naming the rollout
// and the wave ("↻ hash 2.0.0 · wave 2/4 · baking"), cleared when the wave or the
// rollout ends. Follows the rollout list; changes only when a mark does, so the gate
// evaluations that arrive every second cost the map nothing. Knows nothing of widgets.
class RegionRollouts final : public QObject
{
    Q_OBJECT

public:
    struct Mark
    {
        QString rollout;
        QString component;
        QString version;
        int wave = 0;  // from 1
        int waves = 0;
        WaveState state = WaveState::Pending;

        QString text() const;
        bool operator==(const Mark &) const = default;
    };

    explicit RegionRollouts(RolloutListModel *rollouts, QObject *parent = nullptr);

    std::optional<Mark> mark(const QString &region) const;
    const QHash<QString, Mark> &marks() const { return m_marks; }

    // The marks a set of rollouts gives (the model's rule, for tests and the list).
    static QHash<QString, Mark> marksOf(const QList<Rollout> &rollouts);

signals:
    void changed();

private:
    void recompute();

    RolloutListModel *m_rollouts;
    QHash<QString, Mark> m_marks;
};

} // namespace Keel
