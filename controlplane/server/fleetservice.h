#pragma once

#include "agentmessages.h"
#include "fleettypes.h"
#include "wireerror.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>
#include <variant>

namespace Keel {

class ServerMetrics;
class Store;

struct FleetOptions
{
    int heartbeatIntervalMs = 5000;
    // A node that has not been heard from for this long is marked unreachable.
    int graceMs = 15000;
    // Liveness lives in memory; last-seen times reach the store in one batch this often.
    int flushIntervalMs = 10000;
};

// The fleet's truth in memory over the Store: topology, nodes and their liveness, join
// tokens, agent admission. No networking here: sessions call in with domain types.
class FleetService final : public QObject
{
    Q_OBJECT

public:
    using Clock = std::function<QDateTime()>;
    static constexpr int kMaxRegionsPerApply = 1000;
    static constexpr int kMaxSitesPerRegion = 1000;

    FleetService(Store &store, ServerMetrics &metrics, FleetOptions options,
                 Clock clock = {}, QObject *parent = nullptr);
    ~FleetService() override;

    const FleetOptions &options() const { return m_options; }

    QList<Region> regions() const;
    std::variant<TopologyApplied, WireError> applyTopology(const QList<Region> &regions);

    QList<Node> nodes() const;
    std::optional<Node> node(const QString &name) const;

    // site and labels, when given, are the token's scope: what a node enrolling with it gets.
    std::variant<JoinToken, WireError> createJoinToken(const QString &region, int uses, int ttlSeconds,
                                                       const QString &site = {}, const Labels &labels = {});
    // The operator's word on a node's labels: set, then remove; stored, announced.
    std::variant<Node, WireError> labelNode(const QString &name, const Labels &set, const QStringList &remove);
    // The control plane's ed25519 public key: its sha256 travels in every join token.
    void setControlPlaneKey(const QByteArray &publicKey);

    // Checks a hello before the challenge: names, region, and that a known node uses the
    // key it enrolled with (or that a new node brings a join token).
    std::optional<WireError> checkHello(const AgentHello &hello) const;
    // After a valid proof: enrolls a new node (spending a join token use) or refreshes a
    // known one, and marks it ready.
    std::variant<Node, WireError> admit(const AgentHello &hello);
    void heartbeat(const QString &nodeName);

    // Marks overdue nodes unreachable. Runs on a timer; public so tests can drive it.
    void sweep();
    // Writes pending last-seen times to the store.
    void flush();

signals:
    void nodeChanged(const Keel::NodeChange &change);
    // The operator changed a node's labels: its desired state may differ now.
    void nodeLabelsChanged(const QString &name);
    // The regions an apply created or updated, as stored.
    void topologyChanged(const QList<Keel::Region> &regions);

private:
    QDateTime now() const;
    qint64 monotonicMs() const;
    void setStatus(Node &node, NodeStatus status);
    WireError storeFailure(const char *what, const std::exception &error);

    Store &m_store;
    ServerMetrics &m_metrics;
    FleetOptions m_options;
    QString m_controlPlaneKeyHex; // sha256 of the control plane's public key, lowercase hex
    Clock m_clock;
    QHash<QString, Region> m_regions;
    QHash<QString, Node> m_nodes;
    QHash<QString, QByteArray> m_keys;
    QHash<QString, QDateTime> m_pendingLastSeen;
    QHash<QString, qint64> m_lastHeardMs; // monotonic, for liveness only
    QElapsedTimer m_monotonic;
    QTimer m_sweepTimer;
    QTimer m_flushTimer;
};

} // namespace Keel
