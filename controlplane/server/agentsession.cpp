#include "agentsession.h"

#include "agentchannelcodec.h"
#include "blobstore.h"
#include "deploymentservice.h"
#include "fleetmetrics.h"
#include "fleetservice.h"
#include "keelversion.h"
#include "overloaded.h"
#include "secrets.h"
#include "servermetrics.h"
#include "wsconnection.h"

#include <QLoggingCategory>
#include <QFile>

namespace Keel {

Q_LOGGING_CATEGORY(lcAgentSession, "keel.agent")

namespace {
constexpr int kHandshakeTimeoutMs = 10000;
} // namespace

AgentSession::AgentSession(WsConnection *socket, AgentServices services, ServerMetrics &metrics,
                           QByteArray controlPlanePublicKey, QObject *parent)
    : WebSocketSession(socket, "agent", metrics, parent)
    , m_services(services)
    , m_fleet(services.fleet)
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
        [&](const StateAck &ack) {
            if (m_state != State::Established)
                return reject("unexpected", QStringLiteral("a state ack before the handshake completed"));
            const StateAck kept = withoutForeignComponents(ack);
            if (kept.applied) {
                m_appliedNames.clear();
                for (const ComponentStatus &status : kept.components)
                    m_appliedNames.insert(status.name);
                updateReportable();
            }
            m_services.deployments.recordAck(m_hello.nodeName, kept);
        },
        [&](const FetchArtifact &fetch) {
            if (m_state != State::Established)
                return reject("unexpected", QStringLiteral("an artifact fetch before the handshake completed"));
            onFetch(id, fetch);
        },
        [&](const MetricsReport &report) {
            if (m_state != State::Established)
                return reject("unexpected", QStringLiteral("a metrics report before the handshake completed"));
            if (const auto refused = m_services.metrics.ingest(m_hello.nodeName, m_hello.region, report,
                                                               m_reportable ? &*m_reportable : nullptr)) {
                // Counted by FleetMetrics; logged once per session so a bad agent cannot flood the log.
                if (!m_metricsRefusalLogged) {
                    m_metricsRefusalLogged = true;
                    qWarning("keel.metrics: refusing metrics of node %s: %s", qPrintable(m_hello.nodeName), qPrintable(*refused));
                }
            }
        },
        [&](const AgentUnhandled &unhandled) {
            if (m_state != State::Established)
                return reject("unexpected", QStringLiteral("%1 before the handshake completed").arg(unhandled.kind));
            metrics().frameRejected("agent", "unhandled_" + unhandled.kind.toStdString());
        },
    }, message.value->body);
}

void AgentSession::updateReportable()
{
    QSet<QString> names = m_appliedNames;
    if (names.isEmpty()) {
        // Nothing acknowledged on this connection yet: what the node reported before.
        const NodeStateRecord reported = m_services.deployments.reportedState(m_hello.nodeName);
        if (reported.appliedGeneration == 0) {
            m_reportable.reset();
            return;
        }
        for (const ComponentStatus &status : reported.applied)
            names.insert(status.name);
    }
    for (const auto &sent : m_sentSets)
        names.unite(sent.second);
    m_reportable = std::move(names);
}

StateAck AgentSession::withoutForeignComponents(StateAck ack)
{
    // Against the set of the generation acknowledged, else any set sent lately.
    const auto sent = std::find_if(m_sentSets.cbegin(), m_sentSets.cend(), [&](const auto &s) { return s.first == ack.generation; });
    if (m_sentSets.isEmpty())
        return ack;
    QSet<QString> names;
    if (sent != m_sentSets.cend()) {
        names = sent->second;
    } else {
        for (const auto &s : m_sentSets)
            names.unite(s.second);
    }
    const qsizetype before = ack.components.size();
    ack.components.removeIf([&](const ComponentStatus &status) { return !names.contains(status.name); });
    for (qsizetype i = ack.components.size(); i < before; ++i)
        metrics().foreignComponent("ack");
    if (ack.components.size() < before) {
        qCWarning(lcAgentSession, "node %s acknowledged %lld component(s) its desired set (generation %llu) does not name; dropped",
                  qPrintable(m_hello.nodeName), qint64(before - ack.components.size()), ack.generation);
    }
    return ack;
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
    metrics().enrollment("admitted");
    AgentWelcome welcome;
    welcome.nodeId = m_hello.nodeName;
    welcome.heartbeatIntervalMs = m_fleet.options().heartbeatIntervalMs;
    welcome.controlPlanePublicKey = m_controlPlanePublicKey;
    welcome.controlPlaneVersion = QStringLiteral(KEEL_VERSION);
    welcome.metricsIntervalMs = m_services.metrics.options().metricsIntervalMs;
    send(AgentChannelCodec::encodeWelcome(requestId, welcome));
    emit admitted(m_hello.nodeName);
    sendDesiredState(Send::Always); // on every (re)connect: the full set
}

void AgentSession::sendDesiredState(Send when)
{
    if (m_state != State::Established)
        return;
    const auto node = m_fleet.node(m_hello.nodeName);
    if (!node)
        return;
    const DesiredState state = m_services.deployments.desiredFor(*node);
    // Generations are per node: a change elsewhere in the fleet sends this node nothing.
    if (when == Send::IfChanged && state.generation == m_sentGeneration)
        return;
    m_sentGeneration = state.generation;
    QSet<QString> names;
    for (const ComponentRef &ref : state.components)
        names.insert(ref.manifest.name);
    m_sentSets.removeIf([&](const auto &sent) { return sent.first == state.generation; });
    m_sentSets.append({state.generation, names});
    constexpr qsizetype kSetsKept = 4; // an ack may trail the newest state by a few
    while (m_sentSets.size() > kSetsKept)
        m_sentSets.removeFirst();
    updateReportable();
    m_allowedDigests.clear();
    for (const ComponentRef &ref : state.components) {
        m_allowedDigests.insert(ref.moduleDigest);
        if (!ref.aotDigest.isEmpty())
            m_allowedDigests.insert(ref.aotDigest);
    }
    send(AgentChannelCodec::encodeDesiredState(state, m_hello.nodeName, m_services.sign));
}

void AgentSession::onFetch(quint64 requestId, const FetchArtifact &fetch)
{
    // A node reads only what its own desired state names: digests of other nodes'
    // components are as unknown to it as digests that exist nowhere.
    if (!m_allowedDigests.contains(fetch.digest)) {
        metrics().frameRejected("agent", "fetch_not_allowed");
        send(AgentChannelCodec::encodeError(requestId, {ErrorCode::NotFound,
                                                        QStringLiteral("artifact %1 is not part of node %2's desired state")
                                                            .arg(fetch.digest.left(80), m_hello.nodeName),
                                                        QStringLiteral("digest")}));
        return;
    }
    QFile file(m_services.blobs.pathOf(fetch.digest));
    if (!file.open(QIODevice::ReadOnly)) {
        send(AgentChannelCodec::encodeError(requestId, {ErrorCode::Unavailable,
                                                        QStringLiteral("artifact %1 cannot be read now; retry").arg(fetch.digest),
                                                        QStringLiteral("digest")}));
        return;
    }
    const qint64 total = file.size();
    if (fetch.offset > quint64(total)) {
        send(AgentChannelCodec::encodeError(requestId, {ErrorCode::BadRequest,
                                                        QStringLiteral("offset %1 is past the end of %2 (%3 bytes)")
                                                            .arg(fetch.offset).arg(fetch.digest).arg(total),
                                                        QStringLiteral("offset")}));
        return;
    }
    file.seek(qint64(fetch.offset));
    ArtifactChunk chunk;
    chunk.digest = fetch.digest;
    chunk.offset = fetch.offset;
    chunk.totalSize = quint64(total);
    chunk.data = file.read(kArtifactChunkBytes);
    chunk.last = qint64(fetch.offset) + chunk.data.size() >= total;
    send(AgentChannelCodec::encodeArtifactChunk(requestId, chunk));
}

} // namespace Keel
