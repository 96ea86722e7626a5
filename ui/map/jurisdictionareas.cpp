#include "jurisdictionareas.h"

#include "jurisdictions.h"
#include "landoutline.h"

#include <QtMath>

#include <algorithm>
#include <array>
#include <cmath>

namespace Keel {

namespace {

constexpr double kEarthRadiusKm = 6371.0;
constexpr int kCircleSteps = 72;

} // namespace

QColor JurisdictionAreas::colorAt(int index)
{
    // Violet, teal, ochre, magenta, slate, olive: apart from the state colours, and
    // mid-toned so that a light tint of each reads on a light and on a dark land.
    static const std::array<QRgb, 6> hues{0x8a63d2, 0x1f8a99, 0xb07a2a, 0xb04fa0, 0x5f7d95, 0x7f8a2a};
    return QColor::fromRgb(hues[std::size_t(index) % hues.size()]);
}

QPainterPath JurisdictionAreas::circle(double longitude, double latitude, double radiusKm)
{
    const double lat1 = qDegreesToRadians(latitude);
    const double lon1 = qDegreesToRadians(longitude);
    const double d = radiusKm / kEarthRadiusKm;
    QPolygonF ring;
    for (int i = 0; i <= kCircleSteps; ++i) {
        const double bearing = 2 * M_PI * i / kCircleSteps;
        const double lat2 = std::asin(std::sin(lat1) * std::cos(d) + std::cos(lat1) * std::sin(d) * std::cos(bearing));
        double lon2 = lon1 + std::atan2(std::sin(bearing) * std::sin(d) * std::cos(lat1), std::cos(d) - std::sin(lat1) * std::sin(lat2));
        // Near the antimeridian the circle is cut at the map's edge rather than wrapped.
        const double lonDeg = std::clamp(qRadiansToDegrees(lon2), -180.0, 180.0);
        ring << LandOutline::toPlane(lonDeg, std::clamp(qRadiansToDegrees(lat2), -89.9, 89.9));
    }
    QPainterPath path;
    path.addPolygon(ring);
    path.closeSubpath();
    return path;
}

QList<JurisdictionAreas::Area> JurisdictionAreas::build(const QList<Region> &regions)
{
    QList<Area> areas;
    for (const Region &region : regions) {
        if (region.jurisdiction.isEmpty())
            continue;
        auto it = std::find_if(areas.begin(), areas.end(), [&](const Area &a) { return a.code == region.jurisdiction; });
        if (it == areas.end()) {
            Area area;
            area.code = region.jurisdiction;
            const std::string_view name = keel::residency::Jurisdictions::name(region.jurisdiction.toStdString());
            area.name = QString::fromUtf8(name.data(), qsizetype(name.size()));
            areas.append(area);
            it = areas.end() - 1;
        }
        it->regions.append(region.name);
        const QPainterPath around = circle(region.longitude, region.latitude, kRadiusKm);
        it->path = it->path.isEmpty() ? around : it->path.united(around);
    }
    // By code, so that the legend reads in order and a jurisdiction keeps its colour
    // whatever order the topology lists its regions in.
    std::sort(areas.begin(), areas.end(), [](const Area &a, const Area &b) { return a.code < b.code; });
    for (int i = 0; i < areas.size(); ++i)
        areas[i].color = colorAt(i);
    return areas;
}

} // namespace Keel
