#include "outputformat.h"

#include <QJsonDocument>

#include <algorithm>

namespace Keel {

namespace {

QString isoTime(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QJsonObject labelsJson(const Labels &labels)
{
    QJsonObject object;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

QString labelsText(const Labels &labels)
{
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        parts.append(it.key() + u'=' + it.value());
    return parts.isEmpty() ? QStringLiteral("-") : parts.join(u',');
}

} // namespace

QJsonObject OutputFormat::toJson(const Node &node)
{
    const QJsonObject labels = labelsJson(node.labels);
    QJsonArray tiers;
    for (RuntimeTier tier : node.tiers)
        tiers.append(toText(tier));
    QJsonArray components;
    for (const ComponentStatus &c : node.components) {
        components.append(QJsonObject{{QStringLiteral("name"), c.name},
                                      {QStringLiteral("version"), c.version},
                                      {QStringLiteral("state"), toText(c.state)},
                                      {QStringLiteral("tier"), c.tier ? toText(*c.tier) : QString()},
                                      {QStringLiteral("error"), c.error}});
    }
    return {
        {QStringLiteral("name"), node.name},
        {QStringLiteral("region"), node.region},
        {QStringLiteral("site"), node.site},
        {QStringLiteral("jurisdiction"), node.jurisdiction},
        {QStringLiteral("labels"), labels},
        {QStringLiteral("status"), toText(node.status)},
        {QStringLiteral("agent_version"), node.agentVersion},
        {QStringLiteral("last_seen"), isoTime(node.lastSeen)},
        {QStringLiteral("enrolled"), isoTime(node.enrolled)},
        {QStringLiteral("tiers"), tiers},
        {QStringLiteral("target"), node.targetTriple},
        {QStringLiteral("http_endpoint"), node.httpEndpoint},
        {QStringLiteral("admin_endpoint"), node.adminEndpoint},
        {QStringLiteral("desired_generation"), qint64(node.desiredGeneration)},
        {QStringLiteral("acked_generation"), qint64(node.ackedGeneration)},
        {QStringLiteral("components"), components},
    };
}

QJsonObject OutputFormat::toJson(const Region &region)
{
    return {
        {QStringLiteral("name"), region.name},
        {QStringLiteral("jurisdiction"), region.jurisdiction},
        {QStringLiteral("latitude"), region.latitude},
        {QStringLiteral("longitude"), region.longitude},
        {QStringLiteral("sites"), QJsonArray::fromStringList(region.sites)},
    };
}

QJsonObject OutputFormat::toJson(const JoinToken &token)
{
    return {
        {QStringLiteral("token"), token.token},
        {QStringLiteral("region"), token.region},
        {QStringLiteral("uses"), token.uses},
        {QStringLiteral("expires"), isoTime(token.expires)},
        {QStringLiteral("controlplane_key_sha256"), token.controlPlaneKeySha256},
        {QStringLiteral("site"), token.site},
        {QStringLiteral("labels"), labelsJson(token.labels)},
    };
}

QString OutputFormat::tokenState(const OperatorToken &token, const QDateTime &now)
{
    if (token.revoked)
        return QStringLiteral("revoked");
    if (token.expires.isValid() && token.expires <= now)
        return QStringLiteral("expired");
    return QStringLiteral("active");
}

QJsonObject OutputFormat::toJson(const OperatorToken &token, const QDateTime &now)
{
    return {
        {QStringLiteral("id"), token.id},
        {QStringLiteral("name"), token.name},
        {QStringLiteral("role"), toText(token.role)},
        {QStringLiteral("created"), isoTime(token.created)},
        {QStringLiteral("expires"), isoTime(token.expires)},
        {QStringLiteral("state"), tokenState(token, now)},
    };
}

QJsonObject OutputFormat::toJson(const AuditRecord &record)
{
    return {
        {QStringLiteral("sequence"), qint64(record.sequence)},
        {QStringLiteral("time"), isoTime(record.time)},
        {QStringLiteral("principal"), record.principal},
        {QStringLiteral("principal_id"), record.principalId},
        {QStringLiteral("action"), record.action},
        {QStringLiteral("target"), record.target},
        {QStringLiteral("result"), record.result},
    };
}

QJsonObject OutputFormat::toJson(const ComponentVersion &v)
{
    QJsonObject config;
    for (auto it = v.manifest.config.cbegin(); it != v.manifest.config.cend(); ++it)
        config.insert(it.key(), it.value());
    const QJsonObject limits{
        {QStringLiteral("memory_mb"), qint64(v.manifest.limits.memoryMb)},
        {QStringLiteral("deadline_ms"), qint64(v.manifest.limits.deadlineMs)},
        {QStringLiteral("max_response_bytes"), qint64(v.manifest.limits.maxResponseBytes)},
        {QStringLiteral("max_table_elements"), qint64(v.manifest.limits.maxTableElements)},
        {QStringLiteral("max_instances"), qint64(v.manifest.limits.maxInstances)},
    };
    return {
        {QStringLiteral("name"), v.manifest.name},
        {QStringLiteral("version"), v.manifest.version},
        {QStringLiteral("abi"), toText(v.manifest.abi)},
        {QStringLiteral("data_classes"), QJsonArray::fromStringList(v.manifest.dataClasses)},
        {QStringLiteral("grants"), QJsonArray::fromStringList(v.manifest.grants)},
        {QStringLiteral("limits"), limits},
        {QStringLiteral("config"), config},
        {QStringLiteral("health_path"), v.manifest.healthPath},
        {QStringLiteral("module_digest"), v.moduleDigest},
        {QStringLiteral("module_size"), qint64(v.moduleSize)},
        {QStringLiteral("aot_state"), toText(v.aotState)},
        {QStringLiteral("aot_digest"), v.aotDigest},
        {QStringLiteral("aot_size"), qint64(v.aotSize)},
        {QStringLiteral("aot_target"), v.aotTarget},
        {QStringLiteral("aot_error"), v.aotError},
        {QStringLiteral("pushed"), isoTime(v.pushed)},
        {QStringLiteral("pushed_by"), v.pushedBy},
    };
}

QJsonObject OutputFormat::toJson(const MetricsWindow &w)
{
    return {
        {QStringLiteral("window_end"), isoTime(w.windowEnd)},
        {QStringLiteral("component"), w.component},
        {QStringLiteral("region"), w.region},
        {QStringLiteral("node"), w.node},
        {QStringLiteral("p50_ms"), w.p50Ms},
        {QStringLiteral("p95_ms"), w.p95Ms},
        {QStringLiteral("p99_ms"), w.p99Ms},
        {QStringLiteral("requests_per_second"), w.requestsPerSecond},
        {QStringLiteral("errors_per_second"), w.errorsPerSecond},
        {QStringLiteral("rss_bytes"), qint64(w.rssBytes)},
        {QStringLiteral("instance_memory_bytes"), qint64(w.instanceMemoryBytes)},
    };
}

QString OutputFormat::metricsTable(const QList<MetricsWindow> &windows)
{
    QList<QStringList> rows;
    for (const MetricsWindow &w : windows) {
        rows.append({isoTime(w.windowEnd), QString::number(w.p50Ms, 'f', 2), QString::number(w.p95Ms, 'f', 2),
                     QString::number(w.p99Ms, 'f', 2), QString::number(w.requestsPerSecond, 'f', 1),
                     QString::number(w.errorsPerSecond, 'f', 2)});
    }
    return table({QStringLiteral("WINDOW END"), QStringLiteral("P50 MS"), QStringLiteral("P95 MS"), QStringLiteral("P99 MS"),
                  QStringLiteral("REQ/S"), QStringLiteral("ERR/S")},
                 rows);
}

QString OutputFormat::componentsTable(const QList<ComponentVersion> &versions)
{
    QList<QStringList> rows;
    for (const ComponentVersion &v : versions) {
        // sha256: and 12 hex digits tell versions apart; `show` has the whole digest.
        rows.append({v.manifest.name, v.manifest.version, toText(v.manifest.abi), v.moduleDigest.left(19),
                     QString::number(v.moduleSize), toText(v.aotState),
                     v.manifest.dataClasses.isEmpty() ? QStringLiteral("-") : v.manifest.dataClasses.join(u','),
                     isoTime(v.pushed)});
    }
    return table({QStringLiteral("NAME"), QStringLiteral("VERSION"), QStringLiteral("ABI"), QStringLiteral("DIGEST"),
                  QStringLiteral("SIZE"), QStringLiteral("AOT"), QStringLiteral("DATA CLASSES"), QStringLiteral("PUSHED")},
                 rows);
}

QString OutputFormat::detailTable(const QJsonObject &object)
{
    QList<QStringList> rows;
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QJsonValue v = it.value();
        const QString text = v.isString() ? v.toString()
            : v.isDouble() ? QString::number(v.toInteger())
            : QString::fromUtf8(v.isArray() ? QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact)
                                            : QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
        rows.append({it.key() + u':', text});
    }
    return table({QStringLiteral("FIELD"), QStringLiteral("VALUE")}, rows);
}

QString OutputFormat::tokensTable(const QList<OperatorToken> &tokens, const QDateTime &now)
{
    QList<QStringList> rows;
    for (const OperatorToken &token : tokens) {
        rows.append({token.id, token.name, toText(token.role), isoTime(token.created),
                     token.expires.isValid() ? isoTime(token.expires) : QStringLiteral("never"), tokenState(token, now)});
    }
    return table({QStringLiteral("ID"), QStringLiteral("NAME"), QStringLiteral("ROLE"), QStringLiteral("CREATED"),
                  QStringLiteral("EXPIRES"), QStringLiteral("STATE")},
                 rows);
}

QJsonObject OutputFormat::toJson(const DeploymentRule &rule, int order)
{
    const Deployment &d = rule.deployment;
    return {
        {QStringLiteral("order"), order},
        {QStringLiteral("sequence"), qint64(d.sequence)},
        {QStringLiteral("component"), d.component},
        {QStringLiteral("version"), d.version},
        {QStringLiteral("action"), d.version.isEmpty() ? QStringLiteral("undeploy") : QStringLiteral("deploy")},
        {QStringLiteral("selector"), d.selector},
        {QStringLiteral("nodes_matched"), rule.nodesMatched},
        {QStringLiteral("created"), isoTime(d.created)},
        {QStringLiteral("created_by"), d.createdBy},
        {QStringLiteral("excluded_nodes"), QJsonArray::fromStringList(d.excluded)},
    };
}

QString OutputFormat::deploymentsTable(const QList<DeploymentRule> &rules)
{
    QList<QStringList> rows;
    int order = 0;
    for (const DeploymentRule &rule : rules) {
        const Deployment &d = rule.deployment;
        rows.append({QString::number(++order), d.version.isEmpty() ? QStringLiteral("undeploy") : QStringLiteral("deploy"),
                     d.version.isEmpty() ? d.component : d.component + u'@' + d.version,
                     d.excluded.isEmpty() ? d.selector : d.selector + QStringLiteral(" except ") + d.excluded.join(u','),
                     QString::number(rule.nodesMatched), d.createdBy.isEmpty() ? QStringLiteral("-") : d.createdBy,
                     isoTime(d.created)});
    }
    return table({QStringLiteral("ORDER"), QStringLiteral("ACTION"), QStringLiteral("COMPONENT"), QStringLiteral("SELECTOR"),
                  QStringLiteral("NODES"), QStringLiteral("BY"), QStringLiteral("CREATED")},
                 rows);
}

QString OutputFormat::auditTable(const QList<AuditRecord> &records)
{
    QList<QStringList> rows;
    for (const AuditRecord &record : records) {
        rows.append({QString::number(record.sequence), isoTime(record.time), record.principal, record.action,
                     record.target.isEmpty() ? QStringLiteral("-") : record.target, record.result});
    }
    return table({QStringLiteral("SEQ"), QStringLiteral("TIME"), QStringLiteral("PRINCIPAL"), QStringLiteral("ACTION"),
                  QStringLiteral("TARGET"), QStringLiteral("RESULT")},
                 rows);
}

QString OutputFormat::age(const QDateTime &then, const QDateTime &now)
{
    if (!then.isValid())
        return QStringLiteral("never");
    const qint64 seconds = std::max<qint64>(0, then.secsTo(now));
    if (seconds < 120)
        return QStringLiteral("%1s ago").arg(seconds);
    if (seconds < 7200)
        return QStringLiteral("%1m ago").arg(seconds / 60);
    if (seconds < 172800)
        return QStringLiteral("%1h ago").arg(seconds / 3600);
    return QStringLiteral("%1d ago").arg(seconds / 86400);
}

QString OutputFormat::nodesTable(const QList<Node> &nodes, const QDateTime &now)
{
    QList<QStringList> rows;
    for (const Node &node : nodes) {
        rows.append({node.name, node.region, node.site.isEmpty() ? QStringLiteral("-") : node.site, node.jurisdiction,
                     toText(node.status), node.agentVersion, age(node.lastSeen, now), labelsText(node.labels)});
    }
    return table({QStringLiteral("NAME"), QStringLiteral("REGION"), QStringLiteral("SITE"), QStringLiteral("JURISDICTION"),
                  QStringLiteral("STATUS"), QStringLiteral("VERSION"), QStringLiteral("LAST SEEN"), QStringLiteral("LABELS")},
                 rows);
}

QString OutputFormat::regionsTable(const QList<Region> &regions)
{
    QList<QStringList> rows;
    for (const Region &region : regions) {
        rows.append({region.name, region.jurisdiction, QString::number(region.latitude, 'f', 4),
                     QString::number(region.longitude, 'f', 4),
                     region.sites.isEmpty() ? QStringLiteral("-") : region.sites.join(u',')});
    }
    return table({QStringLiteral("NAME"), QStringLiteral("JURISDICTION"), QStringLiteral("LATITUDE"),
                  QStringLiteral("LONGITUDE"), QStringLiteral("SITES")},
                 rows);
}

QString OutputFormat::jsonText(const QJsonValue &value)
{
    const QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
}

QString OutputFormat::table(const QStringList &header, const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QString &cell : header)
        widths.append(cell.size());
    for (const QStringList &row : rows)
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    auto line = [&](const QStringList &cells) {
        QString out;
        for (qsizetype i = 0; i < cells.size(); ++i)
            out += i + 1 < cells.size() ? cells[i].leftJustified(widths[i] + 2) : cells[i];
        return out + u'\n';
    };
    QString out = line(header);
    for (const QStringList &row : rows)
        out += line(row);
    return out;
}

} // namespace Keel
