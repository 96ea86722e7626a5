#pragma once

#include <QFont>
#include <QPalette>

class QPainter;

namespace Keel {

class MapFrame;
class RegionRollouts;

// Draws the rollout marks on the map: a ring around each region a rollout works in (the
// palette's highlight while a wave switches or bakes, amber while it waits for traffic),
// open on the right where the label goes and ending in an arrow like "↻", so it reads as
// "in progress" without colour; and a badge above the marker with what it is doing
// ("↻ hash 2.0.0 · wave 2/4 · baking"). Rings go under the labels, badges over them.
class RolloutMarkPainter final
{
public:
    static void paintRings(QPainter &painter, const MapFrame &frame, const RegionRollouts &rollouts);
    static void paintBadges(QPainter &painter, const MapFrame &frame, const RegionRollouts &rollouts, const QPalette &palette,
                            const QFont &font);
};

} // namespace Keel
