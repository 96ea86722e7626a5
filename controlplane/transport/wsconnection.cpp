#include "wsconnection.h"

#include "wsevent.h"
#include "wspeer.h"

namespace Keel {

WsConnection::WsConnection(const WsEvent &opened, QObject *parent)
    : QObject(parent)
    , m_peer(opened.peer)
    , m_path(opened.path)
    , m_headers(opened.headers)
    , m_address(opened.address)
    , m_port(opened.port)
    , m_maxMessageBytes(qint64(opened.readLimit))
{
}

WsConnection::~WsConnection()
{
    if (m_open)
        m_peer->abort();
}

QByteArray WsConnection::header(const QByteArray &name) const
{
    for (const auto &[key, value] : m_headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

void WsConnection::sendBinaryMessage(const QByteArray &message)
{
    if (m_open)
        m_peer->send(message);
}

qint64 WsConnection::bytesToWrite() const
{
    return m_peer ? m_peer->queuedBytes() : 0;
}

void WsConnection::close(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (m_open)
        m_peer->close(int(code), reason.toStdString());
}

void WsConnection::abort()
{
    if (m_open)
        m_peer->abort();
}

void WsConnection::setMaxAllowedIncomingMessageSize(qint64 bytes)
{
    m_maxMessageBytes = bytes;
    if (m_open)
        m_peer->setReadLimit(std::uint64_t(bytes));
}

void WsConnection::detach()
{
    if (m_open)
        m_closeCode = QWebSocketProtocol::CloseCodeGoingAway;
    m_open = false;
    m_peer.reset();
}

void WsConnection::deliver(WsEvent &&event)
{
    if (!m_open)
        return;
    switch (event.kind) {
    case WsEvent::Kind::Binary: {
        const std::shared_ptr<WsPeer> peer = m_peer; // a slot may delete this connection
        emit binaryMessageReceived(event.data);
        peer->consumed(event.data.size());
        break;
    }
    case WsEvent::Kind::Text: {
        const std::shared_ptr<WsPeer> peer = m_peer;
        emit textMessageReceived(event.data.size());
        peer->consumed(event.data.size());
        break;
    }
    case WsEvent::Kind::Closed:
        m_open = false;
        m_closeCode = QWebSocketProtocol::CloseCode(event.closeCode);
        emit disconnected();
        break;
    case WsEvent::Kind::Opened:
    case WsEvent::Kind::Failed:
        break;
    }
}

} // namespace Keel
