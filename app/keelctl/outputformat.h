#pragma once

#include "accesstypes.h"
#include "deploymenttypes.h"
#include "fleettypes.h"
#include "metricstypes.h"
#include "registrytypes.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace Keel {

// How keelctl shows things: aligned tables for people, JSON for scripts. The JSON field
// names are part of keelctl's interface (docs/operations.md); change them only additively.
class OutputFormat final
{
public:
    static QJsonObject toJson(const Node &node);
    static QJsonObject toJson(const Region &region);
    static QJsonObject toJson(const JoinToken &token);
    static QJsonObject toJson(const OperatorToken &token, const QDateTime &now);
    static QJsonObject toJson(const AuditRecord &record);
    static QJsonObject toJson(const ComponentVersion &version);
    static QJsonObject toJson(const MetricsWindow &window);
    // `order` is the rule's place (1: applied first).
    static QJsonObject toJson(const DeploymentRule &rule, int order);

    static QString nodesTable(const QList<Node> &nodes, const QDateTime &now);
    static QString regionsTable(const QList<Region> &regions);
    static QString tokensTable(const QList<OperatorToken> &tokens, const QDateTime &now);
    static QString auditTable(const QList<AuditRecord> &records);
    static QString componentsTable(const QList<ComponentVersion> &versions);
    static QString metricsTable(const QList<MetricsWindow> &windows);
    static QString deploymentsTable(const QList<DeploymentRule> &rules);
    // FIELD VALUE rows of one JSON object (nested values compact).
    static QString detailTable(const QJsonObject &object);
    // "active", "revoked" or "expired".
    static QString tokenState(const OperatorToken &token, const QDateTime &now);
    // An indented JSON document of an object or an array, for -o json.
    static QString jsonText(const QJsonValue &value);
    // Columns padded to their widest cell, two spaces apart.
    static QString table(const QStringList &header, const QList<QStringList> &rows);
    // "3s ago", "5m ago"... for a person reading a table.
    static QString age(const QDateTime &then, const QDateTime &now);
};

} // namespace Keel
