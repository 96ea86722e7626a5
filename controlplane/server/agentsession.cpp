#include "agentsession.h"

#include "agentchannelcodec.h"
#include "fleetservice.h"
#include "keelversion.h"
#include "overloaded.h"
#include "secrets.h"
#include "servermetrics.h"

namespace Keel {

namespace {
constexpr int kHandshakeTimeoutMs = 10000;
} // namespace

AgentSession::AgentSession(QWebSocket *socket, FleetService &fleet, ServerMetrics &metrics,
                           QByteArray controlPlanePublicKey, QObject *parent)
    : WebSocketSession(socket, "agent", metrics, parent)
    , m_fleet(fleet)
    , m_controlPlanePublicKey(std::move(controlPlanePublicKey))
{
    m_handshakeTimer.setSingleShot(true);
    m_handshakeTimer.setInterval(kHandshakeTimeoutMs);
    connect(&m_handshakeTimer, &QTimer::timeout, this, [this] {
        reject("handshake_timeout", QStringLiteral("no completed handshake within %1 ms").arg(kHandshakeTimeoutMs),
               QWebSocketProtocol::CloseCodePolicyViolated);
    });
    m_handshakeTimer.start();
    socket->setMaxAllowedIncomingMessageSize(kMaxHandshakeMessageBytes);
    socket->setMaxAllowedIncomingFrameSize(kMaxHandshakeMessageBytes);
}

void AgentSession::handleFrame(const QByteArray &frame)
{
    auto message = AgentChannelCodec::decode(frame);
    if (!message) {
        reject("garbled", message.error);
        return;
    }
    const quint64 id = message.value->requestId;
    std::visit(Overloaded{
        [&](const AgentHello &hello) {
            if (m_state != State::AwaitingHello)
                return reject("unexpected", QStringLiteral("a second hello on an open session"));
            onHello(id, hello);
        },
        [&](const AgentProof &proof) {
            if (m_state != State::AwaitingProof)
                return reject("unexpected", QStringLiteral("a challenge proof that nothing asked for"));
            onProof(id, proof);
        },
        [&](const AgentHeartbeat &) {
            if (m_state != State::Established)
                return reject("unexpected", QStringLiteral("a heartbeat before the handshake completed"));
            m_fleet.heartbeat(m_hello.nodeName);
        },
        [&](const AgentUnhandled &unhandled) {
            if (m_state != State::Established)
                return reject("unexpected", QStringLiteral("%1 before the handshake completed").arg(unhandled.kind));
            metrics().frameRejected("agent", "unhandled_" + unhandled.kind.toStdString());
        },
    }, message.value->body);
}

void AgentSession::refuse(quint64 requestId, const WireError &error, const std::string &resultLabel)
{
    metrics().enrollment(resultLabel);
    send(AgentChannelCodec::encodeError(requestId, error));
    reject("refused", QStringLiteral("agent refused: %1").arg(error.message), QWebSocketProtocol::CloseCodePolicyViolated);
}

void AgentSession::onHello(quint64 requestId, const AgentHello &hello)
{
    if (auto error = m_fleet.checkHello(hello))
        return refuse(requestId, *error, "refused");
    m_hello = hello;
    m_nonce = Secrets::randomBytes(32);
    m_state = State::AwaitingProof;
    send(AgentChannelCodec::encodeChallenge(requestId, m_nonce));
}

void AgentSession::onProof(quint64 requestId, const AgentProof &proof)
{
    if (!Secrets::verifyEd25519(m_hello.publicKey, agentProofMessage(m_hello.nodeName, m_nonce), proof.signature)) {
        return refuse(requestId, {ErrorCode::Unauthenticated,
                                  QStringLiteral("the challenge signature does not match the key node %1 presented").arg(m_hello.nodeName),
                                  QStringLiteral("signature")},
                      "bad_proof");
    }
    auto admission = m_fleet.admit(m_hello);
    if (auto *error = std::get_if<WireError>(&admission))
        return refuse(requestId, *error, "refused");
    m_handshakeTimer.stop();
    m_state = State::Established;
    socket()->setMaxAllowedIncomingMessageSize(kMaxMessageBytes);
    socket()->setMaxAllowedIncomingFrameSize(kMaxMessageBytes);
    metrics().enrollment("admitted");
    AgentWelcome welcome;
    welcome.nodeId = m_hello.nodeName;
    welcome.heartbeatIntervalMs = m_fleet.options().heartbeatIntervalMs;
    welcome.controlPlanePublicKey = m_controlPlanePublicKey;
    welcome.controlPlaneVersion = QStringLiteral(KEEL_VERSION);
    send(AgentChannelCodec::encodeWelcome(requestId, welcome));
    emit admitted(m_hello.nodeName);
}

} // namespace Keel
