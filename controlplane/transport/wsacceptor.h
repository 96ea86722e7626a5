#pragma once

#include <QString>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <thread>

namespace Keel {

class WsMailbox;

// The network thread: one io_context (epoll) that accepts TCP connections, runs TLS and
// the WebSocket upgrade, and reads and writes every connection's messages, telling the
// Qt side through the mailbox. Nothing here touches a QObject.
class WsAcceptor final
{
public:
    using ReadLimits = std::function<std::uint64_t(std::string_view path)>;

    WsAcceptor(WsMailbox &mailbox, ReadLimits limits);
    ~WsAcceptor();

    // Serve wss:// with this PEM certificate (chain) and unencrypted key; false with
    // *error naming the file and what to do.
    bool useTls(const QString &certificatePath, const QString &keyPath, QString *error);
    bool secure() const { return m_tls.has_value(); }

    // Stops the network thread (idempotent); connections stay as they are until this
    // object goes.
    void stop();

    // Binds and starts the network thread.
    bool listen(const std::string &address, std::uint16_t port, QString *error);
    std::uint16_t port() const { return m_port; }
    std::string address() const { return m_address; }

private:
    void acceptNext();

    WsMailbox &m_mailbox;
    ReadLimits m_limits;
    // Before the io_context: connections it still holds at destruction use the context.
    std::optional<boost::asio::ssl::context> m_tls;
    boost::asio::io_context m_io{1};
    boost::asio::ip::tcp::acceptor m_acceptor{m_io};
    boost::asio::steady_timer m_retry{m_io};
    std::thread m_thread;
    quint64 m_nextId = 1;
    std::uint16_t m_port = 0;
    std::string m_address;
};

} // namespace Keel
