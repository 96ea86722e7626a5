#pragma once

#include "aotbuildqueue.h"
#include "fleetmetrics.h"
#include "fleetservice.h"

#include <QHostAddress>
#include <QObject>

#include <memory>

namespace prometheus { class Exposer; }

namespace Keel {

class AuditLog;
class BlobStore;
class DeploymentService;
class ControlPlaneServer;
class EventHub;
class FleetMetrics;
class PlacementPolicy;
class RegistryService;
class ResidencyService;
class RolloutEngine;
class ServerMetrics;
class SigningKey;
class SqlStore;
class TokenAuthority;

struct ControlPlaneOptions
{
    QString dataDir;
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 listenPort = 7070;
    QString metricsListen; // "HOST:PORT" for /metrics; empty: off
    // AOT builds of pushed components: keel-aot in a child process under these limits.
    QString aotTool;     // empty: the keel-aot beside this program, else on PATH
    QString aotCompiler; // empty: keel-aot's default (clang when there is one)
    AotBuildLimits aotLimits;
    // Both set: the listener speaks wss:// with this PEM certificate (chain) and key.
    QString tlsCertificate;
    QString tlsKey;
    FleetOptions fleet;
    FleetMetricsOptions metrics;
};

// The composition root of keel-controlplane: store, services and listener, wired. Used by
// main() and embeddable in tests.
class ControlPlane final : public QObject
{
    Q_OBJECT

public:
    // Opens the data dir, migrates the store, creates the first admin token when there
    // is none, and starts listening. nullptr with *error when any step fails.
    static std::unique_ptr<ControlPlane> start(const ControlPlaneOptions &options, QString *error);
    ~ControlPlane() override;

    quint16 port() const;
    QString url() const;
    QString adminTokenPath() const;
    // The /metrics port actually bound (0 when metrics are off).
    quint16 metricsPort() const;
    bool createdAdminToken() const { return m_createdAdminToken; }
    ServerMetrics &metrics() { return *m_metrics; }
    FleetService &fleet() { return *m_fleet; }
    RegistryService &registry() { return *m_registry; }
    DeploymentService &deployments() { return *m_deployments; }
    FleetMetrics &fleetMetrics() { return *m_fleetMetrics; }
    RolloutEngine &rollouts() { return *m_rollouts; }
    EventHub &events() { return *m_events; }
    // The ed25519 key agents verify artifacts with.
    QByteArray publicKey() const;
    AotBuildQueue &aotBuilds() { return *m_builds; }

private:
    ControlPlane() = default;

    ControlPlaneOptions m_options;
    std::unique_ptr<ServerMetrics> m_metrics;
    std::unique_ptr<SqlStore> m_store;
    std::unique_ptr<SigningKey> m_signingKey;
    std::unique_ptr<TokenAuthority> m_tokens;
    std::unique_ptr<EventHub> m_events;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<BlobStore> m_blobs;
    std::unique_ptr<AotBuildQueue> m_builds;
    std::unique_ptr<RegistryService> m_registry;
    std::unique_ptr<PlacementPolicy> m_placement;
    std::unique_ptr<DeploymentService> m_deployments;
    std::unique_ptr<FleetMetrics> m_fleetMetrics;
    std::unique_ptr<FleetService> m_fleet;
    std::unique_ptr<RolloutEngine> m_rollouts;
    std::unique_ptr<ResidencyService> m_residency;
    std::unique_ptr<ControlPlaneServer> m_server;
    std::unique_ptr<prometheus::Exposer> m_exposer;
    bool m_createdAdminToken = false;
};

} // namespace Keel
