#pragma once

#include "rollouttypes.h"

namespace Keel {

// Rollouts as documents (the JSON of RolloutJson, one row each), so that every
// transition can be written before it is acted on. Part of Store (Store::rollouts());
// portable SQL only.
class RolloutStore
{
public:
    virtual ~RolloutStore() = default;

    // Inserts or replaces the rollout of that id.
    virtual void putRollout(const Rollout &rollout) = 0;
    // Oldest first; a row that does not read as a rollout is skipped and named in *damaged.
    virtual QList<Rollout> rollouts(QStringList *damaged = nullptr) = 0;
};

} // namespace Keel
