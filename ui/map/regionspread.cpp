#include "regionspread.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace Keel {

namespace {

// Vogel's model: the golden angle gives every node the same share of the disc.
const double kGoldenAngle = std::numbers::pi * (3 - std::sqrt(5.0));
// Points at radius c·√i, i = 0…n, are on average about 1.8·c apart.
constexpr double kSpacingFactor = 0.56;

} // namespace

qreal RegionSpread::discRadius(int n, qreal spacing)
{
    return spacing * kSpacingFactor * std::sqrt(std::max(n, 1)) + spacing / 2;
}

QList<RegionSpread::Site> RegionSpread::layout(const QPointF &center, const QList<QPair<QString, int>> &nodeCounts,
                                               qreal spacing)
{
    QList<Site> sites;
    sites.reserve(nodeCounts.size());
    qreal widest = 0;
    for (const auto &[name, count] : nodeCounts) {
        Site site;
        site.name = name;
        site.radius = discRadius(count, spacing);
        widest = std::max(widest, site.radius);
        const qreal c = spacing * kSpacingFactor;
        site.nodes.reserve(count);
        for (int i = 0; i < count; ++i) {
            const qreal r = c * std::sqrt(i + 0.5);
            const qreal angle = i * kGoldenAngle;
            site.nodes.append({r * std::cos(angle), r * std::sin(angle)});
        }
        sites.append(site);
    }
    // Sites on a ring wide enough that neighbouring discs keep a gap; the first at the top.
    const int n = int(sites.size());
    const qreal gap = spacing * 2;
    const qreal ring = n <= 1 ? 0 : std::max((widest + gap / 2) / std::sin(std::numbers::pi / n), widest * 1.6 + gap);
    for (int i = 0; i < n; ++i) {
        const qreal angle = -std::numbers::pi / 2 + 2 * std::numbers::pi * i / n;
        Site &site = sites[i];
        site.center = center + QPointF(ring * std::cos(angle), ring * std::sin(angle));
        for (QPointF &node : site.nodes)
            node += site.center;
    }
    return sites;
}

} // namespace Keel
