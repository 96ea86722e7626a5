#pragma once

#include <QObject>
#include <QWebSocketProtocol>

#include <string>

namespace Keel {

class ServerMetrics;
class WsConnection;

// One accepted WebSocket connection. Owns the socket; turns text frames, oversized
// messages and (through reject()) undecodable frames into a logged close and a counter,
// so subclasses handle only well-formed binary frames.
class WebSocketSession : public QObject
{
    Q_OBJECT

public:
    WebSocketSession(WsConnection *socket, std::string pathLabel, ServerMetrics &metrics, QObject *parent);
    ~WebSocketSession() override;

    // Above this much unsent data a peer is not reading its answers: it is dropped rather
    // than let the server buffer without end.
    static constexpr qint64 kMaxQueuedBytes = 16 * 1024 * 1024;

    QString peer() const;
    void send(const QByteArray &frame);
    // Closes this connection only: logs `why`, counts it under `reasonLabel`.
    void reject(const std::string &reasonLabel, const QString &why,
                QWebSocketProtocol::CloseCode code = QWebSocketProtocol::CloseCodeProtocolError);
    bool isClosing() const { return m_closing; }

signals:
    void closed();

protected:
    virtual void handleFrame(const QByteArray &frame) = 0;
    WsConnection *socket() const { return m_socket; }
    ServerMetrics &metrics() const { return m_metrics; }

private:
    void onDisconnected();

    WsConnection *m_socket;
    std::string m_pathLabel;
    ServerMetrics &m_metrics;
    bool m_closing = false;
};

} // namespace Keel
