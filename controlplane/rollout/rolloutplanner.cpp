#include "rolloutplanner.h"

#include <QMap>

#include <algorithm>

namespace Keel {

namespace {

WireError badOrder(QString message)
{
    return WireError{ErrorCode::BadRequest, std::move(message), QStringLiteral("region_order")};
}

} // namespace

std::variant<QStringList, WireError> RolloutPlanner::regionOrder(const RolloutSpec &spec, const QList<Node> &nodes,
                                                                 const QList<Region> &regions)
{
    QMap<QString, int> counts; // region -> nodes, by name
    QMap<QString, QString> jurisdictionOf;
    for (const Node &node : nodes) {
        ++counts[node.region];
        jurisdictionOf.insert(node.region, node.jurisdiction);
    }
    QStringList order;
    if (!spec.regionOrder.isEmpty()) {
        QStringList known;
        for (const Region &region : regions)
            known.append(region.name);
        for (const QString &name : spec.regionOrder) {
            if (!known.contains(name))
                return badOrder(QStringLiteral("--order names region \"%1\", which the fleet does not have (regions: %2)")
                                    .arg(name.left(64), known.join(QStringLiteral(", "))));
            if (order.contains(name))
                return badOrder(QStringLiteral("--order names region %1 twice").arg(name));
            if (counts.contains(name))
                order.append(name);
        }
        QStringList left;
        for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
            if (!order.contains(it.key()))
                left.append(it.key());
        }
        if (!left.isEmpty())
            return badOrder(QStringLiteral("the selector matches nodes in %1, which --order leaves out: add them to --order or narrow --to")
                                .arg(left.join(QStringLiteral(", "))));
        return order;
    }
    order = counts.keys();
    if (spec.orderByJurisdiction) {
        QMap<QString, int> perJurisdiction;
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            perJurisdiction[jurisdictionOf.value(it.key())] += it.value();
        // Each jurisdiction's regions together, the smallest jurisdiction first; inside
        // one, the smallest region first; names break ties.
        std::stable_sort(order.begin(), order.end(), [&](const QString &a, const QString &b) {
            const QString ja = jurisdictionOf.value(a), jb = jurisdictionOf.value(b);
            if (ja != jb) {
                const int na = perJurisdiction.value(ja), nb = perJurisdiction.value(jb);
                return na != nb ? na < nb : ja < jb;
            }
            return counts.value(a) < counts.value(b);
        });
    } else {
        // The smallest region first: the least exposed canary.
        std::stable_sort(order.begin(), order.end(), [&](const QString &a, const QString &b) {
            return counts.value(a) < counts.value(b);
        });
    }
    return order;
}

std::variant<QList<RolloutWave>, WireError> RolloutPlanner::plan(const RolloutSpec &spec, const QList<Node> &nodes,
                                                                 const QList<Region> &regions)
{
    if (nodes.isEmpty()) {
        return WireError{ErrorCode::BadRequest,
                         QStringLiteral("the selector \"%1\" matches no node: see keelctl nodes list").arg(spec.selector.left(128)),
                         QStringLiteral("selector")};
    }
    auto ordered = regionOrder(spec, nodes, regions);
    if (auto *error = std::get_if<WireError>(&ordered))
        return *error;
    const QStringList order = std::get<QStringList>(ordered);
    QList<QStringList> byRegion; // nodes of each region in order, by name
    QStringList flat;
    for (const QString &region : order) {
        QStringList names;
        for (const Node &node : nodes) {
            if (node.region == region)
                names.append(node.name);
        }
        names.sort();
        byRegion.append(names);
        flat += names;
    }
    const int total = int(flat.size());

    QList<RolloutWave> waves;
    auto addWave = [&waves](int step, const QString &region, QStringList names) {
        RolloutWave wave;
        wave.index = int(waves.size()) + 1;
        wave.step = step;
        wave.regions = {region};
        wave.nodes = std::move(names);
        waves.append(std::move(wave));
    };
    if (spec.strategy == RolloutStrategy::Rolling) {
        if (!spec.batch.isValid())
            return WireError{ErrorCode::BadRequest, QStringLiteral("--batch must be a number of nodes or a share in (0, 100]%"),
                             QStringLiteral("batch")};
        // Batches of the same size, region after region: a region's last batch may be
        // smaller rather than reach into the next region.
        const int size = spec.batch.resolve(total);
        for (int r = 0; r < byRegion.size(); ++r) {
            for (qsizetype i = 0; i < byRegion[r].size(); i += size)
                addWave(int(waves.size()) + 1, order[r], byRegion[r].mid(i, size));
        }
        return waves;
    }

    // Canary: cumulative targets, how many nodes are switched after each step.
    if (spec.steps.isEmpty())
        return WireError{ErrorCode::BadRequest, QStringLiteral("a canary rollout needs --steps, e.g. 1,10%,50%,100%"),
                         QStringLiteral("steps")};
    QList<int> targets;
    int last = 0;
    for (const RolloutStep &step : spec.steps) {
        if (!step.isValid())
            return WireError{ErrorCode::BadRequest, QStringLiteral("a step must be a number of nodes or a share in (0, 100]%"),
                             QStringLiteral("steps")};
        const int target = step.resolve(total);
        if (target < last)
            return WireError{ErrorCode::BadRequest,
                             QStringLiteral("steps are cumulative and must not shrink: %1 comes after a step of %2 nodes")
                                 .arg(step.text())
                                 .arg(last),
                             QStringLiteral("steps")};
        if (target > last)
            targets.append(target);
        last = target;
    }
    if (last < total)
        targets.append(total); // the rollout always ends with every node switched
    // Each step takes the next nodes in order; a step crossing a region boundary becomes
    // one wave per region, all of that step.
    QList<int> regionAt; // position -> region index
    for (int r = 0; r < byRegion.size(); ++r) {
        for (qsizetype i = 0; i < byRegion[r].size(); ++i)
            regionAt.append(r);
    }
    int position = 0;
    for (int s = 0; s < targets.size(); ++s) {
        while (position < targets[s]) {
            const int region = regionAt[position];
            QStringList names;
            while (position < targets[s] && regionAt[position] == region)
                names.append(flat[position++]);
            addWave(s + 1, order[region], names);
        }
    }
    return waves;
}

} // namespace Keel
