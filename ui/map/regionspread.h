#pragma once

#include <QList>
#include <QPointF>
#include <QString>

namespace Keel {

// How a region spreads into its sites and nodes when the map is zoomed in: its sites on
// a ring around the region's point, each site's nodes packed around the site in a
// sunflower pattern (even density, no overlaps, any count). Pure geometry in pixels.
class RegionSpread final
{
public:
    struct Site
    {
        QString name;
        QPointF center;
        qreal radius = 0;       // of the disc its nodes cover
        QList<QPointF> nodes;   // one position per node, in the order given
    };

    // nodeCounts: per site, how many nodes it holds (zero is allowed: an empty site).
    // spacing: the distance between neighbouring nodes.
    static QList<Site> layout(const QPointF &center, const QList<QPair<QString, int>> &nodeCounts, qreal spacing);
    // The radius of the disc n nodes cover at this spacing.
    static qreal discRadius(int n, qreal spacing);
};

} // namespace Keel
