#include "sqlpolicystore.h"

#include "policyjson.h"
#include "sqlconnection.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QVariant>

namespace Keel {

namespace {

QString document(const ResidencyPolicy &policy)
{
    const QJsonObject o{{QStringLiteral("name"), QString::fromStdString(policy.name)},
                        {QStringLiteral("default_subject"), QString::fromStdString(policy.defaultSubject)},
                        {QStringLiteral("rules"), PolicyJson::toJson(policy.rules)}};
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

std::optional<ResidencyPolicy> policyFrom(const QByteArray &text, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
    if (!doc.isObject()) {
        *error = parseError.errorString();
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    ResidencyPolicy policy;
    policy.name = o.value(QStringLiteral("name")).toString().toStdString();
    policy.defaultSubject = o.value(QStringLiteral("default_subject")).toString().toStdString();
    auto rules = PolicyJson::rulesFromJson(o.value(QStringLiteral("rules")).toArray(), error);
    if (!rules)
        return std::nullopt;
    policy.rules = std::move(*rules);
    return policy;
}

} // namespace

SqlPolicyStore::SqlPolicyStore(SqlConnection &sql)
    : m_sql(sql)
{
}

void SqlPolicyStore::addPolicy(const StoredPolicy &stored)
{
    const ResidencyPolicy &policy = stored.policy;
    m_sql.run(QStringLiteral("INSERT INTO policies (version, applied_ms, applied_by, diff, document) VALUES (?, ?, ?, ?, ?)"),
              {qint64(policy.version), qint64(policy.appliedUnixMs), QString::fromStdString(policy.appliedBy), stored.diff,
               document(policy)});
}

QList<StoredPolicy> SqlPolicyStore::policies(QStringList *damaged)
{
    QList<StoredPolicy> result;
    QSqlQuery q = m_sql.run(QStringLiteral("SELECT version, applied_ms, applied_by, diff, document FROM policies ORDER BY version"));
    while (q.next()) {
        QString error;
        auto policy = policyFrom(q.value(4).toString().toUtf8(), &error);
        if (!policy) {
            if (damaged)
                damaged->append(QStringLiteral("version %1: %2").arg(q.value(0).toString(), error));
            continue;
        }
        policy->version = quint64(q.value(0).toLongLong());
        policy->appliedUnixMs = q.value(1).toLongLong();
        policy->appliedBy = q.value(2).toString().toStdString();
        result.append({std::move(*policy), q.value(3).toString()});
    }
    return result;
}

} // namespace Keel
