#pragma once

#include "accesstypes.h"

#include <QByteArray>

#include <optional>

namespace Keel {

struct OperatorTokenRecord
{
    QString id;
    QByteArray tokenHash; // sha256 of the secret; the secret itself is never stored
    QString name;
    Role role = Role::Viewer;
    QDateTime created;
    bool revoked = false;
    QDateTime expires; // invalid: never

    OperatorToken info() const { return {id, name, role, created, expires, revoked}; }
};

// Operator tokens and the audit log. Part of Store (Store::access()); portable SQL only.
class AccessStore
{
public:
    virtual ~AccessStore() = default;

    virtual void addOperatorToken(const OperatorTokenRecord &record) = 0;
    virtual std::optional<OperatorTokenRecord> operatorToken(const QByteArray &tokenHash) = 0;
    virtual QList<OperatorTokenRecord> operatorTokens() = 0; // oldest first
    virtual int operatorTokenCount() = 0;

    enum class Revoke { Revoked, Unknown, AlreadyRevoked, LastAdmin };
    // In one transaction: refuses to revoke the last admin token that is neither revoked
    // nor expired at `now`, so that the fleet never loses its last administrator.
    virtual Revoke revokeOperatorToken(const QString &id, const QDateTime &now) = 0;

    // Records are appended with the next sequence (1, 2, ...), which the caller assigns.
    virtual void appendAudit(const AuditRecord &record) = 0;
    virtual quint64 lastAuditSequence() = 0;
    // Oldest first, at most `limit`, at or after `since` (invalid: from the oldest kept)
    // and after sequence `afterSequence`.
    virtual QList<AuditRecord> audit(const QDateTime &since, quint64 afterSequence, int limit) = 0;
    // Drops records older than `before` but the newest; returns how many.
    virtual int pruneAudit(const QDateTime &before) = 0;
};

} // namespace Keel
