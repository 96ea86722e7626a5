#pragma once

#include <QPointF>

namespace Keel {

// The Equal Earth projection (Šavrič, Patterson and Jenny, 2018): equal-area, so a
// region's share of the map is its share of the globe, with straight parallels. Works on
// a sphere of radius 1: x in [-2.7066, 2.7066], y in [-1.3174, 1.3174], north up (y grows
// northwards, as in the publication; a view flips it for the screen).
class EqualEarthProjection final
{
public:
    static constexpr double kMaxX = 2.7066299836;  // at longitude ±180°, the equator
    static constexpr double kMaxY = 1.3173627591;  // at the poles

    // Degrees in, map units out. Longitudes beyond ±180° are not wrapped.
    static QPointF project(double longitude, double latitude);
    // Map units in, degrees out (x: longitude, y: latitude); the inverse of project()
    // inside the map's outline.
    static QPointF unproject(const QPointF &point);
};

} // namespace Keel
