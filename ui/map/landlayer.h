#pragma once

#include "mapviewport.h"

#include <QColor>
#include <QList>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>

class QPainter;

namespace Keel {

// The land and sea under the markers, rendered into a pixmap that is larger than the
// view, so that panning only moves it. Drawing the outline costs most of a frame; a view
// that moves within the margin, or any repaint that leaves the view alone, reuses it.
// While a zoom is under way the pixmap may be drawn scaled and re-rendered sharp once the
// zoom settles.
class LandLayer final
{
public:
    // An area tinted on the land (a jurisdiction), on the map's plane; its edge is drawn
    // over the sea too, faintly, so that its reach is seen.
    struct Shade
    {
        QPainterPath path;
        QColor color;
        bool operator==(const Shade &) const = default;
    };

    // Renders anew only when the shades differ from the ones drawn.
    void setShades(const QList<Shade> &shades);
    // Paints the layer for viewport; returns false when it drew a scaled (blurry) copy.
    bool paint(QPainter &painter, const MapViewport &viewport, const QPalette &palette, qreal devicePixelRatio,
               bool allowScaled);
    void invalidate() { m_pixmap = {}; }

private:
    void render(const MapViewport &viewport, const QPalette &palette, qreal devicePixelRatio);

    QList<Shade> m_shades;
    QPixmap m_pixmap;
    MapViewport m_covers; // what the pixmap shows: the view and its margin
};

} // namespace Keel
