#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QUrl>
#include <QWebSocketServer>

class QWebSocket;

// A WebSocket relay a test puts between an agent and the control plane: it accepts the
// agent on an ephemeral port, opens the same path on the real control plane, forwards
// every frame both ways unchanged and keeps a copy of each frame the agent sent, so a
// test can assert what agents tell the control plane (and what they never tell it).
class RecordingRelay final : public QObject
{
    Q_OBJECT

public:
    // upstream: the control plane, ws://HOST:PORT.
    explicit RecordingRelay(QUrl upstream, QObject *parent = nullptr);

    bool listen(); // 127.0.0.1, any free port
    QString url() const; // ws://127.0.0.1:PORT, for the agent's --controlplane
    // Every frame the agents sent, in order, over all their connections.
    const QList<QByteArray> &agentFrames() const { return m_agentFrames; }
    int connectionCount() const { return m_connections; }

private:
    void accept();
    void relay(QWebSocket *agent);

    QWebSocketServer m_server;
    QUrl m_upstream;
    QList<QByteArray> m_agentFrames;
    int m_connections = 0;
};
