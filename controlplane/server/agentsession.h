#pragma once

#include "agentmessages.h"
#include "websocketsession.h"

#include <QTimer>

namespace Keel {

class FleetService;

// The control plane's side of one /v1/agent connection:
// Hello -> Challenge -> ChallengeProof -> Welcome, then heartbeats.
class AgentSession final : public WebSocketSession
{
    Q_OBJECT

public:
    // Until a peer has proved who it is, it may send only small frames: a hello is tiny,
    // and nobody unauthenticated gets to park megabytes in the server.
    static constexpr qint64 kMaxHandshakeMessageBytes = 64 * 1024;
    static constexpr qint64 kMaxMessageBytes = 4 * 1024 * 1024;

    AgentSession(QWebSocket *socket, FleetService &fleet, ServerMetrics &metrics,
                 QByteArray controlPlanePublicKey, QObject *parent);

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

    FleetService &m_fleet;
    QByteArray m_controlPlanePublicKey;
    State m_state = State::AwaitingHello;
    AgentHello m_hello;
    QByteArray m_nonce;
    QTimer m_handshakeTimer;
};

} // namespace Keel
