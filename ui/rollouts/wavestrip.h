#pragma once

#include "rollouttypes.h"

#include <QWidget>

namespace Keel {

// A rollout's waves as one strip, first to last: a segment per wave, as wide as its
// share of the nodes (never too narrow for its label), filled with the colour of its
// state (grey pending, the palette's highlight while switching or baking, amber waiting
// for traffic, green passed, red failed, red hatching reverted) and labelled with its
// number, region and state word, so that colour is never alone. The current wave (the
// one running, or the one that failed) is marked above and outlined. A tooltip gives a
// wave's nodes, state and gate values.
class WaveStrip final : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kGap = 4;
    static constexpr int kMinSegment = 64;

    explicit WaveStrip(QWidget *parent = nullptr);

    void setRollout(const Rollout &rollout);
    void clear();
    const Rollout &rollout() const { return m_rollout; }

    int waveCount() const { return int(m_rollout.waves.size()); }
    // Geometry for the current size, by index into the waves (0 is wave 1).
    QRect segmentRect(int wave) const;
    int waveAt(const QPoint &pos) const;
    // The wave marked as current: the failed one, else the one switching, baking or
    // waiting for traffic, else the next pending one while the rollout is active; -1 if none.
    int currentWave() const;
    QString segmentLabel(int wave) const;
    // The state's word; "not run" for a wave left pending by a rollout that ended.
    QString stateWord(int wave) const;
    QString toolTipText(int wave) const;
    // Reverted waves are hatched in this colour over the base.
    static QColor fillColor(WaveState state);
    static bool isHatched(WaveState state) { return state == WaveState::Reverted; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QList<QRect> layoutSegments() const;
    int markerHeight() const;

    Rollout m_rollout;
};

} // namespace Keel
