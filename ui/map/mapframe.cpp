#include "mapframe.h"

#include "landoutline.h"
#include "maplabelplacer.h"
#include "metrics/livemetrics.h"
#include "nodes/nodetablemodel.h"
#include "regionspread.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QHash>

#include <algorithm>
#include <cmath>

namespace Keel {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Keel::MapFrame", text);
}

constexpr qreal kMinRadius = 6;
constexpr qreal kMaxRadius = 26;
constexpr qreal kOneNodeRadius = 9;
constexpr qreal kLabelPadding = 3;

qreal distanceSquared(const QPointF &a, const QPointF &b)
{
    const QPointF d = a - b;
    return QPointF::dotProduct(d, d);
}

} // namespace

QString MapFrame::rateText(double requestsPerSecond)
{
    if (requestsPerSecond <= 0)
        return tr("idle");
    if (requestsPerSecond >= 10000)
        return tr("%1k req/s").arg(requestsPerSecond / 1000, 0, 'f', 1);
    if (requestsPerSecond < 0.1)
        return tr("<0.1 req/s");
    return tr("%1 req/s").arg(requestsPerSecond, 0, 'f', requestsPerSecond >= 100 ? 0 : 1);
}

qreal MapFrame::markerRadius(int nodes, int mostNodes)
{
    if (nodes <= 0)
        return kMinRadius;
    // Area grows with the node count; the largest region stays within kMaxRadius and a
    // lone node reads as a marker, not a speck.
    const qreal perRootNode = std::min(kOneNodeRadius, kMaxRadius / std::sqrt(qreal(std::max(mostNodes, 1))));
    return std::max(kMinRadius, perRootNode * std::sqrt(qreal(nodes)));
}

MapFrame MapFrame::build(const RegionHealthModel &regions, const LiveMetrics &live, const MapViewport &viewport,
                         const QFont &font)
{
    MapFrame frame;
    frame.m_spread = viewport.scale >= kSpreadScale;
    int mostNodes = 0;
    for (int row = 0; row < regions.regionCount(); ++row)
        mostNodes = std::max(mostNodes, regions.counts(regions.regionAt(row).name).total);

    QFont bold = font;
    bold.setBold(true);
    const QFontMetricsF titleMetrics(bold);
    const QFontMetricsF detailMetrics(font);
    const QRectF view(QPointF(0, 0), viewport.size);

    QList<MapLabelPlacer::Marker> toPlace;
    frame.m_markers.reserve(regions.regionCount());
    for (int row = 0; row < regions.regionCount(); ++row) {
        const Region &region = regions.regionAt(row);
        const RegionHealthModel::Counts counts = regions.counts(region.name);
        Marker marker;
        marker.row = row;
        marker.name = region.name;
        marker.center = viewport.toScreen(LandOutline::toPlane(region.longitude, region.latitude));
        marker.health = RegionHealthModel::healthOf(counts);
        marker.radius = frame.m_spread ? kMinRadius : markerRadius(counts.total, mostNodes);
        marker.title = region.jurisdiction.isEmpty() ? region.name : region.name + QStringLiteral(" · ") + region.jurisdiction;
        marker.detail = rateText(live.region(region.name).requestsPerSecond);
        if (marker.health != RegionHealthModel::Health::Ready)
            marker.detail += QStringLiteral(" · ") + RegionHealthModel::healthText(marker.health);
        const QSizeF size(std::max(titleMetrics.horizontalAdvance(marker.title), detailMetrics.horizontalAdvance(marker.detail))
                              + 2 * kLabelPadding,
                          titleMetrics.height() + detailMetrics.height() + kLabelPadding);
        toPlace.append({marker.center, marker.radius, size});
        frame.m_markers.append(marker);
    }
    if (frame.m_spread) {
        // Only regions near the view spread: the others cost nothing.
        const QRectF near = view.adjusted(-400, -400, 400, 400);
        for (const Marker &marker : std::as_const(frame.m_markers)) {
            if (near.contains(marker.center))
                frame.spread(regions, marker, near);
        }
        // Site discs are obstacles for the region labels.
        for (const Site &site : std::as_const(frame.m_sites))
            toPlace.append({site.center, site.radius, QSizeF(0, 0)});
    }
    const QList<MapLabelPlacer::Placement> placed = MapLabelPlacer::place(toPlace, view);
    for (int i = 0; i < frame.m_markers.size(); ++i) {
        frame.m_markers[i].label = placed.at(i).rect;
        frame.m_markers[i].detached = placed.at(i).detached;
        // A crowded map drops the labels it cannot place clear instead of stacking them;
        // zooming in gives them room.
        frame.m_markers[i].labelShown = placed.at(i).clear;
    }
    return frame;
}

void MapFrame::spread(const RegionHealthModel &regions, const Marker &marker, const QRectF &view)
{
    // The topology's sites first (also those without nodes yet), then any a node names.
    const NodeTableModel &nodes = *regions.nodes();
    QList<QPair<QString, int>> counts;
    QHash<QString, QList<int>> rowsBySite;
    for (const QString &site : regions.regionAt(marker.row).sites) {
        counts.append({site, 0});
        rowsBySite.insert(site, {});
    }
    for (int row : regions.nodeRows(marker.name)) {
        const QString &site = nodes.nodeAt(row).site;
        auto it = rowsBySite.find(site);
        if (it == rowsBySite.end()) {
            counts.append({site, 0});
            it = rowsBySite.insert(site, {});
        }
        it->append(row);
    }
    for (auto &[site, count] : counts)
        count = int(rowsBySite.value(site).size());

    const QList<RegionSpread::Site> laid = RegionSpread::layout(marker.center, counts, kNodeSpacing);
    for (const RegionSpread::Site &s : laid) {
        Site site{s.name, marker.name, s.center, s.radius, 0, 0};
        const QList<int> rows = rowsBySite.value(s.name);
        for (int i = 0; i < rows.size(); ++i) {
            const Node &node = nodes.nodeAt(rows.at(i));
            ++site.total;
            if (node.status == NodeStatus::Ready)
                ++site.ready;
            if (view.contains(s.nodes.at(i)))
                m_dots.append({node.name, marker.name, s.nodes.at(i), node.status});
        }
        m_sites.append(site);
    }
}

const MapFrame::Marker *MapFrame::marker(const QString &region) const
{
    auto it = std::find_if(m_markers.cbegin(), m_markers.cend(), [&](const Marker &m) { return m.name == region; });
    return it == m_markers.cend() ? nullptr : &*it;
}

const MapFrame::Dot *MapFrame::dot(const QString &node) const
{
    auto it = std::find_if(m_dots.cbegin(), m_dots.cend(), [&](const Dot &d) { return d.name == node; });
    return it == m_dots.cend() ? nullptr : &*it;
}

MapFrame::Hit MapFrame::hitAt(const QPointF &point) const
{
    // Nodes lie over sites and regions: the nearest node within reach wins.
    const qreal reach = kNodeSpacing / 2;
    const Dot *nearest = nullptr;
    qreal best = reach * reach;
    for (const Dot &dot : m_dots) {
        const qreal d = distanceSquared(dot.center, point);
        if (d <= best) {
            best = d;
            nearest = &dot;
        }
    }
    if (nearest)
        return {Hit::Kind::Node, nearest->name, nearest->region};
    for (const Site &site : m_sites) {
        if (distanceSquared(site.center, point) <= site.radius * site.radius)
            return {Hit::Kind::Region, site.region, site.region};
    }
    // Smaller markers are drawn last (on top), so they are hit first; a label counts too.
    const Marker *hit = nullptr;
    for (const Marker &marker : m_markers) {
        const qreal r = std::max(marker.radius, qreal(8));
        if ((distanceSquared(marker.center, point) <= r * r || marker.label.contains(point))
            && (!hit || marker.radius < hit->radius))
            hit = &marker;
    }
    if (hit)
        return {Hit::Kind::Region, hit->name, hit->name};
    return {};
}

} // namespace Keel
