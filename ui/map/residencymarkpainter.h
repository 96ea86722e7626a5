#pragma once

#include "jurisdictionareas.h"

#include <QFont>
#include <QList>
#include <QPalette>

class QPainter;

namespace Keel {

class MapFrame;
class RegionViolations;

// Draws residency on the map: under the label (or the marker) of each region with
// violating placements a badge per mode, in its colour with its word and shape ("✖
// profile removed" red, "⚑ 2 flagged" amber);
// when regions are spread into nodes, a ring of that colour around each violating node;
// and the legend in the bottom-left corner naming each shaded jurisdiction and, when
// there are violations, what the two marks mean.
class ResidencyMarkPainter final
{
public:
    static void paintNodeRings(QPainter &painter, const MapFrame &frame, const RegionViolations &violations);
    static void paintBadges(QPainter &painter, const MapFrame &frame, const RegionViolations &violations, const QPalette &palette,
                            const QFont &font);
    static void paintLegend(QPainter &painter, const QRectF &view, const QList<JurisdictionAreas::Area> &areas,
                            const RegionViolations *violations, const QPalette &palette, const QFont &font);
    // The badge's rectangle centred under a region's marker (where there is no label).
    static QRectF badgeRect(const QPointF &center, qreal radius, const QString &text, const QFont &font);
};

} // namespace Keel
