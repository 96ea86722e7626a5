#include "tokenauthority.h"

#include "secrets.h"

#include <QFile>

namespace Keel {

TokenAuthority::TokenAuthority(Store &store)
    : m_store(store)
{
}

bool TokenAuthority::bootstrapAdminToken(const QString &path, QString *error)
{
    if (m_store.operatorTokenCount() > 0)
        return false;
    const QString token = Secrets::generateToken(QStringLiteral("kop"));
    QFile file(path);
    // Create it private before a single byte of the secret is written.
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        && !(file.remove() && file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner))) {
        *error = QStringLiteral("cannot write the admin token file %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(token.toUtf8() + '\n');
    file.close();
    m_store.addOperatorToken({Secrets::newId(), Secrets::hash(token), QStringLiteral("bootstrap-admin"), Role::Admin,
                              QDateTime::currentDateTimeUtc(), false});
    return true;
}

std::variant<OperatorTokenRecord, WireError> TokenAuthority::authenticate(const QString &bearerToken)
{
    if (bearerToken.isEmpty()) {
        return WireError{ErrorCode::Unauthenticated,
                         QStringLiteral("no operator token: pass --token or set KEEL_TOKEN (the first admin token is in the control plane's data dir, admin.token)"), {}};
    }
    const auto record = m_store.operatorToken(Secrets::hash(bearerToken));
    if (!record)
        return WireError{ErrorCode::Unauthenticated, QStringLiteral("the operator token is not known to this control plane: check --token / KEEL_TOKEN"), {}};
    if (record->revoked)
        return WireError{ErrorCode::Unauthenticated, QStringLiteral("the operator token %1 has been revoked: ask an admin for a new one").arg(record->name), {}};
    return *record;
}

} // namespace Keel
