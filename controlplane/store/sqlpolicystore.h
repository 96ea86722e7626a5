#pragma once

#include "policystore.h"

namespace Keel {

class SqlConnection;

// PolicyStore over the control plane's SQL connection (owned by SqlStore).
class SqlPolicyStore final : public PolicyStore
{
public:
    explicit SqlPolicyStore(SqlConnection &sql);

    void addPolicy(const StoredPolicy &policy) override;
    QList<StoredPolicy> policies(QStringList *damaged = nullptr) override;

private:
    SqlConnection &m_sql;
};

} // namespace Keel
