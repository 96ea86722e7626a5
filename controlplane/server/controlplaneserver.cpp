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

#include <QLoggingCategory>
#include <QTimer>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcServer, "keel.server")

namespace Keel {

namespace {

// Closes a socket no session owns, letting queued frames and the close frame go out first.
void closeAndDispose(QWebSocket *socket, QWebSocketProtocol::CloseCode code, const QString &reason)
{
    QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    socket->close(code, reason.left(120));
    // A peer that never answers the close frame does not keep the socket forever.
    QTimer::singleShot(5000, socket, &QObject::deleteLater);
}

} // namespace

ControlPlaneServer::ControlPlaneServer(OperatorServices services, ServerMetrics &metrics,
                                       QByteArray controlPlanePublicKey, std::optional<QSslConfiguration> tls,
                                       QObject *parent)
    : QObject(parent)
    , m_services(services)
    , m_metrics(metrics)
    , m_controlPlanePublicKey(std::move(controlPlanePublicKey))
    , m_server(QStringLiteral("keel-controlplane"), tls ? QWebSocketServer::SecureMode : QWebSocketServer::NonSecureMode)
{
    if (tls) {
        m_server.setSslConfiguration(*tls);
        connect(&m_server, &QWebSocketServer::sslErrors, this, [this](const QList<QSslError> &errors) {
            m_metrics.frameRejected("tls", "handshake");
            QStringList reasons;
            for (const QSslError &e : errors)
                reasons.append(e.errorString());
            qCWarning(lcServer, "TLS handshake failed: %s", qPrintable(reasons.join(QStringLiteral("; "))));
        });
    }
    connect(&m_services.deployments, &DeploymentService::desiredStateChanged, this, &ControlPlaneServer::fanOutDesiredState);
    // Labels select what a node runs: its set is computed again (and sent if it moved).
    connect(&m_services.fleet, &FleetService::nodeLabelsChanged, this, [this](const QString &node) {
        if (const QPointer<AgentSession> session = m_agentsByNode.value(node))
            session->sendDesiredState();
    });
    m_server.setHandshakeTimeout(10000);
    connect(&m_server, &QWebSocketServer::newConnection, this, &ControlPlaneServer::onNewConnection);
    connect(&m_server, &QWebSocketServer::serverError, this, [](QWebSocketProtocol::CloseCode code) {
        qCWarning(lcServer, "refused a WebSocket handshake (close code %d)", int(code));
    });
    // Out of file descriptors, Qt pauses accepting; without a resume the listener would
    // stay deaf after the flood is gone.
    connect(&m_server, &QWebSocketServer::acceptError, this, [this](QAbstractSocket::SocketError error) {
        m_metrics.frameRejected("listener", "accept_error");
        qCWarning(lcServer, "accepting a connection failed (%s); resuming in 200 ms", qPrintable(m_server.errorString()));
        QTimer::singleShot(200, this, [this] { m_server.resumeAccepting(); });
    });
}

ControlPlaneServer::~ControlPlaneServer() = default;

bool ControlPlaneServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    if (m_server.listen(address, port))
        return true;
    *error = QStringLiteral("cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(m_server.errorString());
    return false;
}

void ControlPlaneServer::onNewConnection()
{
    while (QWebSocket *socket = m_server.nextPendingConnection()) {
        const QString path = socket->requestUrl().path();
        if (path == QLatin1String("/v1/agent")) {
            acceptAgent(socket);
        } else if (path == QLatin1String("/v1/operator")) {
            acceptOperator(socket);
        } else {
            m_metrics.frameRejected("unknown", "unknown_path");
            qCWarning(lcServer, "closing a connection to unknown path %s from %s", qPrintable(path),
                      qPrintable(socket->peerAddress().toString()));
            closeAndDispose(socket, QWebSocketProtocol::CloseCodePolicyViolated,
                            QStringLiteral("unknown path %1: use /v1/agent or /v1/operator").arg(path));
        }
    }
}

void ControlPlaneServer::acceptAgent(QWebSocket *socket)
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

void ControlPlaneServer::acceptOperator(QWebSocket *socket)
{
    socket->setMaxAllowedIncomingMessageSize(kMaxOperatorMessageBytes);
    socket->setMaxAllowedIncomingFrameSize(kMaxOperatorMessageBytes);
    const QByteArray authorization = socket->request().rawHeader("Authorization");
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
