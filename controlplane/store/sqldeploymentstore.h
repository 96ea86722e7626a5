#pragma once

#include "deploymentstore.h"

namespace Keel {

class SqlConnection;

// DeploymentStore over the control plane's SQL connection (owned by SqlStore).
class SqlDeploymentStore final : public DeploymentStore
{
public:
    explicit SqlDeploymentStore(SqlConnection &sql);

    quint64 revision() override;
    Deployment putDeployment(Deployment deployment) override;
    quint64 bumpRevision() override;
    QList<Deployment> deployments() override;
    void putNodeDesired(const QHash<QString, NodeDesiredRecord> &desired) override;
    QHash<QString, NodeDesiredRecord> nodeDesired() override;
    void putNodeStates(const QHash<QString, NodeStateRecord> &states) override;
    QHash<QString, NodeStateRecord> nodeStates() override;

private:
    // Inside the caller's transaction.
    quint64 nextRevision();

    SqlConnection &m_sql;
};

} // namespace Keel
