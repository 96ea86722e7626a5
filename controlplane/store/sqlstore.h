#pragma once

#include "store.h"

#include <functional>
#include <memory>

namespace Keel {

class SqlAccessStore;
class SqlConnection;
class SqlDeploymentStore;
class SqlMetricsStore;
class SqlRegistryStore;
class SqlRolloutStore;
class SqlPolicyStore;

// Store over QtSql. Opens (creating if needed) an SQLite file and brings its schema up to
// date with the versioned migrations (SqlConnection). Only the connection knows it is
// SQLite (WAL, pragmas); the queries are portable. Each area of the store beyond
// topology and nodes is a class of its own over the same connection.
class SqlStore final : public Store
{
public:
    // Throws StoreError with the file and the driver's message when it cannot open.
    explicit SqlStore(const QString &sqlitePath);
    ~SqlStore() override;

    SqlStore(const SqlStore &) = delete;
    SqlStore &operator=(const SqlStore &) = delete;

    int schemaVersion() override;
    // How long each statement took (see SqlConnection::setStatementObserver).
    void setStatementObserver(std::function<void(double seconds)> observer);

    QList<Region> regions() override;
    std::optional<Region> region(const QString &name) override;
    TopologyApplied applyTopology(const QList<Region> &regions, const QDateTime &now) override;

    QList<NodeRecord> nodes() override;
    std::optional<NodeRecord> node(const QString &name) override;
    void upsertNode(const NodeRecord &record) override;
    void recordLastSeen(const QHash<QString, QDateTime> &lastSeen) override;

    void addJoinToken(const JoinTokenRecord &record) override;
    std::optional<JoinTokenRecord> joinToken(const QByteArray &tokenHash) override;
    JoinTokenUse consumeJoinToken(const QByteArray &tokenHash, const QString &region,
                                  const QDateTime &now) override;
    JoinTokenUse enrollNode(const NodeRecord &record, const QByteArray &tokenHash,
                            const QDateTime &now) override;

    AccessStore &access() override;
    RegistryStore &registry() override;
    DeploymentStore &deployments() override;
    RolloutStore &rollouts() override;
    PolicyStore &policies() override;
    MetricsStore &metrics() override;

private:
    // Both run inside a caller's transaction.
    JoinTokenUse spendJoinToken(const QByteArray &tokenHash, const QString &region, const QDateTime &now);
    void writeNode(const NodeRecord &record);
    std::unique_ptr<SqlConnection> m_sql;
    std::unique_ptr<SqlAccessStore> m_access;
    std::unique_ptr<SqlRegistryStore> m_registry;
    std::unique_ptr<SqlDeploymentStore> m_deployments;
    std::unique_ptr<SqlRolloutStore> m_rollouts;
    std::unique_ptr<SqlPolicyStore> m_policies;
    std::unique_ptr<SqlMetricsStore> m_metrics;
};

} // namespace Keel
