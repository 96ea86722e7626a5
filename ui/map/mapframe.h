#pragma once

#include "fleettypes.h"
#include "mapviewport.h"
#include "regionhealthmodel.h"

#include <QFont>
#include <QList>
#include <QRectF>
#include <QString>

namespace Keel {

class LiveMetrics;

// What the map draws for one viewport, in screen pixels: a marker per region (with its
// placed label) and, zoomed in, each region's sites and nodes. Built from the models
// aggregated per region, so its cost grows with the regions on the map, plus the nodes
// of the regions in view when spread out. Also answers what lies under a point.
class MapFrame final
{
public:
    // From this many pixels per unit of the plane (a continent fills the view) regions
    // spread into their sites and nodes.
    static constexpr qreal kSpreadScale = 900;
    static constexpr qreal kNodeSpacing = 11;
    static constexpr qreal kNodeRadius = 4;

    struct Marker
    {
        int row = -1;
        QString name;
        QPointF center;
        qreal radius = 0;
        RegionHealthModel::Health health = RegionHealthModel::Health::NoNodes;
        QString title;  // "eu-west · EU"
        QString detail; // "12.4 req/s", with the health word when not all ready
        QRectF label;
        bool detached = false;
        bool labelShown = true; // false: no clear spot at this zoom (the hover card still has it)
    };

    struct Site
    {
        QString name;
        QString region;
        QPointF center;
        qreal radius = 0;
        int ready = 0;
        int total = 0;
    };

    struct Dot
    {
        QString name;
        QString region;
        QPointF center;
        NodeStatus status = NodeStatus::Unreachable;
    };

    struct Hit
    {
        enum class Kind { None, Region, Node };
        Kind kind = Kind::None;
        QString name;   // the region's or the node's
        QString region;
    };

    static MapFrame build(const RegionHealthModel &regions, const LiveMetrics &live, const MapViewport &viewport,
                          const QFont &font);

    bool isSpread() const { return m_spread; }
    const QList<Marker> &markers() const { return m_markers; }
    const QList<Site> &sites() const { return m_sites; }
    const QList<Dot> &dots() const { return m_dots; }
    const Marker *marker(const QString &region) const;
    const Dot *dot(const QString &node) const;
    Hit hitAt(const QPointF &point) const;

    // "12.4 req/s", "idle".
    static QString rateText(double requestsPerSecond);
    static qreal markerRadius(int nodes, int mostNodes);

private:
    void spread(const RegionHealthModel &regions, const Marker &marker, const QRectF &view);

    bool m_spread = false;
    QList<Marker> m_markers;
    QList<Site> m_sites;
    QList<Dot> m_dots;
};

} // namespace Keel
