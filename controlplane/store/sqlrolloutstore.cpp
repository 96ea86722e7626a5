#include "sqlrolloutstore.h"

#include "rolloutjson.h"
#include "sqlconnection.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QVariant>

namespace Keel {

SqlRolloutStore::SqlRolloutStore(SqlConnection &sql)
    : m_sql(sql)
{
}

void SqlRolloutStore::putRollout(const Rollout &rollout)
{
    const QString document = QString::fromUtf8(QJsonDocument(RolloutJson::toJson(rollout)).toJson(QJsonDocument::Compact));
    m_sql.run(QStringLiteral("INSERT INTO rollouts (id, component, state, created_ms, updated_ms, document)"
                             " VALUES (?, ?, ?, ?, ?, ?)"
                             " ON CONFLICT (id) DO UPDATE SET state = excluded.state,"
                             " updated_ms = excluded.updated_ms, document = excluded.document"),
              {rollout.id, rollout.spec.component, toText(rollout.state), SqlConnection::toMs(rollout.created),
               SqlConnection::toMs(rollout.updated), document});
}

QList<Rollout> SqlRolloutStore::rollouts(QStringList *damaged)
{
    QList<Rollout> result;
    QSqlQuery q = m_sql.run(QStringLiteral("SELECT id, document FROM rollouts ORDER BY created_ms, id"));
    while (q.next()) {
        QString error;
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(q.value(1).toString().toUtf8(), &parseError);
        auto rollout = document.isObject() ? RolloutJson::fromJson(document.object(), &error) : std::nullopt;
        if (!rollout) {
            if (damaged)
                damaged->append(QStringLiteral("%1: %2").arg(q.value(0).toString(),
                                                             error.isEmpty() ? parseError.errorString() : error));
            continue;
        }
        result.append(std::move(*rollout));
    }
    return result;
}

} // namespace Keel
