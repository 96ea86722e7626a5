#pragma once

#include "regionhealthmodel.h"

#include <QColor>
#include <QPointF>

class QPainter;

namespace Keel {

// Health as a shape inside a region's marker, so that it never rests on colour alone:
// a tick (all ready), "!" (degraded), a cross (down), a bar (no nodes).
class HealthGlyph final
{
public:
    static void paint(QPainter &painter, const QPointF &center, qreal radius, RegionHealthModel::Health health,
                      const QColor &color);
};

} // namespace Keel
