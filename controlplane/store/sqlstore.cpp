#include "sqlstore.h"

#include "sqlaccessstore.h"
#include "sqlconnection.h"
#include "sqldeploymentstore.h"
#include "sqlrolloutstore.h"
#include "sqlpolicystore.h"
#include "sqlmetricsstore.h"
#include "sqlregistrystore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QVariant>

namespace Keel {

namespace {

qint64 ms(const QDateTime &t) { return SqlConnection::toMs(t); }
QDateTime fromMs(qint64 v) { return SqlConnection::fromMs(v); }

QString labelsToJson(const Labels &labels)
{
    QJsonObject object;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        object.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

Labels labelsFromJson(const QString &json)
{
    Labels labels;
    const QJsonObject object = QJsonDocument::fromJson(json.toUtf8()).object();
    for (auto it = object.begin(); it != object.end(); ++it)
        labels.insert(it.key(), it.value().toString());
    return labels;
}

QString tiersToText(const QList<RuntimeTier> &tiers)
{
    QStringList names;
    for (RuntimeTier tier : tiers)
        names.append(toText(tier));
    return names.join(u',');
}

QList<RuntimeTier> tiersFromText(const QString &text)
{
    QList<RuntimeTier> tiers;
    for (const QString &name : text.split(u',', Qt::SkipEmptyParts)) {
        if (name == toText(RuntimeTier::Interpreter))
            tiers.append(RuntimeTier::Interpreter);
        else if (name == toText(RuntimeTier::Aot))
            tiers.append(RuntimeTier::Aot);
    }
    return tiers;
}

const QString kNodeColumns = QStringLiteral(
    "n.name, n.region, n.site, n.labels, n.public_key, n.agent_version, n.target_triple,"
    " n.tiers, n.http_endpoint, n.admin_endpoint, n.enrolled_ms, n.last_seen_ms, r.jurisdiction");

NodeRecord nodeFromRow(const QSqlQuery &q)
{
    NodeRecord record;
    Node &n = record.node;
    n.name = q.value(0).toString();
    n.region = q.value(1).toString();
    n.site = q.value(2).toString();
    n.labels = labelsFromJson(q.value(3).toString());
    record.publicKey = QByteArray::fromHex(q.value(4).toString().toLatin1());
    n.agentVersion = q.value(5).toString();
    n.targetTriple = q.value(6).toString();
    n.tiers = tiersFromText(q.value(7).toString());
    n.httpEndpoint = q.value(8).toString();
    n.adminEndpoint = q.value(9).toString();
    n.enrolled = fromMs(q.value(10).toLongLong());
    n.lastSeen = fromMs(q.value(11).toLongLong());
    n.jurisdiction = q.value(12).toString();
    return record;
}

} // namespace

SqlStore::SqlStore(const QString &sqlitePath)
    : m_sql(std::make_unique<SqlConnection>(sqlitePath))
    , m_access(std::make_unique<SqlAccessStore>(*m_sql))
    , m_registry(std::make_unique<SqlRegistryStore>(*m_sql))
    , m_deployments(std::make_unique<SqlDeploymentStore>(*m_sql))
    , m_rollouts(std::make_unique<SqlRolloutStore>(*m_sql))
    , m_policies(std::make_unique<SqlPolicyStore>(*m_sql))
    , m_metrics(std::make_unique<SqlMetricsStore>(*m_sql))
{
}

SqlStore::~SqlStore() = default;

int SqlStore::schemaVersion()
{
    return m_sql->schemaVersion();
}

void SqlStore::setStatementObserver(std::function<void(double seconds)> observer)
{
    m_sql->setStatementObserver(std::move(observer));
}

AccessStore &SqlStore::access()
{
    return *m_access;
}

RegistryStore &SqlStore::registry()
{
    return *m_registry;
}

RolloutStore &SqlStore::rollouts()
{
    return *m_rollouts;
}

PolicyStore &SqlStore::policies()
{
    return *m_policies;
}

DeploymentStore &SqlStore::deployments()
{
    return *m_deployments;
}

MetricsStore &SqlStore::metrics()
{
    return *m_metrics;
}

QList<Region> SqlStore::regions()
{
    QList<Region> result;
    QHash<QString, int> index;
    QSqlQuery q = m_sql->run(QStringLiteral("SELECT name, jurisdiction, latitude, longitude FROM regions ORDER BY name"));
    while (q.next()) {
        index.insert(q.value(0).toString(), int(result.size()));
        result.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toDouble(), q.value(3).toDouble(), {}});
    }
    QSqlQuery s = m_sql->run(QStringLiteral("SELECT region, name FROM sites ORDER BY region, name"));
    while (s.next()) {
        const auto it = index.constFind(s.value(0).toString());
        if (it != index.cend())
            result[*it].sites.append(s.value(1).toString());
    }
    return result;
}

std::optional<Region> SqlStore::region(const QString &name)
{
    QSqlQuery q = m_sql->run(QStringLiteral("SELECT name, jurisdiction, latitude, longitude FROM regions WHERE name = ?"), {name});
    if (!q.next())
        return std::nullopt;
    Region region{q.value(0).toString(), q.value(1).toString(), q.value(2).toDouble(), q.value(3).toDouble(), {}};
    QSqlQuery s = m_sql->run(QStringLiteral("SELECT name FROM sites WHERE region = ? ORDER BY name"), {name});
    while (s.next())
        region.sites.append(s.value(0).toString());
    return region;
}

TopologyApplied SqlStore::applyTopology(const QList<Region> &regions, const QDateTime &now)
{
    TopologyApplied applied;
    SqlConnection::Transaction tx(*m_sql);
    for (const Region &region : regions) {
        QSqlQuery exists = m_sql->run(QStringLiteral("SELECT 1 FROM regions WHERE name = ?"), {region.name});
        const bool known = exists.next();
        exists.finish();
        m_sql->run(QStringLiteral("INSERT INTO regions (name, jurisdiction, latitude, longitude, created_ms, updated_ms)"
                                 " VALUES (?, ?, ?, ?, ?, ?)"
                                 " ON CONFLICT (name) DO UPDATE SET jurisdiction = excluded.jurisdiction,"
                                 " latitude = excluded.latitude, longitude = excluded.longitude,"
                                 " updated_ms = excluded.updated_ms"),
            {region.name, region.jurisdiction, region.latitude, region.longitude, ms(now), ms(now)});
        known ? ++applied.regionsUpdated : ++applied.regionsCreated;
        for (const QString &site : region.sites) {
            QSqlQuery q = m_sql->run(QStringLiteral("INSERT INTO sites (region, name) VALUES (?, ?) ON CONFLICT DO NOTHING"),
                              {region.name, site});
            if (q.numRowsAffected() > 0)
                ++applied.sitesCreated;
        }
    }
    tx.commit();
    return applied;
}

QList<NodeRecord> SqlStore::nodes()
{
    QList<NodeRecord> result;
    QSqlQuery q = m_sql->run(QStringLiteral("SELECT %1 FROM nodes n JOIN regions r ON r.name = n.region ORDER BY n.name").arg(kNodeColumns));
    while (q.next())
        result.append(nodeFromRow(q));
    return result;
}

std::optional<NodeRecord> SqlStore::node(const QString &name)
{
    QSqlQuery q = m_sql->run(QStringLiteral("SELECT %1 FROM nodes n JOIN regions r ON r.name = n.region WHERE n.name = ?").arg(kNodeColumns), {name});
    if (!q.next())
        return std::nullopt;
    return nodeFromRow(q);
}

void SqlStore::upsertNode(const NodeRecord &record)
{
    writeNode(record);
}

void SqlStore::writeNode(const NodeRecord &record)
{
    const Node &n = record.node;
    m_sql->run(QStringLiteral("INSERT INTO nodes (name, region, site, labels, public_key, agent_version, target_triple,"
                             " tiers, http_endpoint, admin_endpoint, enrolled_ms, last_seen_ms)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                             " ON CONFLICT (name) DO UPDATE SET region = excluded.region, site = excluded.site,"
                             " labels = excluded.labels, public_key = excluded.public_key,"
                             " agent_version = excluded.agent_version, target_triple = excluded.target_triple,"
                             " tiers = excluded.tiers, http_endpoint = excluded.http_endpoint,"
                             " admin_endpoint = excluded.admin_endpoint, last_seen_ms = excluded.last_seen_ms"),
        {n.name, n.region, n.site, labelsToJson(n.labels), QString::fromLatin1(record.publicKey.toHex()),
         n.agentVersion, n.targetTriple, tiersToText(n.tiers), n.httpEndpoint, n.adminEndpoint,
         ms(n.enrolled), ms(n.lastSeen)});
}

void SqlStore::recordLastSeen(const QHash<QString, QDateTime> &lastSeen)
{
    if (lastSeen.isEmpty())
        return;
    SqlConnection::Transaction tx(*m_sql);
    SqlConnection::Statement update(*m_sql, QStringLiteral("UPDATE nodes SET last_seen_ms = ? WHERE name = ?"));
    for (auto it = lastSeen.cbegin(); it != lastSeen.cend(); ++it)
        update.run({ms(it.value()), it.key()});
    tx.commit();
}

void SqlStore::addJoinToken(const JoinTokenRecord &record)
{
    m_sql->run(QStringLiteral("INSERT INTO join_tokens (id, token_hash, region, uses_left, expires_ms, created_ms, site, labels)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
        {record.id, QString::fromLatin1(record.tokenHash.toHex()), record.region, record.usesLeft,
         ms(record.expires), ms(record.created), record.site,
         record.labels.isEmpty() ? QString() : labelsToJson(record.labels)});
}

std::optional<JoinTokenRecord> SqlStore::joinToken(const QByteArray &tokenHash)
{
    QSqlQuery q = m_sql->run(QStringLiteral("SELECT id, region, uses_left, expires_ms, created_ms, site, labels"
                                            " FROM join_tokens WHERE token_hash = ?"),
                             {QString::fromLatin1(tokenHash.toHex())});
    if (!q.next())
        return std::nullopt;
    JoinTokenRecord record;
    record.id = q.value(0).toString();
    record.tokenHash = tokenHash;
    record.region = q.value(1).toString();
    record.usesLeft = q.value(2).toInt();
    record.expires = fromMs(q.value(3).toLongLong());
    record.created = fromMs(q.value(4).toLongLong());
    record.site = q.value(5).toString();
    if (const QString labels = q.value(6).toString(); !labels.isEmpty())
        record.labels = labelsFromJson(labels);
    return record;
}

JoinTokenUse SqlStore::consumeJoinToken(const QByteArray &tokenHash, const QString &region, const QDateTime &now)
{
    SqlConnection::Transaction tx(*m_sql);
    const JoinTokenUse use = spendJoinToken(tokenHash, region, now);
    if (use == JoinTokenUse::Consumed)
        tx.commit();
    return use;
}

JoinTokenUse SqlStore::enrollNode(const NodeRecord &record, const QByteArray &tokenHash, const QDateTime &now)
{
    SqlConnection::Transaction tx(*m_sql);
    const JoinTokenUse use = spendJoinToken(tokenHash, record.node.region, now);
    if (use != JoinTokenUse::Consumed)
        return use;
    writeNode(record);
    tx.commit();
    return use;
}

JoinTokenUse SqlStore::spendJoinToken(const QByteArray &tokenHash, const QString &region, const QDateTime &now)
{
    const QString hash = QString::fromLatin1(tokenHash.toHex());
    QSqlQuery q = m_sql->run(QStringLiteral("SELECT region, uses_left, expires_ms FROM join_tokens WHERE token_hash = ?"), {hash});
    if (!q.next())
        return JoinTokenUse::Unknown;
    const QString tokenRegion = q.value(0).toString();
    const int usesLeft = q.value(1).toInt();
    const qint64 expires = q.value(2).toLongLong();
    q.finish();
    if (tokenRegion != region)
        return JoinTokenUse::WrongRegion;
    if (expires <= ms(now))
        return JoinTokenUse::Expired;
    if (usesLeft <= 0)
        return JoinTokenUse::UsedUp;
    // The guard on uses_left keeps two concurrent replicas from spending the last use twice.
    QSqlQuery u = m_sql->run(QStringLiteral("UPDATE join_tokens SET uses_left = uses_left - 1 WHERE token_hash = ? AND uses_left > 0"), {hash});
    return u.numRowsAffected() == 1 ? JoinTokenUse::Consumed : JoinTokenUse::UsedUp;
}

} // namespace Keel
