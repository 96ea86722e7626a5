#include "maplabelplacer.h"

#include <algorithm>
#include <numeric>

namespace Keel {

namespace {

constexpr qreal kGap = 4;
constexpr int kRings = 4; // how many steps outwards a label may move

qreal overlap(const QRectF &a, const QRectF &b)
{
    const QRectF both = a.intersected(b);
    return both.isEmpty() ? 0 : both.width() * both.height();
}

// The spots around a marker, best first, at `step` label heights further out.
QList<QRectF> candidates(const MapLabelPlacer::Marker &marker, int step)
{
    const qreal w = marker.label.width();
    const qreal h = marker.label.height();
    const qreal r = marker.radius + kGap + step * h * 0.8;
    const qreal d = r * 0.7071; // on the diagonals
    const QPointF c = marker.center;
    return {
        QRectF(c.x() + r, c.y() - h / 2, w, h),              // right
        QRectF(c.x() - r - w, c.y() - h / 2, w, h),          // left
        QRectF(c.x() + d, c.y() - d - h * 0.6, w, h),        // above right
        QRectF(c.x() + d, c.y() + d - h * 0.4, w, h),        // below right
        QRectF(c.x() - d - w, c.y() - d - h * 0.6, w, h),    // above left
        QRectF(c.x() - d - w, c.y() + d - h * 0.4, w, h),    // below left
        QRectF(c.x() - w / 2, c.y() - r - h, w, h),          // above
        QRectF(c.x() - w / 2, c.y() + r, w, h),              // below
    };
}

} // namespace

QList<MapLabelPlacer::Placement> MapLabelPlacer::place(const QList<Marker> &markers, const QRectF &bounds)
{
    QList<Placement> placements(markers.size());
    QList<QRectF> obstacles;
    obstacles.reserve(markers.size() * 2);
    for (const Marker &m : markers)
        obstacles.append(QRectF(m.center - QPointF(m.radius, m.radius), QSizeF(2 * m.radius, 2 * m.radius)));

    QList<int> order(markers.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return markers.at(a).radius > markers.at(b).radius; });

    for (int i : order) {
        const Marker &marker = markers.at(i);
        Placement best;
        qreal bestCost = -1;
        for (int step = 0; step < kRings && bestCost != 0; ++step) {
            for (const QRectF &spot : candidates(marker, step)) {
                qreal cost = 0;
                for (const QRectF &obstacle : obstacles)
                    cost += overlap(spot, obstacle);
                // Outside the view counts against a spot, less than covering a neighbour.
                cost += (spot.width() * spot.height() - overlap(spot, bounds)) * 0.5;
                if (bestCost < 0 || cost < bestCost) {
                    best = {spot, step > 0, cost == 0};
                    bestCost = cost;
                }
                if (cost == 0)
                    break; // clear, and nearer spots came first
            }
        }
        placements[i] = best;
        if (best.clear) // a label that is not clear is not shown: nothing to keep clear of
            obstacles.append(best.rect);
    }
    return placements;
}

} // namespace Keel
