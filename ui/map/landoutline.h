#pragma once

#include <QByteArray>
#include <QPainterPath>
#include <QPointF>
#include <QString>

namespace Keel {

// The world's land as one QPainterPath on the map's plane: the Equal Earth projection with
// y growing southwards (the orientation of the screen). The outline is built once from
// the rings shipped as a resource (resources/map/land.json) and shared by every map.
class LandOutline final
{
public:
    // A point in degrees on the map's plane.
    static QPointF toPlane(double longitude, double latitude);
    // The shipped land, projected; built on first use.
    static const QPainterPath &land();
    // The globe's edge (the ±180° meridians and the pole lines), projected.
    static const QPainterPath &sphere();
    // Parses land.json ({"rings": [[lon, lat, lon, lat, ...], ...]}); an empty path and
    // *error when the data is not that.
    static QPainterPath fromJson(const QByteArray &json, QString *error);
};

} // namespace Keel
