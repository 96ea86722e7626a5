#pragma once

#include "accessstore.h"
#include "deploymentstore.h"
#include "fleettypes.h"
#include "metricsstore.h"
#include "policystore.h"
#include "registrystore.h"
#include "rolloutstore.h"
#include "storeerror.h"

#include <QByteArray>
#include <QHash>

#include <optional>

namespace Keel {

struct NodeRecord
{
    Node node;               // status is not persisted: liveness lives in memory
    QByteArray publicKey;    // ed25519, 32 bytes
};

struct JoinTokenRecord
{
    QString id;
    QByteArray tokenHash;    // sha256 of the secret
    QString region;
    int usesLeft = 1;
    QDateTime expires;
    QDateTime created;
    // The token's scope: what a node enrolling with it gets, whatever it claims. Empty: the
    // node's own --site / --labels.
    QString site;
    Labels labels;
};

enum class JoinTokenUse { Consumed, Unknown, Expired, UsedUp, WrongRegion };

// All persistence of the control plane. Business code sees only this interface; the SQL
// behind it is portable (SQLite today, PostgreSQL through the same QtSql layer later).
// Every method that changes more than one row does so in one transaction.
class Store
{
public:
    virtual ~Store() = default;

    virtual int schemaVersion() = 0;

    virtual QList<Region> regions() = 0;
    virtual std::optional<Region> region(const QString &name) = 0;
    // Upserts the regions and their sites; regions not named are left alone.
    virtual TopologyApplied applyTopology(const QList<Region> &regions, const QDateTime &now) = 0;

    virtual QList<NodeRecord> nodes() = 0;
    virtual std::optional<NodeRecord> node(const QString &name) = 0;
    virtual void upsertNode(const NodeRecord &record) = 0;
    virtual void recordLastSeen(const QHash<QString, QDateTime> &lastSeen) = 0;

    virtual void addJoinToken(const JoinTokenRecord &record) = 0;
    virtual std::optional<JoinTokenRecord> joinToken(const QByteArray &tokenHash) = 0;
    // Atomically checks and uses one use of the token.
    virtual JoinTokenUse consumeJoinToken(const QByteArray &tokenHash, const QString &region,
                                          const QDateTime &now) = 0;
    // Spends one use of the token and stores the new node in one transaction: either both
    // happen or neither does. Returns Consumed when the node was stored.
    virtual JoinTokenUse enrollNode(const NodeRecord &record, const QByteArray &tokenHash,
                                    const QDateTime &now) = 0;

    // Operator tokens and the audit log.
    virtual AccessStore &access() = 0;
    // Component versions (the bytes live in a BlobStore).
    virtual RegistryStore &registry() = 0;
    // Deployments, the desired-state revision, and what nodes acknowledged.
    virtual DeploymentStore &deployments() = 0;
    // Minute points of the fleet's metrics.
    virtual MetricsStore &metrics() = 0;
    // Rollouts, each transition written before it is acted on.
    virtual RolloutStore &rollouts() = 0;
    // Every version of the residency policy.
    virtual PolicyStore &policies() = 0;
};

} // namespace Keel
