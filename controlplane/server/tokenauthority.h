#pragma once

#include "accessstore.h"
#include "wireerror.h"

#include <QObject>

#include <variant>

namespace Keel {

// A credential the control plane refused, and whom it belonged to when that is known
// (a revoked or expired token): what the audit log records.
struct AuthRefusal
{
    WireError error;
    QString principal;   // "token:<name>" or "unknown"
    QString principalId;
};

// Operator tokens: the first admin token at first start, bearer authentication, and the
// token management requests (admin only; the session checks the role).
class TokenAuthority final : public QObject
{
    Q_OBJECT

public:
    explicit TokenAuthority(AccessStore &store, QObject *parent = nullptr);

    // When the store holds no operator token yet, creates an admin token and writes it to
    // `path` with mode 0600. Returns true when it created one. Throws StoreError.
    bool bootstrapAdminToken(const QString &path, QString *error);
    // Throws StoreError.
    std::variant<OperatorTokenRecord, AuthRefusal> authenticate(const QString &bearerToken);

    // Throw StoreError.
    std::variant<CreatedToken, WireError> create(Role role, const QString &name, int ttlSeconds);
    QList<OperatorToken> list();
    std::variant<OperatorToken, WireError> revoke(const QString &id);

    static QString principalOf(const OperatorTokenRecord &record) { return QStringLiteral("token:") + record.name; }

signals:
    // A token was revoked: sessions authenticated by it close.
    void revoked(const QString &id);

private:
    AccessStore &m_store;
};

} // namespace Keel
