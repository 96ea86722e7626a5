#include "controlplane.h"

#include "aotbuildqueue.h"
#include "auditlog.h"
#include "blobstore.h"
#include "controlplaneserver.h"
#include "deploymentservice.h"
#include "eventhub.h"
#include "placementpolicy.h"
#include "registryservice.h"
#include "residencyservice.h"
#include "rolloutengine.h"
#include "secrets.h"
#include "servermetrics.h"
#include "signingkey.h"
#include "sqlstore.h"
#include "tokenauthority.h"

#include <QDir>

#include <prometheus/exposer.h>

namespace Keel {

std::unique_ptr<ControlPlane> ControlPlane::start(const ControlPlaneOptions &options, QString *error)
{
    if (!Secrets::initialize()) {
        *error = QStringLiteral("libsodium could not initialise (no source of randomness?)");
        return nullptr;
    }
    if (!QDir().mkpath(options.dataDir)) {
        *error = QStringLiteral("cannot create the data dir %1: check --data-dir and its permissions").arg(options.dataDir);
        return nullptr;
    }
    const QDir dir(options.dataDir);
    std::unique_ptr<ControlPlane> cp(new ControlPlane);
    cp->m_options = options;
    cp->m_metrics = std::make_unique<ServerMetrics>();
    try {
        cp->m_store = std::make_unique<SqlStore>(dir.filePath(QStringLiteral("keel.db")));
        ServerMetrics *metrics = cp->m_metrics.get();
        cp->m_store->setStatementObserver([metrics](double seconds) { metrics->storeStatement(seconds); });
        auto key = SigningKey::loadOrCreate(dir.filePath(QStringLiteral("signing.key")), error);
        if (!key)
            return nullptr;
        cp->m_signingKey = std::make_unique<SigningKey>(*key);
        cp->m_tokens = std::make_unique<TokenAuthority>(cp->m_store->access());
        error->clear();
        cp->m_createdAdminToken = cp->m_tokens->bootstrapAdminToken(cp->adminTokenPath(), error);
        if (!error->isEmpty())
            return nullptr;
        cp->m_events = std::make_unique<EventHub>();
        cp->m_audit = std::make_unique<AuditLog>(cp->m_store->access(), *cp->m_events, *cp->m_metrics);
        cp->m_blobs = std::make_unique<BlobStore>(dir.filePath(QStringLiteral("blobs")));
        cp->m_builds = std::make_unique<AotBuildQueue>(dir.filePath(QStringLiteral("aot-work")), options.aotTool, QString(),
                                                       options.aotCompiler, options.aotLimits);
        const SigningKey *signer = cp->m_signingKey.get();
        cp->m_registry = std::make_unique<RegistryService>(cp->m_store->registry(), *cp->m_blobs, *cp->m_builds,
                                                           [signer](const QByteArray &message) { return signer->sign(message); });
        cp->m_registry->resumeBuilds();
        cp->m_fleet = std::make_unique<FleetService>(*cp->m_store, *cp->m_metrics, options.fleet);
        cp->m_fleet->setControlPlaneKey(cp->m_signingKey->publicKey());
        cp->m_placement = std::make_unique<PlacementPolicy>();
        cp->m_deployments = std::make_unique<DeploymentService>(cp->m_store->deployments(), *cp->m_registry, *cp->m_fleet,
                                                                *cp->m_placement, *cp->m_metrics);
        // Puts the stored policy in force before any node's set is computed.
        cp->m_residency = std::make_unique<ResidencyService>(cp->m_store->policies(), *cp->m_placement, *cp->m_deployments,
                                                             *cp->m_fleet, *cp->m_audit, *cp->m_metrics);
        cp->m_fleetMetrics = std::make_unique<FleetMetrics>(cp->m_store->metrics(), *cp->m_metrics, options.metrics);
        // Before the listener: a resumed rollout's pins are in place when agents connect.
        cp->m_rollouts = std::make_unique<RolloutEngine>(cp->m_store->rollouts(), *cp->m_deployments, *cp->m_fleet,
                                                         *cp->m_registry, *cp->m_fleetMetrics, *cp->m_metrics);
    } catch (const StoreError &e) {
        *error = QString::fromStdString(e.what());
        return nullptr;
    }
    FleetService *fleet = cp->m_fleet.get();
    EventHub *events = cp->m_events.get();
    // Node events carry the node's desired and acknowledged state, as listings do, and an
    // ack is a change of the node: watchers see generations and components move live.
    DeploymentService *deployments = cp->m_deployments.get();
    connect(fleet, &FleetService::nodeChanged, events, [events, deployments](NodeChange change) {
        deployments->nodeUpdated(change.node); // region, jurisdiction, labels, endpoint: placements may move
        change.node = deployments->withState(std::move(change.node));
        events->publish(change);
    });
    connect(deployments, &DeploymentService::stateAckRecorded, events, [events, deployments, fleet](const StateAckRecord &record) {
        // Measured against the generation last sent: working the set out again for every
        // ack of a deploy to ten thousand nodes is what made it slow.
        if (const auto node = fleet->node(record.node))
            events->publish(NodeChange{NodeChange::Kind::Updated, deployments->withState(*node, DeploymentService::Desired::LastSent)});
    });
    connect(fleet, &FleetService::topologyChanged, events, [events](const QList<Region> &regions) {
        events->publish(TopologyChange{regions});
    });

    connect(cp->m_registry.get(), &RegistryService::aotBuildFinished, events,
            [events](const AotBuildFinished &finished) { events->publish(finished); });
    connect(cp->m_deployments.get(), &DeploymentService::deploymentChanged, events,
            [events](const DeploymentChange &change) { events->publish(change); });
    connect(cp->m_deployments.get(), &DeploymentService::stateAckRecorded, events,
            [events](const StateAckRecord &record) { events->publish(record); });
    connect(cp->m_fleetMetrics.get(), &FleetMetrics::window, events,
            [events](const MetricsWindow &window) { events->publish(window); });
    connect(cp->m_rollouts.get(), &RolloutEngine::progressed, events,
            [events](const RolloutEvent &event) { events->publish(event); });
    connect(cp->m_residency.get(), &ResidencyService::violationChanged, events,
            [events](const ResidencyViolation &violation) { events->publish(violation); });
    connect(cp->m_residency.get(), &ResidencyService::policyChanged, events,
            [events](const PolicyChange &change) { events->publish(change); });

    cp->m_server = std::make_unique<ControlPlaneServer>(OperatorServices{*fleet, *events, *cp->m_tokens, *cp->m_audit, *cp->m_registry,
                                                                         *cp->m_deployments, *cp->m_blobs, *cp->m_fleetMetrics, *cp->m_rollouts,
                                                                         *cp->m_residency,
                                                                         [signer = cp->m_signingKey.get()](const QByteArray &message) {
                                                                             return signer->sign(message);
                                                                         }},
                                                        *cp->m_metrics, cp->m_signingKey->publicKey());
    if ((!options.tlsCertificate.isEmpty() || !options.tlsKey.isEmpty())
        && !cp->m_server->useTls(options.tlsCertificate, options.tlsKey, error))
        return nullptr;
    if (!cp->m_server->listen(options.listenAddress, options.listenPort, error))
        return nullptr;

    if (!options.metricsListen.isEmpty()) {
        try {
            cp->m_exposer = std::make_unique<prometheus::Exposer>(options.metricsListen.toStdString(), 2);
            cp->m_exposer->RegisterCollectable(cp->m_metrics->registry());
        } catch (const std::exception &e) {
            *error = QStringLiteral("cannot serve /metrics on %1: %2: check --metrics-listen").arg(options.metricsListen, QString::fromUtf8(e.what()));
            return nullptr;
        }
    }
    return cp;
}

ControlPlane::~ControlPlane() = default;

QByteArray ControlPlane::publicKey() const
{
    return m_signingKey->publicKey();
}

quint16 ControlPlane::port() const
{
    return m_server->port();
}

QString ControlPlane::url() const
{
    QHostAddress address = m_server->address();
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress::LocalHost;
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("[%1]").arg(address.toString())
                                                                             : address.toString();
    return QStringLiteral("%1://%2:%3").arg(m_server->secure() ? QStringLiteral("wss") : QStringLiteral("ws"), host).arg(port());
}

quint16 ControlPlane::metricsPort() const
{
    if (!m_exposer)
        return 0;
    const std::vector<int> ports = m_exposer->GetListeningPorts();
    return ports.empty() ? 0 : quint16(ports.front());
}

QString ControlPlane::adminTokenPath() const
{
    return QDir(m_options.dataDir).filePath(QStringLiteral("admin.token"));
}

} // namespace Keel
