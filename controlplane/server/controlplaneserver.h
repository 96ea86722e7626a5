#pragma once

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QWebSocketServer>

#include <optional>

#include "operatorservices.h"

namespace Keel {

class AgentSession;
class ServerMetrics;

// The one WebSocket listener. Routes /v1/agent and /v1/operator to their sessions and
// closes anything else; caps message sizes per path.
class ControlPlaneServer final : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kMaxOperatorMessageBytes = 64 * 1024 * 1024;
    // Agents still in their handshake; more are turned away until some finish.
    static constexpr int kMaxPendingHandshakes = 512;

    // With `tls`, the listener speaks wss:// only.
    ControlPlaneServer(OperatorServices services, ServerMetrics &metrics, QByteArray controlPlanePublicKey,
                       std::optional<QSslConfiguration> tls = std::nullopt, QObject *parent = nullptr);

    bool secure() const { return m_server.secureMode() == QWebSocketServer::SecureMode; }
    ~ControlPlaneServer() override;

    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const { return m_server.serverPort(); }
    QHostAddress address() const { return m_server.serverAddress(); }

private:
    void onNewConnection();
    void acceptAgent(QWebSocket *socket);
    void acceptOperator(QWebSocket *socket);
    // Sends every connected agent its desired state, a batch per event-loop turn so that
    // a large fleet never stalls the loop.
    void fanOutDesiredState();
    void fanOutBatch();

    OperatorServices m_services;
    ServerMetrics &m_metrics;
    QByteArray m_controlPlanePublicKey;
    QWebSocketServer m_server;
    QHash<QString, QPointer<AgentSession>> m_agentsByNode;
    int m_pendingHandshakes = 0;
    QList<QPointer<AgentSession>> m_fanOut;
    bool m_fanOutScheduled = false;
};

} // namespace Keel
