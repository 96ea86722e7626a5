#include "controlplaneserver.h"

#include "agentsession.h"
#include "auditlog.h"
#include "deploymentservice.h"
#include "fleetservice.h"
#include "operatorcodec.h"
#include "operatorsession.h"
#include "servermetrics.h"
#include "storeerror.h"
#include "tokenauthority.h"
#include "wsconnection.h"

#include <QLoggingCategory>
#include <QTimer>

Q_LOGGING_CATEGORY(lcServer, "keel.server")

namespace Keel {

namespace {

// Closes a socket no session owns, letting queued frames and the close frame go out first.
void closeAndDispose(WsConnection *socket, QWebSocketProtocol::CloseCode code, const QString &reason)
{
    QObject::connect(socket, &WsConnection::disconnected, socket, &QObject::deleteLater);
    socket->close(code, reason.left(120));
    // A peer that never reads its socket does not keep the connection forever.
    QTimer::singleShot(5000, socket, &QObject::deleteLater);
}

std::uint64_t readLimitOf(std::string_view path)
{
    if (path == "/v1/agent")
        return AgentSession::kMaxHandshakeMessageBytes;
    if (path == "/v1/operator")
        return ControlPlaneServer::kMaxOperatorMessageBytes;
    return ControlPlaneServer::kMaxUnknownPathMessageBytes;
}

} // namespace

ControlPlaneServer::ControlPlaneServer(OperatorServices services, ServerMetrics &metrics,
                                       QByteArray controlPlanePublicKey, QObject *parent)
    : QObject(parent)
    , m_services(services)
    , m_metrics(metrics)
    , m_controlPlanePublicKey(std::move(controlPlanePublicKey))
    , m_server(readLimitOf)
{
    // TLS handshakes that fail, requests that are not upgrades, accepts that fail (out of
    // file descriptors; the transport tries again shortly).
    connect(&m_server, &WsServer::failed, this,
            [this](const QByteArray &pathLabel, const QByteArray &label, const QString &address, const QString &what) {
                m_metrics.frameRejected(pathLabel.toStdString(), label.toStdString());
                qCWarning(lcServer, "%s%s", qPrintable(what),
                          address.isEmpty() ? "" : qPrintable(QStringLiteral(" (from %1)").arg(address)));
            });
    connect(&m_services.deployments, &DeploymentService::desiredStateChanged, this, &ControlPlaneServer::fanOutDesiredState);
    // Labels select what a node runs: its set is computed again (and sent if it moved).
    auto sendTo = [this](const QString &node) {
        if (const QPointer<AgentSession> session = m_agentsByNode.value(node))
            session->sendDesiredState();
    };
    connect(&m_services.fleet, &FleetService::nodeLabelsChanged, this, sendTo);
    connect(&m_services.deployments, &DeploymentService::nodeDesiredStateChanged, this, sendTo);
    connect(&m_server, &WsServer::newConnection, this, &ControlPlaneServer::onNewConnection);
}

ControlPlaneServer::~ControlPlaneServer() = default;

bool ControlPlaneServer::useTls(const QString &certificatePath, const QString &keyPath, QString *error)
{
    return m_server.useTls(certificatePath, keyPath, error);
}

bool ControlPlaneServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    return m_server.listen(address, port, error);
}

void ControlPlaneServer::onNewConnection(WsConnection *socket)
{
    const QString path = socket->path();
    if (path == QLatin1String("/v1/agent")) {
        acceptAgent(socket);
    } else if (path == QLatin1String("/v1/operator")) {
        acceptOperator(socket);
    } else {
        m_metrics.frameRejected("unknown", "unknown_path");
        qCWarning(lcServer, "closing a connection to unknown path %s from %s", qPrintable(path.left(200)),
                  qPrintable(socket->peerAddress().toString()));
        closeAndDispose(socket, QWebSocketProtocol::CloseCodePolicyViolated,
                        QStringLiteral("unknown path %1: use /v1/agent or /v1/operator").arg(path.left(60)));
    }
}

void ControlPlaneServer::acceptAgent(WsConnection *socket)
{
    if (m_pendingHandshakes >= kMaxPendingHandshakes) {
        m_metrics.frameRejected("agent", "busy");
        qCWarning(lcServer, "turning away an agent from %s: %d handshakes already under way",
                  qPrintable(socket->peerAddress().toString()), m_pendingHandshakes);
        closeAndDispose(socket, QWebSocketProtocol::CloseCode(1013), // "try again later" (RFC 6455 registry)
                        QStringLiteral("too many agents are enrolling; try again"));
        return;
    }
    ++m_pendingHandshakes;
    auto *session = new AgentSession(socket, AgentServices{m_services.fleet, m_services.deployments, m_services.blobs,
                                                                 m_services.metrics, m_services.sign},
                                     m_metrics, m_controlPlanePublicKey, this);
    // A session leaves the pending count once: when admitted, or when it closes before.
    auto pending = std::make_shared<bool>(true);
    auto leavePending = [this, pending] {
        if (std::exchange(*pending, false))
            --m_pendingHandshakes;
    };
    connect(session, &WebSocketSession::closed, this, leavePending);
    connect(session, &AgentSession::admitted, this, leavePending);
    connect(session, &WebSocketSession::closed, session, &QObject::deleteLater);
    connect(session, &AgentSession::admitted, this, [this, session](const QString &node) {
        // One live session per node: a reconnect wins over a half-dead older connection.
        if (QPointer<AgentSession> previous = m_agentsByNode.value(node); previous && previous != session)
            previous->reject("replaced", QStringLiteral("node %1 connected again; closing its older session").arg(node),
                             QWebSocketProtocol::CloseCodeNormal);
        m_agentsByNode.insert(node, session);
    });
}

void ControlPlaneServer::acceptOperator(WsConnection *socket)
{
    const QByteArray authorization = socket->header("Authorization");
    const QByteArray bearer = authorization.startsWith("Bearer ") ? authorization.mid(7).trimmed() : QByteArray();

    std::variant<OperatorTokenRecord, AuthRefusal> principal = AuthRefusal{};
    try {
        principal = m_services.tokens.authenticate(QString::fromUtf8(bearer));
    } catch (const StoreError &error) {
        m_metrics.storeError();
        qCCritical(lcServer, "store failure while authenticating an operator: %s", error.what());
        principal = AuthRefusal{{ErrorCode::Internal, QStringLiteral("the control plane's store failed; see its log"), {}},
                                QStringLiteral("unknown"), {}};
    }
    if (auto *refusal = std::get_if<AuthRefusal>(&principal)) {
        const WireError &error = refusal->error;
        m_metrics.request("authenticate", toText(error.code).toStdString());
        const QString peer = socket->peerAddress().toString();
        qCWarning(lcServer, "refusing operator connection from %s: %s", qPrintable(peer), qPrintable(error.message));
        m_services.audit.record(refusal->principal, refusal->principalId, QStringLiteral("authenticate"),
                                QStringLiteral("/v1/operator from ") + peer, QStringLiteral("denied: ") + error.message);
        socket->sendBinaryMessage(OperatorCodec::encodeResponse({0, error}));
        closeAndDispose(socket, QWebSocketProtocol::CloseCodePolicyViolated, error.message);
        return;
    }
    auto *session = new OperatorSession(socket, std::get<OperatorTokenRecord>(principal), m_services, m_metrics, this);
    connect(session, &WebSocketSession::closed, session, &QObject::deleteLater);
}

void ControlPlaneServer::fanOutDesiredState()
{
    // Every session gets the set current when its turn comes; a change during a fan-out
    // starts it over with everyone.
    m_fanOut.clear();
    for (const QPointer<AgentSession> &session : std::as_const(m_agentsByNode))
        if (session)
            m_fanOut.append(session);
    if (!m_fanOutScheduled) {
        m_fanOutScheduled = true;
        QTimer::singleShot(0, this, &ControlPlaneServer::fanOutBatch);
    }
}

void ControlPlaneServer::fanOutBatch()
{
    constexpr int kBatch = 200;
    for (int i = 0; i < kBatch && !m_fanOut.isEmpty(); ++i) {
        const QPointer<AgentSession> session = m_fanOut.takeLast();
        if (session)
            session->sendDesiredState();
    }
    m_fanOutScheduled = !m_fanOut.isEmpty();
    if (m_fanOutScheduled)
        QTimer::singleShot(0, this, &ControlPlaneServer::fanOutBatch);
}

} // namespace Keel
