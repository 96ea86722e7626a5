#pragma once

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QWebSocketProtocol>

#include "wsserver.h"

#include "operatorservices.h"

namespace Keel {

class AgentSession;
class ServerMetrics;
class WsConnection;

// The one WebSocket listener. Routes /v1/agent and /v1/operator to their sessions and
// closes anything else; caps message sizes per path. Sockets live on the transport's
// network thread (WsServer); sessions and services stay on this object's thread.
class ControlPlaneServer final : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kMaxOperatorMessageBytes = 64 * 1024 * 1024;
    // Agents still in their handshake; more are turned away (1013, try again) until some
    // finish. A pending handshake costs a few KiB; 4096 of them are about two seconds of
    // the control plane's work when a whole fleet reconnects at once (with 512, a storm
    // of 10,000 agents spent most of its time in the agents' back-off).
    static constexpr int kMaxPendingHandshakes = 4096;

    // The largest message on any other path: it is closed at once anyway.
    static constexpr qint64 kMaxUnknownPathMessageBytes = 4 * 1024;

    ControlPlaneServer(OperatorServices services, ServerMetrics &metrics, QByteArray controlPlanePublicKey,
                       QObject *parent = nullptr);
    ~ControlPlaneServer() override;

    // From then on the listener speaks wss:// only; false with *error naming the file.
    bool useTls(const QString &certificatePath, const QString &keyPath, QString *error);
    bool secure() const { return m_server.secure(); }

    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const { return m_server.serverPort(); }
    QHostAddress address() const { return m_server.serverAddress(); }

private:
    void onNewConnection(WsConnection *socket);
    void acceptAgent(WsConnection *socket);
    void acceptOperator(WsConnection *socket);
    // Sends every connected agent its desired state, a batch per event-loop turn so that
    // a large fleet never stalls the loop.
    void fanOutDesiredState();
    void fanOutBatch();

    OperatorServices m_services;
    ServerMetrics &m_metrics;
    QByteArray m_controlPlanePublicKey;
    WsServer m_server;
    QHash<QString, QPointer<AgentSession>> m_agentsByNode;
    int m_pendingHandshakes = 0;
    QList<QPointer<AgentSession>> m_fanOut;
    bool m_fanOutScheduled = false;
};

} // namespace Keel
