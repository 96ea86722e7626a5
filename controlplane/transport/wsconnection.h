#pragma once

#include <QHostAddress>
#include <QObject>
#include <QWebSocketProtocol>

#include <memory>

namespace Keel {

class WsPeer;
struct WsEvent;

// The Qt side of one accepted WebSocket connection, living on the thread that runs the
// services; its socket lives on the network thread (WsPeer). Sends are queued there and
// never block; messages arrive as signals, whole and in order. Deleting an open
// connection drops it.
class WsConnection final : public QObject
{
    Q_OBJECT

public:
    WsConnection(const WsEvent &opened, QObject *parent);
    ~WsConnection() override;

    QString path() const { return m_path; }
    // A header of the upgrade request (case-insensitive name); empty when absent.
    QByteArray header(const QByteArray &name) const;
    QHostAddress peerAddress() const { return m_address; }
    quint16 peerPort() const { return m_port; }

    bool isOpen() const { return m_open; }
    void sendBinaryMessage(const QByteArray &message);
    // Bytes sent and not yet written to the socket.
    qint64 bytesToWrite() const;
    // Sends a close frame after what is queued; disconnected() follows when the peer
    // answers or after a few seconds.
    void close(QWebSocketProtocol::CloseCode code, const QString &reason);
    void abort();
    void setMaxAllowedIncomingMessageSize(qint64 bytes);
    qint64 maxAllowedIncomingMessageSize() const { return m_maxMessageBytes; }
    // How the connection ended (valid after disconnected()).
    QWebSocketProtocol::CloseCode closeCode() const { return m_closeCode; }

    // Called by WsServer with this connection's events.
    void deliver(WsEvent &&event);
    // Called by WsServer as it goes (its owner is going too): the connection is closed
    // (1001, going away) without a signal and lets go of its network side.
    void detach();

signals:
    void binaryMessageReceived(const QByteArray &message);
    void textMessageReceived(qsizetype bytes);
    void disconnected();

private:
    std::shared_ptr<WsPeer> m_peer;
    QString m_path;
    QList<std::pair<QByteArray, QByteArray>> m_headers;
    QHostAddress m_address;
    quint16 m_port = 0;
    bool m_open = true;
    qint64 m_maxMessageBytes = 0;
    QWebSocketProtocol::CloseCode m_closeCode = QWebSocketProtocol::CloseCodeNormal;
};

} // namespace Keel
