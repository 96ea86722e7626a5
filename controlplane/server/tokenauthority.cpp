#include "tokenauthority.h"

#include "fleetvalidation.h"
#include "secrets.h"

#include <QFile>

namespace Keel {

namespace {

// Names longer than any valid one are cut in the answer: it echoes, never floods.
constexpr qsizetype kMaxNameEcho = 80;

} // namespace

TokenAuthority::TokenAuthority(AccessStore &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
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
    OperatorTokenRecord record;
    record.id = Secrets::newId();
    record.tokenHash = Secrets::hash(token);
    record.name = QStringLiteral("bootstrap-admin");
    record.role = Role::Admin;
    record.created = QDateTime::currentDateTimeUtc();
    m_store.addOperatorToken(record);
    return true;
}

std::variant<OperatorTokenRecord, AuthRefusal> TokenAuthority::authenticate(const QString &bearerToken)
{
    const QString unknown = QStringLiteral("unknown");
    if (bearerToken.isEmpty()) {
        return AuthRefusal{{ErrorCode::Unauthenticated,
                            QStringLiteral("no operator token: pass --token or set KEEL_TOKEN (the first admin token is in the control plane's data dir, admin.token)"), {}},
                           unknown, {}};
    }
    const auto record = m_store.operatorToken(Secrets::hash(bearerToken));
    if (!record) {
        return AuthRefusal{{ErrorCode::Unauthenticated, QStringLiteral("the operator token is not known to this control plane: check --token / KEEL_TOKEN"), {}},
                           unknown, {}};
    }
    if (record->revoked) {
        return AuthRefusal{{ErrorCode::Unauthenticated, QStringLiteral("the operator token %1 has been revoked: ask an admin for a new one").arg(record->name), {}},
                           principalOf(*record), record->id};
    }
    if (record->expires.isValid() && record->expires <= QDateTime::currentDateTimeUtc()) {
        return AuthRefusal{{ErrorCode::Unauthenticated,
                            QStringLiteral("the operator token %1 expired at %2: ask an admin for a new one")
                                .arg(record->name, record->expires.toString(Qt::ISODate)), {}},
                           principalOf(*record), record->id};
    }
    return *record;
}

std::variant<CreatedToken, WireError> TokenAuthority::create(Role role, const QString &name, int ttlSeconds)
{
    if (const auto problem = FleetValidation::checkName(QStringLiteral("token name"), name.left(kMaxNameEcho)))
        return WireError{ErrorCode::BadRequest, *problem + QStringLiteral(", e.g. ci-deployer"), QStringLiteral("name")};
    if (ttlSeconds < 0)
        return WireError{ErrorCode::BadRequest, QStringLiteral("ttl %1 s is negative").arg(ttlSeconds), QStringLiteral("ttl_seconds")};
    const QString secret = Secrets::generateToken(QStringLiteral("kop"));
    OperatorTokenRecord record;
    record.id = Secrets::newId();
    record.tokenHash = Secrets::hash(secret);
    record.name = name;
    record.role = role;
    record.created = QDateTime::currentDateTimeUtc();
    if (ttlSeconds > 0)
        record.expires = record.created.addSecs(ttlSeconds);
    m_store.addOperatorToken(record);
    return CreatedToken{secret, record.info()};
}

QList<OperatorToken> TokenAuthority::list()
{
    QList<OperatorToken> tokens;
    for (const OperatorTokenRecord &record : m_store.operatorTokens())
        tokens.append(record.info());
    return tokens;
}

std::variant<OperatorToken, WireError> TokenAuthority::revoke(const QString &id)
{
    const auto field = QStringLiteral("id");
    switch (m_store.revokeOperatorToken(id, QDateTime::currentDateTimeUtc())) {
    case AccessStore::Revoke::Revoked:
        break;
    case AccessStore::Revoke::Unknown:
        return WireError{ErrorCode::NotFound, QStringLiteral("no operator token with id \"%1\": see keelctl token list").arg(id.left(64)), field};
    case AccessStore::Revoke::AlreadyRevoked:
        return WireError{ErrorCode::FailedPrecondition, QStringLiteral("operator token %1 is already revoked").arg(id), field};
    case AccessStore::Revoke::LastAdmin:
        return WireError{ErrorCode::FailedPrecondition,
                         QStringLiteral("operator token %1 is the last usable admin token: create another admin token first").arg(id), field};
    }
    OperatorToken token;
    for (const OperatorTokenRecord &record : m_store.operatorTokens()) {
        if (record.id == id)
            token = record.info();
    }
    emit revoked(id);
    return token;
}

} // namespace Keel
