#pragma once

#include "rolloutstore.h"

namespace Keel {

class SqlConnection;

// RolloutStore over the control plane's SQL connection (owned by SqlStore).
class SqlRolloutStore final : public RolloutStore
{
public:
    explicit SqlRolloutStore(SqlConnection &sql);

    void putRollout(const Rollout &rollout) override;
    QList<Rollout> rollouts(QStringList *damaged = nullptr) override;

private:
    SqlConnection &m_sql;
};

} // namespace Keel
