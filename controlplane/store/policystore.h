#pragma once

#include "residencytypes.h"

namespace Keel {

// One stored version of the residency policy and what changed from the one before.
struct StoredPolicy
{
    ResidencyPolicy policy; // version, time and principal set
    QString diff;
};

// Every version of the fleet's residency policy, as documents. Part of Store
// (Store::policies()); portable SQL only.
class PolicyStore
{
public:
    virtual ~PolicyStore() = default;

    // Stores a new version (policy.version must be the next one: the last stored + 1);
    // throws StoreError if that version exists already.
    virtual void addPolicy(const StoredPolicy &policy) = 0;
    // Oldest first; a row that does not read as a policy is skipped and named in *damaged.
    virtual QList<StoredPolicy> policies(QStringList *damaged = nullptr) = 0;
};

} // namespace Keel
