#include "sqlaccessstore.h"

#include "sqlconnection.h"
#include "storeerror.h"

#include <QVariant>

namespace Keel {

namespace {

const QString kTokenColumns = QStringLiteral("id, token_hash, name, role, created_ms, revoked_ms, expires_ms");

OperatorTokenRecord tokenFromRow(const QSqlQuery &q)
{
    OperatorTokenRecord record;
    record.id = q.value(0).toString();
    record.tokenHash = QByteArray::fromHex(q.value(1).toString().toLatin1());
    record.name = q.value(2).toString();
    const int role = q.value(3).toInt();
    if (role < int(Role::Viewer) || role > int(Role::Admin))
        throw StoreError(QStringLiteral("operator token %1 has an unknown role %2").arg(record.id).arg(role).toStdString());
    record.role = Role(role);
    record.created = SqlConnection::fromMs(q.value(4).toLongLong());
    record.revoked = !q.value(5).isNull();
    record.expires = q.value(6).isNull() ? QDateTime() : SqlConnection::fromMs(q.value(6).toLongLong());
    return record;
}

QVariant optionalMs(const QDateTime &t)
{
    return t.isValid() ? QVariant(SqlConnection::toMs(t)) : QVariant(QMetaType(QMetaType::LongLong));
}

} // namespace

SqlAccessStore::SqlAccessStore(SqlConnection &sql)
    : m_sql(sql)
{
}

void SqlAccessStore::addOperatorToken(const OperatorTokenRecord &record)
{
    m_sql.run(QStringLiteral("INSERT INTO operator_tokens (id, token_hash, name, role, created_ms, revoked_ms, expires_ms)"
                             " VALUES (?, ?, ?, ?, ?, NULL, ?)"),
              {record.id, QString::fromLatin1(record.tokenHash.toHex()), record.name, int(record.role),
               SqlConnection::toMs(record.created), optionalMs(record.expires)});
}

std::optional<OperatorTokenRecord> SqlAccessStore::operatorToken(const QByteArray &tokenHash)
{
    QSqlQuery q = m_sql.run(QStringLiteral("SELECT %1 FROM operator_tokens WHERE token_hash = ?").arg(kTokenColumns),
                            {QString::fromLatin1(tokenHash.toHex())});
    if (!q.next())
        return std::nullopt;
    return tokenFromRow(q);
}

QList<OperatorTokenRecord> SqlAccessStore::operatorTokens()
{
    QList<OperatorTokenRecord> tokens;
    QSqlQuery q = m_sql.run(QStringLiteral("SELECT %1 FROM operator_tokens ORDER BY created_ms, id").arg(kTokenColumns));
    while (q.next())
        tokens.append(tokenFromRow(q));
    return tokens;
}

int SqlAccessStore::operatorTokenCount()
{
    QSqlQuery q = m_sql.run(QStringLiteral("SELECT COUNT(*) FROM operator_tokens"));
    return q.next() ? q.value(0).toInt() : 0;
}

AccessStore::Revoke SqlAccessStore::revokeOperatorToken(const QString &id, const QDateTime &now)
{
    SqlConnection::Transaction tx(m_sql);
    QSqlQuery q = m_sql.run(QStringLiteral("SELECT role, revoked_ms, expires_ms FROM operator_tokens WHERE id = ?"), {id});
    if (!q.next())
        return Revoke::Unknown;
    const int role = q.value(0).toInt();
    const bool revoked = !q.value(1).isNull();
    q.finish();
    if (revoked)
        return Revoke::AlreadyRevoked;
    if (role == int(Role::Admin)) {
        QSqlQuery admins = m_sql.run(QStringLiteral("SELECT COUNT(*) FROM operator_tokens WHERE role = ? AND revoked_ms IS NULL"
                                                    " AND (expires_ms IS NULL OR expires_ms > ?) AND id <> ?"),
                                     {int(Role::Admin), SqlConnection::toMs(now), id});
        if (!admins.next() || admins.value(0).toInt() == 0)
            return Revoke::LastAdmin;
    }
    m_sql.run(QStringLiteral("UPDATE operator_tokens SET revoked_ms = ? WHERE id = ?"), {SqlConnection::toMs(now), id});
    tx.commit();
    return Revoke::Revoked;
}

void SqlAccessStore::appendAudit(const AuditRecord &record)
{
    m_sql.run(QStringLiteral("INSERT INTO audit_log (seq, time_ms, principal, principal_id, action, target, result)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?)"),
              {qint64(record.sequence), SqlConnection::toMs(record.time), record.principal, record.principalId,
               record.action, record.target, record.result});
}

quint64 SqlAccessStore::lastAuditSequence()
{
    QSqlQuery q = m_sql.run(QStringLiteral("SELECT COALESCE(MAX(seq), 0) FROM audit_log"));
    return q.next() ? quint64(q.value(0).toLongLong()) : 0;
}

QList<AuditRecord> SqlAccessStore::audit(const QDateTime &since, quint64 afterSequence, int limit)
{
    QList<AuditRecord> records;
    QSqlQuery q = m_sql.run(QStringLiteral("SELECT seq, time_ms, principal, principal_id, action, target, result FROM audit_log"
                                           " WHERE time_ms >= ? AND seq > ? ORDER BY seq LIMIT ?"),
                            {SqlConnection::toMs(since), qint64(afterSequence), limit});
    while (q.next()) {
        records.append({quint64(q.value(0).toLongLong()), SqlConnection::fromMs(q.value(1).toLongLong()),
                        q.value(2).toString(), q.value(3).toString(), q.value(4).toString(), q.value(5).toString(),
                        q.value(6).toString()});
    }
    return records;
}

int SqlAccessStore::pruneAudit(const QDateTime &before)
{
    // The newest record always stays: it carries the sequence the next one continues.
    QSqlQuery q = m_sql.run(QStringLiteral("DELETE FROM audit_log WHERE time_ms < ?"
                                           " AND seq < (SELECT MAX(seq) FROM audit_log)"),
                            {SqlConnection::toMs(before)});
    return q.numRowsAffected();
}

} // namespace Keel
