#pragma once

#include "fleettypes.h"

#include <QByteArray>
#include <QHash>

#include <optional>
#include <stdexcept>

namespace Keel {

// A store failure the caller cannot fix by changing its input (disk full, locked file,
// corrupt database). Thrown by Store implementations; request handlers turn it into an
// INTERNAL error and a counter, never a crash.
class StoreError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

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
};

struct OperatorTokenRecord
{
    QString id;
    QByteArray tokenHash;
    QString name;
    Role role = Role::Viewer;
    QDateTime created;
    bool revoked = false;
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
    // Atomically checks and uses one use of the token.
    virtual JoinTokenUse consumeJoinToken(const QByteArray &tokenHash, const QString &region,
                                          const QDateTime &now) = 0;
    // Spends one use of the token and stores the new node in one transaction: either both
    // happen or neither does. Returns Consumed when the node was stored.
    virtual JoinTokenUse enrollNode(const NodeRecord &record, const QByteArray &tokenHash,
                                    const QDateTime &now) = 0;

    virtual void addOperatorToken(const OperatorTokenRecord &record) = 0;
    virtual std::optional<OperatorTokenRecord> operatorToken(const QByteArray &tokenHash) = 0;
    virtual int operatorTokenCount() = 0;
};

} // namespace Keel
