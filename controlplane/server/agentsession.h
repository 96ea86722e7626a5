#pragma once

#include "agentmessages.h"
#include "websocketsession.h"

#include <QSet>

#include <functional>
#include <optional>
#include <QTimer>

namespace Keel {

class BlobStore;
class DeploymentService;
class FleetMetrics;
class FleetService;

// What an agent session serves from. Owned by ControlPlane; outlives every session.
struct AgentServices
{
    FleetService &fleet;
    DeploymentService &deployments;
    const BlobStore &blobs;
    FleetMetrics &metrics;
    std::function<QByteArray(const QByteArray &message)> sign;
};

// The control plane's side of one /v1/agent connection:
// Hello -> Challenge -> ChallengeProof -> Welcome, then the node's desired state (again
// whenever it changes), artifact chunks on request, state acks and heartbeats.
class AgentSession final : public WebSocketSession
{
    Q_OBJECT

public:
    // Until a peer has proved who it is, it may send only small frames: a hello is tiny,
    // and nobody unauthenticated gets to park megabytes in the server.
    static constexpr qint64 kMaxHandshakeMessageBytes = 64 * 1024;
    static constexpr qint64 kMaxMessageBytes = 4 * 1024 * 1024;

    // Artifacts go out in chunks of this size, one per FetchArtifact.
    static constexpr qint64 kArtifactChunkBytes = 1024 * 1024;

    AgentSession(WsConnection *socket, AgentServices services, ServerMetrics &metrics,
                 QByteArray controlPlanePublicKey, QObject *parent);

    // Sends the node its full desired state (after the handshake; a no-op before) when
    // its generation differs from the one last sent on this connection, or always.
    enum class Send { IfChanged, Always };
    void sendDesiredState(Send when = Send::IfChanged);

    QString nodeName() const { return m_state == State::Established ? m_hello.nodeName : QString(); }

signals:
    // The node proved its identity; any older session for the same node should go.
    void admitted(const QString &nodeName);

protected:
    void handleFrame(const QByteArray &frame) override;

private:
    enum class State { AwaitingHello, AwaitingProof, Established };

    void onHello(quint64 requestId, const AgentHello &hello);
    void onProof(quint64 requestId, const AgentProof &proof);
    void refuse(quint64 requestId, const WireError &error, const std::string &resultLabel);
    void onFetch(quint64 requestId, const FetchArtifact &fetch);

    AgentServices m_services;
    FleetService &m_fleet;
    // The artifacts of the last desired state sent: the only ones this node may fetch.
    QSet<QString> m_allowedDigests;
    quint64 m_sentGeneration = 0; // 0: nothing sent on this connection yet
    // The component names of the last few generations sent: acks and metrics for others
    // are dropped (and counted).
    QList<std::pair<quint64, QSet<QString>>> m_sentSets;
    QSet<QString> m_appliedNames; // what the node last acknowledged as running
    StateAck withoutForeignComponents(StateAck ack);
    // The components the node may report on: any of the sets sent lately or what it runs;
    // nullopt when it never applied a desired state (nothing to judge against). Kept up
    // to date when a set is sent or an ack applied, not rebuilt per metrics report.
    std::optional<QSet<QString>> m_reportable;
    void updateReportable();
    bool m_metricsRefusalLogged = false;
    QByteArray m_controlPlanePublicKey;
    State m_state = State::AwaitingHello;
    AgentHello m_hello;
    QByteArray m_nonce;
    QTimer m_handshakeTimer;
};

} // namespace Keel
