#include "sqldeploymentstore.h"

#include "sqlconnection.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QVariant>

namespace Keel {

namespace {

const QString kRevision = QStringLiteral("desired_state");

QJsonArray statusesToJson(const QList<ComponentStatus> &statuses)
{
    QJsonArray array;
    for (const ComponentStatus &s : statuses) {
        array.append(QJsonObject{{QStringLiteral("name"), s.name},
                                 {QStringLiteral("version"), s.version},
                                 {QStringLiteral("state"), toText(s.state)},
                                 {QStringLiteral("tier"), s.tier ? toText(*s.tier) : QString()},
                                 {QStringLiteral("error"), s.error}});
    }
    return array;
}

QList<ComponentStatus> statusesFromJson(const QJsonArray &array)
{
    QList<ComponentStatus> statuses;
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        ComponentStatus s;
        s.name = o.value(QStringLiteral("name")).toString();
        s.version = o.value(QStringLiteral("version")).toString();
        const QString state = o.value(QStringLiteral("state")).toString();
        s.state = state == toText(ComponentStatus::State::Running) ? ComponentStatus::State::Running
                  : state == toText(ComponentStatus::State::Failed) ? ComponentStatus::State::Failed
                                                                    : ComponentStatus::State::Pending;
        const QString tier = o.value(QStringLiteral("tier")).toString();
        if (tier == toText(RuntimeTier::Aot))
            s.tier = RuntimeTier::Aot;
        else if (tier == toText(RuntimeTier::Interpreter))
            s.tier = RuntimeTier::Interpreter;
        s.error = o.value(QStringLiteral("error")).toString();
        statuses.append(s);
    }
    return statuses;
}

} // namespace

SqlDeploymentStore::SqlDeploymentStore(SqlConnection &sql)
    : m_sql(sql)
{
}

quint64 SqlDeploymentStore::revision()
{
    QSqlQuery q = m_sql.run(QStringLiteral("SELECT value FROM revisions WHERE name = ?"), {kRevision});
    return q.next() ? quint64(q.value(0).toLongLong()) : 0;
}

quint64 SqlDeploymentStore::nextRevision()
{
    m_sql.run(QStringLiteral("INSERT INTO revisions (name, value) VALUES (?, 1)"
                             " ON CONFLICT (name) DO UPDATE SET value = revisions.value + 1"),
              {kRevision});
    return revision();
}

Deployment SqlDeploymentStore::putDeployment(Deployment deployment)
{
    SqlConnection::Transaction tx(m_sql);
    deployment.sequence = nextRevision();
    m_sql.run(QStringLiteral("DELETE FROM deployments WHERE component = ? AND selector = ?"),
              {deployment.component, deployment.selector});
    m_sql.run(QStringLiteral("INSERT INTO deployments (seq, component, version, selector, created_ms, created_by, excluded)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?)"),
              {qint64(deployment.sequence), deployment.component, deployment.version, deployment.selector,
               SqlConnection::toMs(deployment.created), deployment.createdBy, deployment.excluded.join(u',')});
    tx.commit();
    return deployment;
}

quint64 SqlDeploymentStore::bumpRevision()
{
    SqlConnection::Transaction tx(m_sql);
    const quint64 value = nextRevision();
    tx.commit();
    return value;
}

QList<Deployment> SqlDeploymentStore::deployments()
{
    QList<Deployment> result;
    QSqlQuery q = m_sql.run(QStringLiteral("SELECT seq, component, version, selector, created_ms, created_by, excluded"
                                           " FROM deployments ORDER BY seq"));
    while (q.next()) {
        // Node names never hold a comma (FleetValidation).
        result.append({quint64(q.value(0).toLongLong()), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                       SqlConnection::fromMs(q.value(4).toLongLong()), q.value(5).toString(),
                       q.value(6).toString().split(u',', Qt::SkipEmptyParts)});
    }
    return result;
}

void SqlDeploymentStore::putNodeDesired(const QHash<QString, NodeDesiredRecord> &desired)
{
    if (desired.isEmpty())
        return;
    SqlConnection::Transaction tx(m_sql);
    SqlConnection::Statement upsert(m_sql, QStringLiteral("INSERT INTO node_desired (node, generation, fingerprint) VALUES (?, ?, ?)"
                                                          " ON CONFLICT (node) DO UPDATE SET generation = excluded.generation,"
                                                          " fingerprint = excluded.fingerprint"));
    for (auto it = desired.cbegin(); it != desired.cend(); ++it)
        upsert.run({it.key(), qint64(it->generation), it->fingerprint});
    tx.commit();
}

QHash<QString, NodeDesiredRecord> SqlDeploymentStore::nodeDesired()
{
    QHash<QString, NodeDesiredRecord> records;
    QSqlQuery q = m_sql.run(QStringLiteral("SELECT node, generation, fingerprint FROM node_desired"));
    while (q.next())
        records.insert(q.value(0).toString(), {quint64(q.value(1).toLongLong()), q.value(2).toString()});
    return records;
}

void SqlDeploymentStore::putNodeStates(const QHash<QString, NodeStateRecord> &states)
{
    if (states.isEmpty())
        return;
    SqlConnection::Transaction tx(m_sql);
    SqlConnection::Statement upsert(m_sql, QStringLiteral("INSERT INTO node_states (node, applied_generation, applied,"
                                                          " rejected_generation, rejected, reported_ms)"
                                                          " VALUES (?, ?, ?, ?, ?, ?)"
                                                          " ON CONFLICT (node) DO UPDATE SET applied_generation = excluded.applied_generation,"
                                                          " applied = excluded.applied, rejected_generation = excluded.rejected_generation,"
                                                          " rejected = excluded.rejected, reported_ms = excluded.reported_ms"));
    for (auto it = states.cbegin(); it != states.cend(); ++it) {
        const NodeStateRecord &state = it.value();
        const QString applied = QString::fromUtf8(QJsonDocument(statusesToJson(state.applied)).toJson(QJsonDocument::Compact));
        const QString rejected = QString::fromUtf8(QJsonDocument(statusesToJson(state.rejected)).toJson(QJsonDocument::Compact));
        upsert.run({it.key(), qint64(state.appliedGeneration), applied, qint64(state.rejectedGeneration), rejected,
                    SqlConnection::toMs(state.reported)});
    }
    tx.commit();
}

QHash<QString, NodeStateRecord> SqlDeploymentStore::nodeStates()
{
    QHash<QString, NodeStateRecord> states;
    QSqlQuery q = m_sql.run(QStringLiteral("SELECT node, applied_generation, applied, rejected_generation, rejected, reported_ms"
                                           " FROM node_states"));
    while (q.next()) {
        NodeStateRecord s;
        s.appliedGeneration = quint64(q.value(1).toLongLong());
        s.applied = statusesFromJson(QJsonDocument::fromJson(q.value(2).toString().toUtf8()).array());
        s.rejectedGeneration = quint64(q.value(3).toLongLong());
        s.rejected = statusesFromJson(QJsonDocument::fromJson(q.value(4).toString().toUtf8()).array());
        s.reported = SqlConnection::fromMs(q.value(5).toLongLong());
        states.insert(q.value(0).toString(), s);
    }
    return states;
}

} // namespace Keel
