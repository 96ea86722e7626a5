#include "sqlregistrystore.h"

#include "sqlconnection.h"
#include "storeerror.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QVariant>

namespace Keel {

namespace {

const QString kColumns = QStringLiteral(
    "name, version, abi, manifest, module_digest, module_size, module_signature, aot_state, aot_digest,"
    " aot_size, aot_target, aot_error, aot_signature, pushed_ms, pushed_by");

// The manifest's lists, limits and config as one JSON column: they are read and written
// as a whole, never queried.
QString manifestToJson(const Manifest &m)
{
    QJsonObject config;
    for (auto it = m.config.cbegin(); it != m.config.cend(); ++it)
        config.insert(it.key(), it.value());
    QJsonObject object{
        {QStringLiteral("data_classes"), QJsonArray::fromStringList(m.dataClasses)},
        {QStringLiteral("grants"), QJsonArray::fromStringList(m.grants)},
        {QStringLiteral("memory_mb"), qint64(m.limits.memoryMb)},
        {QStringLiteral("deadline_ms"), qint64(m.limits.deadlineMs)},
        {QStringLiteral("max_response_bytes"), qint64(m.limits.maxResponseBytes)},
        {QStringLiteral("max_table_elements"), qint64(m.limits.maxTableElements)},
        {QStringLiteral("max_instances"), qint64(m.limits.maxInstances)},
        {QStringLiteral("config"), config},
    };
    // Only when set, like the rows written before health paths existed (no migration).
    if (!m.healthPath.isEmpty())
        object.insert(QStringLiteral("health_path"), m.healthPath);
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

void manifestFromJson(const QString &json, Manifest &m)
{
    const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
    for (const QJsonValue &v : o.value(QStringLiteral("data_classes")).toArray())
        m.dataClasses.append(v.toString());
    for (const QJsonValue &v : o.value(QStringLiteral("grants")).toArray())
        m.grants.append(v.toString());
    m.limits.memoryMb = quint32(o.value(QStringLiteral("memory_mb")).toInteger());
    m.limits.deadlineMs = quint32(o.value(QStringLiteral("deadline_ms")).toInteger());
    m.limits.maxResponseBytes = quint64(o.value(QStringLiteral("max_response_bytes")).toInteger());
    m.limits.maxTableElements = quint32(o.value(QStringLiteral("max_table_elements")).toInteger());
    m.limits.maxInstances = quint32(o.value(QStringLiteral("max_instances")).toInteger());
    const QJsonObject config = o.value(QStringLiteral("config")).toObject();
    for (auto it = config.begin(); it != config.end(); ++it)
        m.config.insert(it.key(), it.value().toString());
    m.healthPath = o.value(QStringLiteral("health_path")).toString(); // absent in older rows: none
}

ComponentRecord recordFromRow(const QSqlQuery &q)
{
    ComponentRecord record;
    ComponentVersion &v = record.version;
    v.manifest.name = q.value(0).toString();
    v.manifest.version = q.value(1).toString();
    const auto abi = componentAbiFromText(q.value(2).toString());
    const auto state = aotStateFromText(q.value(7).toString());
    if (!abi || !state) {
        throw StoreError(QStringLiteral("component %1@%2 has an unknown abi or aot state in the store")
                             .arg(v.manifest.name, v.manifest.version).toStdString());
    }
    v.manifest.abi = *abi;
    manifestFromJson(q.value(3).toString(), v.manifest);
    v.moduleDigest = q.value(4).toString();
    v.moduleSize = quint64(q.value(5).toLongLong());
    record.moduleSignature = QByteArray::fromHex(q.value(6).toString().toLatin1());
    v.aotState = *state;
    v.aotDigest = q.value(8).toString();
    v.aotSize = quint64(q.value(9).toLongLong());
    v.aotTarget = q.value(10).toString();
    v.aotError = q.value(11).toString();
    record.aotSignature = QByteArray::fromHex(q.value(12).toString().toLatin1());
    v.pushed = SqlConnection::fromMs(q.value(13).toLongLong());
    v.pushedBy = q.value(14).toString();
    return record;
}

} // namespace

SqlRegistryStore::SqlRegistryStore(SqlConnection &sql)
    : m_sql(sql)
{
}

RegistryStore::Insert SqlRegistryStore::insertVersion(const ComponentRecord &record)
{
    const ComponentVersion &v = record.version;
    SqlConnection::Transaction tx(m_sql);
    QSqlQuery existing = m_sql.run(QStringLiteral("SELECT module_digest FROM component_versions WHERE name = ? AND version = ?"),
                                   {v.manifest.name, v.manifest.version});
    if (existing.next())
        return existing.value(0).toString() == v.moduleDigest ? Insert::SameBytes : Insert::OtherBytes;
    existing.finish();
    m_sql.run(QStringLiteral("INSERT INTO component_versions (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").arg(kColumns),
              {v.manifest.name, v.manifest.version, toText(v.manifest.abi), manifestToJson(v.manifest), v.moduleDigest,
               qint64(v.moduleSize), QString::fromLatin1(record.moduleSignature.toHex()), toText(v.aotState), v.aotDigest,
               qint64(v.aotSize), v.aotTarget, v.aotError, QString::fromLatin1(record.aotSignature.toHex()),
               SqlConnection::toMs(v.pushed), v.pushedBy});
    tx.commit();
    return Insert::Created;
}

std::optional<ComponentRecord> SqlRegistryStore::version(const QString &name, const QString &version)
{
    QSqlQuery q = m_sql.run(QStringLiteral("SELECT %1 FROM component_versions WHERE name = ? AND version = ?").arg(kColumns),
                            {name, version});
    if (!q.next())
        return std::nullopt;
    return recordFromRow(q);
}

QList<ComponentRecord> SqlRegistryStore::versions(const QString &name)
{
    QList<ComponentRecord> records;
    QSqlQuery q = name.isEmpty()
        ? m_sql.run(QStringLiteral("SELECT %1 FROM component_versions ORDER BY name, pushed_ms, version").arg(kColumns))
        : m_sql.run(QStringLiteral("SELECT %1 FROM component_versions WHERE name = ? ORDER BY pushed_ms, version").arg(kColumns), {name});
    while (q.next())
        records.append(recordFromRow(q));
    return records;
}

QList<ComponentRecord> SqlRegistryStore::versionsWithAotState(AotState state)
{
    QList<ComponentRecord> records;
    QSqlQuery q = m_sql.run(QStringLiteral("SELECT %1 FROM component_versions WHERE aot_state = ? ORDER BY pushed_ms").arg(kColumns),
                            {toText(state)});
    while (q.next())
        records.append(recordFromRow(q));
    return records;
}

void SqlRegistryStore::setAotResult(const QString &name, const QString &version, AotState state, const QString &aotDigest,
                                    quint64 aotSize, const QString &target, const QString &error, const QByteArray &signature)
{
    m_sql.run(QStringLiteral("UPDATE component_versions SET aot_state = ?, aot_digest = ?, aot_size = ?, aot_target = ?,"
                             " aot_error = ?, aot_signature = ? WHERE name = ? AND version = ?"),
              {toText(state), aotDigest, qint64(aotSize), target, error, QString::fromLatin1(signature.toHex()), name, version});
}

} // namespace Keel
