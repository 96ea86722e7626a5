#include "rolloutmarkpainter.h"

#include "mapframe.h"
#include "regionrollouts.h"
#include "rollouts/rolloutstyle.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

#include <QtMath>

#include <cmath>

namespace Keel {

namespace {

qreal ringRadius(const MapFrame::Marker &marker)
{
    return marker.radius + 6;
}

} // namespace

void RolloutMarkPainter::paintRings(QPainter &painter, const MapFrame &frame, const RegionRollouts &rollouts)
{
    if (rollouts.marks().isEmpty())
        return;
    // Qt's angles go counter-clockwise from three o'clock: from 40° round to 320°.
    constexpr qreal kStart = 40, kSpan = 280;
    for (const MapFrame::Marker &marker : frame.markers()) {
        const auto mark = rollouts.mark(marker.name);
        if (!mark)
            continue;
        const QColor color = RolloutStyle::color(mark->state);
        const qreal r = ringRadius(marker);
        const QRectF box(marker.center - QPointF(r, r), QSizeF(2 * r, 2 * r));
        painter.setPen(QPen(color, 3, Qt::SolidLine, Qt::RoundCap));
        painter.setBrush(Qt::NoBrush);
        painter.drawArc(box, int(kStart * 16), int(kSpan * 16));
        // An arrow head at the arc's end, along its counter-clockwise tangent.
        const qreal end = qDegreesToRadians(kStart + kSpan);
        const QPointF tip = marker.center + QPointF(std::cos(end) * r, -std::sin(end) * r);
        const QPointF along(-std::sin(end), -std::cos(end));
        const QPointF normal(along.y(), -along.x());
        QPainterPath head;
        head.moveTo(tip + along * 5);
        head.lineTo(tip - along * 2 + normal * 4.5);
        head.lineTo(tip - along * 2 - normal * 4.5);
        head.closeSubpath();
        painter.setPen(Qt::NoPen);
        painter.setBrush(color);
        painter.drawPath(head);
    }
}

void RolloutMarkPainter::paintBadges(QPainter &painter, const MapFrame &frame, const RegionRollouts &rollouts,
                                     const QPalette &palette, const QFont &font)
{
    if (rollouts.marks().isEmpty())
        return;
    const QFontMetricsF metrics(font);
    for (const MapFrame::Marker &marker : frame.markers()) {
        const auto mark = rollouts.mark(marker.name);
        if (!mark)
            continue;
        // Above the ring: the window's colour with a border of the state's.
        const QString text = mark->text();
        const qreal w = metrics.horizontalAdvance(text) + 12;
        const qreal h = metrics.height() + 4;
        const QRectF badge(marker.center.x() - w / 2, marker.center.y() - ringRadius(marker) - 6 - h, w, h);
        QColor fill = palette.color(QPalette::Window);
        fill.setAlpha(235);
        painter.setPen(QPen(RolloutStyle::color(mark->state), 1.5));
        painter.setBrush(fill);
        painter.drawRoundedRect(badge, h / 2, h / 2);
        painter.setPen(palette.color(QPalette::WindowText));
        painter.setFont(font);
        painter.drawText(badge, Qt::AlignCenter, text);
    }
}

} // namespace Keel
