#include "wsserver.h"

#include "wsacceptor.h"
#include "wsconnection.h"
#include "wsmailbox.h"

namespace Keel {

WsServer::WsServer(ReadLimits limits, QObject *parent)
    : QObject(parent)
    , m_mailbox(std::make_unique<WsMailbox>([this] {
        // On the network thread: one queued call per batch of events.
        QMetaObject::invokeMethod(this, &WsServer::drain, Qt::QueuedConnection);
    }))
    , m_acceptor(std::make_unique<WsAcceptor>(*m_mailbox, std::move(limits)))
{
}

WsServer::~WsServer()
{
    // The network thread stops first; then nothing here may hold a connection's network
    // side, which must go with the io_context that runs it: every connection still
    // alive (children, and those sessions own, open or closed) lets go of it.
    m_acceptor->stop();
    m_backlog.clear();
    (void)m_mailbox->take();
    for (const QPointer<WsConnection> &connection : std::as_const(m_connections))
        if (connection)
            connection->detach();
    m_acceptor.reset();
}

bool WsServer::useTls(const QString &certificatePath, const QString &keyPath, QString *error)
{
    return m_acceptor->useTls(certificatePath, keyPath, error);
}

bool WsServer::secure() const
{
    return m_acceptor->secure();
}

bool WsServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    return m_acceptor->listen(address.toString().toStdString(), port, error);
}

quint16 WsServer::serverPort() const
{
    return m_acceptor->port();
}

QHostAddress WsServer::serverAddress() const
{
    return QHostAddress(QString::fromStdString(m_acceptor->address()));
}

void WsServer::drain()
{
    for (WsEvent &event : m_mailbox->take())
        m_backlog.push_back(std::move(event));
    for (int i = 0; i < kEventsPerTurn && !m_backlog.empty(); ++i) {
        WsEvent event = std::move(m_backlog.front());
        m_backlog.pop_front();
        dispatch(std::move(event));
    }
    if (!m_backlog.empty() && !m_drainScheduled) {
        m_drainScheduled = true;
        QMetaObject::invokeMethod(this, [this] {
            m_drainScheduled = false;
            drain();
        }, Qt::QueuedConnection);
    }
}

void WsServer::dispatch(WsEvent &&event)
{
    switch (event.kind) {
    case WsEvent::Kind::Opened: {
        auto *connection = new WsConnection(event, this);
        // Known until it is destroyed, open or not: it holds its network side until then.
        m_connections.insert(event.id, connection);
        connect(connection, &QObject::destroyed, this, [this, id = event.id] { m_connections.remove(id); });
        emit newConnection(connection);
        break;
    }
    case WsEvent::Kind::Binary:
    case WsEvent::Kind::Text:
        if (const QPointer<WsConnection> connection = m_connections.value(event.id))
            connection->deliver(std::move(event));
        break;
    case WsEvent::Kind::Closed:
        if (const QPointer<WsConnection> connection = m_connections.value(event.id))
            connection->deliver(std::move(event));
        break;
    case WsEvent::Kind::Failed:
        emit failed(event.pathLabel, event.label, event.address, event.reason);
        break;
    }
}

} // namespace Keel
