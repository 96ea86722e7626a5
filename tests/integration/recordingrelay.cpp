#include "recordingrelay.h"

#include <QWebSocket>

#include <memory>

RecordingRelay::RecordingRelay(QUrl upstream, QObject *parent)
    : QObject(parent)
    , m_server(QStringLiteral("recording-relay"), QWebSocketServer::NonSecureMode)
    , m_upstream(std::move(upstream))
{
    connect(&m_server, &QWebSocketServer::newConnection, this, &RecordingRelay::accept);
}

bool RecordingRelay::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QString RecordingRelay::url() const
{
    return QStringLiteral("ws://127.0.0.1:%1").arg(m_server.serverPort());
}

void RecordingRelay::accept()
{
    while (QWebSocket *agent = m_server.nextPendingConnection()) {
        agent->setParent(this);
        ++m_connections;
        relay(agent);
    }
}

void RecordingRelay::relay(QWebSocket *agent)
{
    // The control plane's side lives as long as the agent's; frames the agent sends
    // before it is open wait in order.
    auto *controlPlane = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, agent);
    auto waiting = std::make_shared<QList<QByteArray>>();
    QUrl target = m_upstream;
    target.setPath(agent->requestUrl().path());

    connect(agent, &QWebSocket::binaryMessageReceived, this, [this, controlPlane, waiting](const QByteArray &frame) {
        m_agentFrames.append(frame);
        if (controlPlane->state() == QAbstractSocket::ConnectedState)
            controlPlane->sendBinaryMessage(frame);
        else
            waiting->append(frame);
    });
    connect(agent, &QWebSocket::textMessageReceived, this, [this, controlPlane](const QString &text) {
        m_agentFrames.append(text.toUtf8());
        controlPlane->sendTextMessage(text);
    });
    connect(controlPlane, &QWebSocket::connected, this, [controlPlane, waiting] {
        for (const QByteArray &frame : std::as_const(*waiting))
            controlPlane->sendBinaryMessage(frame);
        waiting->clear();
    });
    connect(controlPlane, &QWebSocket::binaryMessageReceived, agent,
            [agent](const QByteArray &frame) { agent->sendBinaryMessage(frame); });
    connect(controlPlane, &QWebSocket::disconnected, agent, [agent] { agent->close(); });
    connect(agent, &QWebSocket::disconnected, this, [agent] {
        agent->deleteLater(); // and the control plane's side with it
    });
    controlPlane->open(target);
}
