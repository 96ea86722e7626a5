#include "fleetoperator.h"

#include <QFile>
#include <QTimer>

namespace keel::fleetsim {

using namespace Keel;

namespace {

// Where fleetsim puts the regions it creates: the demo topology's names first.
Region regionFor(const QString &name)
{
    struct Known
    {
        const char *name;
        const char *jurisdiction;
        double latitude;
        double longitude;
    };
    static const Known known[] = {{"eu-west", "EU", 53.35, -6.26},     {"us-east", "US", 38.9, -77.04},
                                  {"ap-south", "IN", 19.07, 72.88},    {"eu-central", "EU", 50.11, 8.68},
                                  {"us-west", "US", 37.77, -122.42},   {"sa-east", "BR", -23.55, -46.63},
                                  {"ap-northeast", "JP", 35.68, 139.69}, {"af-south", "ZA", -33.92, 18.42}};
    for (const Known &k : known) {
        if (name == QLatin1String(k.name))
            return {name, QString::fromLatin1(k.jurisdiction), k.latitude, k.longitude, {}};
    }
    return {name, QStringLiteral("US"), 40.0, -100.0, {}};
}

template<typename T>
const WireError *failed(const Result<T> &result)
{
    return std::get_if<WireError>(&result);
}

} // namespace

FleetOperator::FleetOperator(QString server, QString token, QString caFile, QString prefix, QObject *parent)
    : QObject(parent)
    , m_prefix(std::move(prefix))
{
    if (!caFile.isEmpty())
        m_client.setCaCertificates(QSslCertificate::fromPath(caFile));
    m_client.open(KeelClient::normalizeServer(server), token);
    connect(&m_client, &KeelClient::metricsWindow, this, &FleetOperator::metricsWindow);
    connect(&m_client, &KeelClient::rolloutProgressed, this, &FleetOperator::rolloutProgressed);
}

void FleetOperator::prepare(const QMap<QString, int> &agentsPerRegion,
                            std::function<void(const QString &, const QMap<QString, QString> &)> done)
{
    m_client.listRegions([this, agentsPerRegion, done](const Result<QList<Region>> &listed) {
        if (const auto *error = failed(listed))
            return done(QStringLiteral("listing regions: ") + error->message, {});
        QList<Region> missing;
        for (const QString &name : agentsPerRegion.keys()) {
            const auto &regions = std::get<QList<Region>>(listed);
            if (std::none_of(regions.begin(), regions.end(), [&](const Region &r) { return r.name == name; }))
                missing.append(regionFor(name));
        }
        auto next = [this, agentsPerRegion, done] { createTokens(agentsPerRegion.keys(), agentsPerRegion, {}, done); };
        if (missing.isEmpty())
            return next();
        m_client.applyTopology(missing, [next, done](const Result<TopologyApplied> &applied) {
            if (const auto *error = failed(applied))
                return done(QStringLiteral("applying a topology with the missing regions: ") + error->message, {});
            next();
        });
    });
}

void FleetOperator::createTokens(QStringList regions, const QMap<QString, int> &agentsPerRegion, QMap<QString, QString> tokens,
                                 std::function<void(const QString &, const QMap<QString, QString> &)> done)
{
    if (regions.isEmpty()) {
        // Watch last: the readings start once the agents do.
        m_client.watch({WatchTopic::Metrics, WatchTopic::Rollouts}, 0, [done, tokens](const Result<quint64> &watching) {
            if (const auto *error = failed(watching))
                return done(QStringLiteral("watching metrics: ") + error->message, {});
            done({}, tokens);
        });
        return;
    }
    const QString region = regions.takeFirst();
    const int uses = agentsPerRegion.value(region);
    m_client.createJoinToken(region, uses, 0, {}, Labels{{QStringLiteral("fleetsim"), m_prefix}},
                             [this, region, regions, agentsPerRegion, tokens, done](const Result<JoinToken> &created) mutable {
                                 if (const auto *error = failed(created))
                                     return done(QStringLiteral("creating a join token for %1: %2").arg(region, error->message), {});
                                 tokens.insert(region, std::get<JoinToken>(created).token);
                                 createTokens(regions, agentsPerRegion, tokens, done);
                             });
}

void FleetOperator::waitForBuild(const QString &component, const QString &version, qint64 deadlineMs, Done done)
{
    m_client.listComponents(component, [=, this](const Result<QList<ComponentVersion>> &listed) {
        if (const auto *error = failed(listed))
            return done(QStringLiteral("%1@%2: %3 (push it first, e.g. keelctl component push)").arg(component, version, error->message));
        const auto &versions = std::get<QList<ComponentVersion>>(listed);
        const auto found = std::find_if(versions.begin(), versions.end(), [&](const ComponentVersion &v) { return v.manifest.version == version; });
        if (found == versions.end())
            return done(QStringLiteral("%1@%2 is not in the registry: push it first (keelctl component push)").arg(component, version));
        if (found->aotState != AotState::Pending && found->aotState != AotState::Building)
            return done({});
        if (QDateTime::currentMSecsSinceEpoch() > deadlineMs)
            return done(QStringLiteral("the AOT build of %1@%2 did not finish in time").arg(component, version));
        QTimer::singleShot(250, this, [=, this] { waitForBuild(component, version, deadlineMs, done); });
    });
}

void FleetOperator::deploy(const QString &component, const QString &version, Done done)
{
    m_client.deploy(component, version, selector(), [done](const Result<int> &deployed) {
        if (const auto *error = failed(deployed))
            return done(QStringLiteral("deploy: ") + error->message);
        done({});
    });
}

void FleetOperator::startRollout(const QString &component, const QString &version, int waves, int bakeSeconds,
                                 std::function<void(const QString &, const Rollout &)> done)
{
    RolloutSpec spec;
    spec.component = component;
    spec.version = version;
    spec.selector = selector();
    spec.batch = RolloutStep{0, 100.0 / waves};
    spec.bakeSeconds = bakeSeconds;
    // The simulator measures the rollout machinery, not its gates: a wave passes once every
    // node of it acknowledged, whatever traffic (and simulated errors) it has seen.
    spec.gates.minRequests = 0;
    spec.gates.maxErrorRate.reset();
    m_client.startRollout(spec, [done](const Result<Rollout> &started) {
        if (const auto *error = failed(started))
            return done(QStringLiteral("starting the rollout: ") + error->message, {});
        done({}, std::get<Rollout>(started));
    });
}

void FleetOperator::converged(const QString &component, const QString &version,
                              std::function<void(const QString &, int, int)> done)
{
    m_client.listNodes(selector(), [=](const Result<QList<Node>> &listed) {
        if (const auto *error = failed(listed))
            return done(QStringLiteral("listing nodes: ") + error->message, 0, 0);
        const auto &nodes = std::get<QList<Node>>(listed);
        int count = 0;
        for (const Node &node : nodes) {
            const bool running = std::any_of(node.components.begin(), node.components.end(), [&](const ComponentStatus &c) {
                return c.name == component && c.version == version && c.state == ComponentStatus::State::Running;
            });
            count += node.status == NodeStatus::Ready && node.ackedGeneration == node.desiredGeneration && running;
        }
        done({}, count, int(nodes.size()));
    });
}

} // namespace keel::fleetsim
