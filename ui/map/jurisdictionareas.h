#pragma once

#include "fleettypes.h"

#include <QColor>
#include <QList>
#include <QPainterPath>
#include <QString>
#include <QStringList>

namespace Keel {

// Where each jurisdiction of the fleet lies, for shading the map: the land shipped with
// the console has coasts but no borders, so a jurisdiction is drawn as the area within
// kRadiusKm of its regions (geodesic circles, merged), tinted with a colour of its own and
// named in the legend. Areas come sorted by code and take their colours in that order,
// from a set of hues that none of the state colours (green, amber, red, the highlight's
// blue) uses. Pure geometry on the map's plane; knows nothing of widgets.
class JurisdictionAreas final
{
public:
    static constexpr double kRadiusKm = 1100;

    struct Area
    {
        QString code;       // "EU"
        QString name;       // "European Union"
        QColor color;
        QStringList regions;
        QPainterPath path;  // on the map's plane (LandOutline::toPlane)
        bool operator==(const Area &other) const
        {
            return code == other.code && color == other.color && regions == other.regions && path == other.path;
        }
    };

    // Regions without a jurisdiction are left out.
    static QList<Area> build(const QList<Region> &regions);
    // A geodesic circle around a point, on the map's plane.
    static QPainterPath circle(double longitude, double latitude, double radiusKm);
    static QColor colorAt(int index);
};

} // namespace Keel
