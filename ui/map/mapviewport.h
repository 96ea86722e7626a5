#pragma once

#include <QPointF>
#include <QSizeF>
#include <QTransform>

namespace Keel {

// Where the map looks: the point of the map's plane (Equal Earth, y southwards) at the
// widget's centre, and how many pixels one unit of the plane takes.
struct MapViewport
{
    QPointF center;
    qreal scale = 1;
    QSizeF size;

    QPointF toScreen(const QPointF &plane) const
    {
        return (plane - center) * scale + QPointF(size.width() / 2, size.height() / 2);
    }
    QPointF toPlane(const QPointF &screen) const
    {
        return (screen - QPointF(size.width() / 2, size.height() / 2)) / scale + center;
    }
    QTransform transform() const
    {
        return QTransform::fromTranslate(size.width() / 2, size.height() / 2)
            .scale(scale, scale)
            .translate(-center.x(), -center.y());
    }
    bool operator==(const MapViewport &) const = default;
};

} // namespace Keel
