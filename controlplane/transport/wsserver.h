#pragma once

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string_view>

#include "wsevent.h"

namespace Keel {

class WsAcceptor;
class WsConnection;
class WsMailbox;

// A WebSocket listener whose sockets live on a network thread of their own (Boost.Asio
// over epoll, Beast for the protocol), so that the cost of a message does not grow with
// the number of open connections, as it does when Qt's event loop polls every socket on
// every wake-up. Connections, messages and closes arrive here, on the thread that owns
// this object, in batches and in order.
class WsServer final : public QObject
{
    Q_OBJECT

public:
    // The largest message accepted on a path until its session says otherwise.
    using ReadLimits = std::function<std::uint64_t(std::string_view path)>;

    explicit WsServer(ReadLimits limits, QObject *parent = nullptr);
    ~WsServer() override;

    bool useTls(const QString &certificatePath, const QString &keyPath, QString *error);
    bool secure() const;
    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 serverPort() const;
    QHostAddress serverAddress() const;

    // Events handled per turn of the event loop; the rest wait for the next turn, so
    // timers and operators are never starved by a flood.
    static constexpr int kEventsPerTurn = 2000;

signals:
    // A new connection, parented to this server until someone takes it.
    void newConnection(Keel::WsConnection *connection);
    // A connection that never became one: its counter labels and what happened.
    void failed(const QByteArray &pathLabel, const QByteArray &label, const QString &address, const QString &what);

private:
    void drain();
    void dispatch(WsEvent &&event);

    std::unique_ptr<WsMailbox> m_mailbox;
    std::unique_ptr<WsAcceptor> m_acceptor;
    std::deque<WsEvent> m_backlog;
    bool m_drainScheduled = false;
    QHash<quint64, QPointer<WsConnection>> m_connections;
};

} // namespace Keel
