#pragma once

#include "fleettypes.h"
#include "rollouttypes.h"
#include "wireerror.h"

#include <variant>

namespace Keel {

// Cuts a rollout's nodes into waves: regions in the requested order (a wave never mixes
// two regions, and a region's waves all come before the next region's), each region's
// nodes by name, wave sizes from the batch (rolling) or the cumulative steps (canary).
// Pure: the engine plans once, at start, and stores the waves.
class RolloutPlanner final
{
public:
    // nodes: the ones the rollout switches (the selector's, with their region and
    // jurisdiction); regions: the fleet's topology (to check --order names).
    static std::variant<QList<RolloutWave>, WireError> plan(const RolloutSpec &spec, const QList<Node> &nodes,
                                                            const QList<Region> &regions);
    // The regions with nodes, first to last, as the spec orders them.
    static std::variant<QStringList, WireError> regionOrder(const RolloutSpec &spec, const QList<Node> &nodes,
                                                            const QList<Region> &regions);
};

} // namespace Keel
