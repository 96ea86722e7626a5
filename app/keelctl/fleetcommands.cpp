#include "fleetcommands.h"

#include "keelctl.h"
#include "outputformat.h"
#include "topologyfile.h"

#include <QJsonArray>

#include <cstdio>

namespace Keel {

namespace {

template<typename T>
const WireError *errorOf(const Result<T> &result)
{
    return std::get_if<WireError>(&result);
}

} // namespace

FleetCommands::FleetCommands(KeelClient &client, const CtlInvocation &invocation, Succeed succeed, Fail fail)
    : m_client(client)
    , m_invocation(invocation)
    , m_succeed(std::move(succeed))
    , m_fail(std::move(fail))
{
}

void FleetCommands::listNodes()
{
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.listNodes(m_invocation.selector, [this](const Result<QList<Node>> &result) {
        if (auto *error = errorOf(result))
            return m_fail(error->message);
        const auto &nodes = std::get<QList<Node>>(result);
        if (!m_invocation.json)
            return m_succeed(OutputFormat::nodesTable(nodes, QDateTime::currentDateTimeUtc()));
        QJsonArray array;
        for (const Node &node : nodes)
            array.append(OutputFormat::toJson(node));
        m_succeed(OutputFormat::jsonText(array));
    });
}

void FleetCommands::showNode()
{
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.getNode(m_invocation.command.at(2), [this](const Result<Node> &result) {
        if (auto *error = errorOf(result))
            return m_fail(error->message);
        const QJsonObject object = OutputFormat::toJson(std::get<Node>(result));
        m_succeed(m_invocation.json ? OutputFormat::jsonText(object) : OutputFormat::detailTable(object));
    });
}

void FleetCommands::listRegions()
{
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.listRegions([this](const Result<QList<Region>> &result) {
        if (auto *error = errorOf(result))
            return m_fail(error->message);
        const auto &regions = std::get<QList<Region>>(result);
        if (!m_invocation.json)
            return m_succeed(OutputFormat::regionsTable(regions));
        QJsonArray array;
        for (const Region &region : regions)
            array.append(OutputFormat::toJson(region));
        m_succeed(OutputFormat::jsonText(array));
    });
}

void FleetCommands::applyTopology()
{
    // The file is checked here first, so a mistake gets its line number before any network.
    auto loaded = TopologyFile::load(m_invocation.file);
    if (auto *error = std::get_if<QString>(&loaded))
        return m_fail(*error);
    const QList<Region> regions = std::get<QList<Region>>(loaded);
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.applyTopology(regions, [this](const Result<TopologyApplied> &result) {
        if (auto *error = errorOf(result))
            return m_fail(error->message);
        const auto &applied = std::get<TopologyApplied>(result);
        if (m_invocation.json) {
            return m_succeed(OutputFormat::jsonText(QJsonObject{{QStringLiteral("regions_created"), applied.regionsCreated},
                                            {QStringLiteral("regions_updated"), applied.regionsUpdated},
                                            {QStringLiteral("sites_created"), applied.sitesCreated}}));
        }
        m_succeed(QStringLiteral("topology applied from %1: %2 region(s) created, %3 updated, %4 site(s) created\n")
                    .arg(m_invocation.file).arg(applied.regionsCreated).arg(applied.regionsUpdated).arg(applied.sitesCreated));
    });
}

void FleetCommands::createJoinToken()
{
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.createJoinToken(m_invocation.region, m_invocation.uses, m_invocation.ttlSeconds, m_invocation.site,
                              m_invocation.labels, [this](const Result<JoinToken> &result) {
        if (auto *error = errorOf(result))
            return m_fail(error->message);
        const auto &token = std::get<JoinToken>(result);
        if (m_invocation.json)
            return m_succeed(OutputFormat::jsonText(OutputFormat::toJson(token)));
        // The bare token on stdout so that $(keelctl join-token create ...) works.
        std::fprintf(stderr, "keelctl: join token for region %s, %d use(s), expires %s\n", qPrintable(token.region), token.uses,
                     qPrintable(token.expires.toUTC().toString(Qt::ISODate)));
        std::fprintf(stderr, "keelctl: control plane key %s (the token carries it; an agent refuses any other: "
                             "keel-agent --controlplane-key-sha256)\n", qPrintable(token.controlPlaneKeySha256));
        m_succeed(token.token + u'\n');
    });
}

void FleetCommands::labelNode()
{
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.labelNode(m_invocation.command.at(2), m_invocation.labels, m_invocation.removeLabels, [this](const Result<Node> &result) {
        if (auto *error = errorOf(result))
            return m_fail(error->message);
        const QJsonObject object = OutputFormat::toJson(std::get<Node>(result));
        m_succeed(m_invocation.json ? OutputFormat::jsonText(object) : OutputFormat::detailTable(object));
    });
}

} // namespace Keel
