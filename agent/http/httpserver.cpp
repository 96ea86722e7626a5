#include "httpserver.h"

#include "httpconnection.h"
#include "log.h"
#include "metrics/agentmetrics.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <vector>

namespace keel::agent {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

// Keeps a coroutine's failure in the log instead of in std::terminate.
void logFailure(std::string_view what, std::exception_ptr failure)
{
    if (!failure)
        return;
    try {
        std::rethrow_exception(failure);
    } catch (const std::exception &e) {
        logError(std::string(what) + ": " + e.what());
    }
}

} // namespace

HttpServer::HttpServer(asio::io_context &io, std::string name, Handler handler,
                       AgentMetrics &metrics, Limits limits)
    : HttpServer(
          io, std::move(name),
          [handler = std::move(handler)](const HttpRequest &request, const Peer &, Respond respond) {
              respond(handler(request));
          },
          metrics, limits)
{
}

HttpServer::HttpServer(asio::io_context &io, std::string name, AsyncHandler handler,
                       AgentMetrics &metrics, Limits limits)
    : m_io(io)
    , m_name(std::move(name))
    , m_handler(std::move(handler))
    , m_metrics(metrics)
    , m_limits(limits)
    , m_acceptor(io)
    , m_sweepTimer(io)
    // Deadlines are checked this often: timeouts fire up to one period late.
    , m_sweepPeriod(std::clamp(std::min(m_limits.headerTimeout, m_limits.requestTimeout) / 10,
                               std::chrono::milliseconds(10), std::chrono::milliseconds(1000)))
{
}

HttpServer::~HttpServer()
{
    // Answers still pending on workers find their connection detached, not a dangling server.
    const std::vector<HttpConnection *> open(m_connections.begin(), m_connections.end());
    for (HttpConnection *connection : open)
        connection->detach();
}

boost::system::error_code HttpServer::listen(const tcp::endpoint &endpoint)
{
    boost::system::error_code ec;
    m_acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        m_acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        m_acceptor.bind(endpoint, ec);
    if (!ec)
        m_acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        boost::system::error_code ignored;
        m_acceptor.close(ignored);
    }
    return ec;
}

tcp::endpoint HttpServer::localEndpoint() const
{
    boost::system::error_code ec;
    return m_acceptor.local_endpoint(ec);
}

void HttpServer::start()
{
    asio::co_spawn(m_io, acceptLoop(),
                   [name = m_name](std::exception_ptr e) { logFailure(name + " listener", e); });
}

void HttpServer::stop()
{
    m_stopping = true;
    boost::system::error_code ignored;
    m_acceptor.close(ignored);
    m_sweepTimer.cancel();
    // Closing unlists a connection, so walk a copy.
    const std::vector<HttpConnection *> open(m_connections.begin(), m_connections.end());
    for (HttpConnection *connection : open)
        connection->close();
}

HttpServer::Connections::iterator HttpServer::connectionOpened(HttpConnection *connection)
{
    m_connections.push_back(connection);
    armSweep();
    return std::prev(m_connections.end());
}

void HttpServer::connectionClosed(Connections::iterator connection)
{
    m_connections.erase(connection);
}

void HttpServer::sweep()
{
    const auto now = HttpConnection::Clock::now();
    for (auto it = m_connections.begin(); it != m_connections.end();) {
        HttpConnection *connection = *it++; // expiring unlists it
        connection->expire(now);
    }
    armSweep();
}

void HttpServer::armSweep()
{
    // Armed only while connections are open: an idle agent does not wake up for it.
    if (m_sweeping || m_stopping || m_connections.empty())
        return;
    m_sweeping = true;
    m_sweepTimer.expires_after(m_sweepPeriod);
    m_sweepTimer.async_wait([this](const boost::system::error_code &ec) {
        if (ec)
            return; // cancelled by stop(), or the server is being destroyed: touch nothing
        m_sweeping = false;
        sweep();
    });
}

bool HttpServer::evictOldestWaiting(const asio::ip::address *peer, std::string_view reason)
{
    auto oldest = m_connections.end();
    for (auto it = m_connections.begin(); it != m_connections.end(); ++it) {
        const HttpConnection &c = **it;
        if (c.serving() || (peer && c.peerAddress() != *peer))
            continue;
        if (oldest == m_connections.end() || c.waitingSince() < (*oldest)->waitingSince())
            oldest = it;
    }
    if (oldest == m_connections.end())
        return false;
    (*oldest)->close(); // unlists it; its pending read ends as aborted
    m_metrics.countEvictedConnection(m_name, reason);
    return true;
}

bool HttpServer::makeRoom(const asio::ip::address &peer)
{
    std::size_t total = 0;
    std::size_t fromPeer = 0;
    for (const HttpConnection *connection : m_connections) {
        ++total;
        fromPeer += connection->peerAddress() == peer ? 1 : 0;
    }
    if (fromPeer >= m_limits.maxConnectionsPerPeer) {
        if (!evictOldestWaiting(&peer, "peer_limit"))
            return false;
        --total;
    }
    if (total >= m_limits.maxConnections && !evictOldestWaiting(nullptr, "connection_limit"))
        return false;
    return true;
}

asio::awaitable<void> HttpServer::acceptLoop()
{
    asio::steady_timer pause(m_io);
    while (!m_stopping) {
        auto [ec, socket] = co_await m_acceptor.async_accept(nothrow);
        if (ec == asio::error::operation_aborted || m_stopping)
            co_return;
        if (ec) {
            // Out of descriptors or buffers: back off briefly instead of spinning.
            logError(m_name + " listener: accept failed: " + ec.message());
            pause.expires_after(std::chrono::milliseconds(100));
            co_await pause.async_wait(nothrow);
            continue;
        }
        boost::system::error_code peerError;
        const auto remote = socket.remote_endpoint(peerError);
        if (peerError || !makeRoom(remote.address())) {
            // Every connection this one could replace is being served: the newcomer waits
            // for nothing and is closed at once.
            m_metrics.countRefusedConnection(m_name);
            socket.close(ec);
            continue;
        }
        std::make_shared<HttpConnection>(*this, std::move(socket))->start();
    }
}

} // namespace keel::agent
