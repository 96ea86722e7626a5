#include "websocketsession.h"

#include "servermetrics.h"
#include "wsconnection.h"

#include <QLoggingCategory>
#include <QTimer>

Q_LOGGING_CATEGORY(lcSession, "keel.session")

namespace Keel {

WebSocketSession::WebSocketSession(WsConnection *socket, std::string pathLabel, ServerMetrics &metrics, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_pathLabel(std::move(pathLabel))
    , m_metrics(metrics)
{
    m_socket->setParent(this);
    m_metrics.connectionOpened(m_pathLabel);
    connect(m_socket, &WsConnection::binaryMessageReceived, this, [this](const QByteArray &frame) {
        if (m_closing)
            return;
        m_metrics.frameReceived(m_pathLabel);
        handleFrame(frame);
    });
    connect(m_socket, &WsConnection::textMessageReceived, this, [this](qsizetype bytes) {
        reject("text_frame", QStringLiteral("a text frame of %1 bytes; keel.v1 speaks binary frames only").arg(bytes),
               QWebSocketProtocol::CloseCodeDatatypeNotSupported);
    });
    connect(m_socket, &WsConnection::disconnected, this, &WebSocketSession::onDisconnected);
}

WebSocketSession::~WebSocketSession()
{
    m_metrics.connectionClosed(m_pathLabel);
}

QString WebSocketSession::peer() const
{
    return QStringLiteral("%1:%2").arg(m_socket->peerAddress().toString()).arg(m_socket->peerPort());
}

void WebSocketSession::send(const QByteArray &frame)
{
    if (m_closing)
        return;
    if (m_socket->bytesToWrite() + frame.size() > kMaxQueuedBytes) {
        reject("slow_consumer", QStringLiteral("%1 bytes of answers are waiting to be read; the peer is not reading them")
                                    .arg(m_socket->bytesToWrite()),
               QWebSocketProtocol::CloseCodePolicyViolated);
        return;
    }
    m_socket->sendBinaryMessage(frame);
}

void WebSocketSession::reject(const std::string &reasonLabel, const QString &why, QWebSocketProtocol::CloseCode code)
{
    if (m_closing)
        return;
    m_closing = true;
    m_metrics.frameRejected(m_pathLabel, reasonLabel);
    qCWarning(lcSession, "closing %s connection from %s: %s", m_pathLabel.c_str(), qPrintable(peer()), qPrintable(why));
    // The close reason travels in a control frame: at most 123 bytes.
    m_socket->close(code, why.left(120));
    // A peer that does not drain its socket never sees the close frame; do not keep it.
    QTimer::singleShot(5000, m_socket, [socket = m_socket] {
        if (socket->isOpen())
            socket->abort();
    });
}

void WebSocketSession::onDisconnected()
{
    // QWebSocket closes by itself on a message above its size limit: count that as ours.
    if (!m_closing && m_socket->closeCode() == QWebSocketProtocol::CloseCodeTooMuchData) {
        m_closing = true;
        m_metrics.frameRejected(m_pathLabel, "oversized");
        qCWarning(lcSession, "closed %s connection from %s: a message above the %lld-byte limit", m_pathLabel.c_str(),
                  qPrintable(peer()), static_cast<long long>(m_socket->maxAllowedIncomingMessageSize()));
    }
    m_closing = true;
    emit closed();
}

} // namespace Keel
