#pragma once

#include <QList>
#include <QPointF>
#include <QRectF>
#include <QSizeF>

namespace Keel {

// Places the labels of round markers so that no label covers another label or a marker:
// each label tries the spots around its own marker (right first, as a map reads), then
// the same spots further out; a label that cannot be placed clear takes the spot with the
// least overlap and is marked not clear (the map leaves it out until zoomed in). Bigger
// markers choose first. Pure geometry, in screen pixels.
class MapLabelPlacer final
{
public:
    struct Marker
    {
        QPointF center;
        qreal radius = 0;
        QSizeF label;
    };

    struct Placement
    {
        QRectF rect;
        bool detached = false; // moved away from its marker: worth a leader line
        bool clear = true;     // covers no other label or marker (else: the least-bad spot)
    };

    // One placement per marker, in the markers' order. Labels stay inside bounds when
    // they can.
    static QList<Placement> place(const QList<Marker> &markers, const QRectF &bounds);
};

} // namespace Keel
