#include "healthglyph.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace Keel {

void HealthGlyph::paint(QPainter &painter, const QPointF &c, qreal radius, RegionHealthModel::Health health, const QColor &color)
{
    const qreal s = std::max(radius * 0.45, qreal(2.5));
    painter.setPen(QPen(color, std::max(qreal(1.5), radius / 6), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.setBrush(Qt::NoBrush);
    switch (health) {
    case RegionHealthModel::Health::Ready: {
        QPainterPath tick;
        tick.moveTo(c + QPointF(-s, 0));
        tick.lineTo(c + QPointF(-s * 0.3, s * 0.7));
        tick.lineTo(c + QPointF(s, -s * 0.6));
        painter.drawPath(tick);
        break;
    }
    case RegionHealthModel::Health::Degraded:
        painter.drawLine(c + QPointF(0, -s), c + QPointF(0, s * 0.3));
        painter.drawPoint(c + QPointF(0, s * 0.85));
        break;
    case RegionHealthModel::Health::Down:
        painter.drawLine(c + QPointF(-s * 0.75, -s * 0.75), c + QPointF(s * 0.75, s * 0.75));
        painter.drawLine(c + QPointF(-s * 0.75, s * 0.75), c + QPointF(s * 0.75, -s * 0.75));
        break;
    case RegionHealthModel::Health::NoNodes:
        painter.drawLine(c + QPointF(-s * 0.7, 0), c + QPointF(s * 0.7, 0));
        break;
    }
}

} // namespace Keel
