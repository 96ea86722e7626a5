#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <functional>
#include <list>
#include <string>

namespace keel::agent {

class AgentMetrics;
class HttpConnection;

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// A small HTTP/1.1 server with keep-alive on the agent's one io_context. It owns the
// protocol chores (limits, timeouts, HEAD, Content-Length, counting) and hands every
// well-formed request to a handler. A handler answers through a continuation, so one
// that waits (the data plane waits for a worker running guest code) never blocks the
// io_context; the admin port's plain request -> response function is wrapped.
//
// Slow and idle clients cannot lock others out: headers must arrive within
// headerTimeout; when a peer holds maxConnectionsPerPeer connections, or all hold
// maxConnections, the connection that has waited longest for (or in) a request is
// closed to make room, never the new one, and never one whose request is being served.
// Oversized headers get 431 and bodies 413, and the refusal is delivered: the server
// stops sending, then reads and discards what the client still sends, for a moment,
// before closing (a close with unread input would reset the answer away).
//
// Each connection is an HttpConnection; the server accepts, keeps the list the limits
// are judged over, and sweeps it for connections past their deadline.
class HttpServer final
{
public:
    struct Limits
    {
        std::size_t headerBytes = 8 * 1024;
        std::uint64_t bodyBytes = 64 * 1024;
        // The idle wait for a request plus reading its header.
        std::chrono::milliseconds headerTimeout{10'000};
        // Reading the body after the header, and writing one response.
        std::chrono::milliseconds requestTimeout{10'000};
        std::size_t maxConnections = 1024;
        std::size_t maxConnectionsPerPeer = 256;
    };

    // Where a request came from and arrived, for handlers that pass it on (CGI): taken
    // once per connection, with the text forms a handler needs.
    struct Peer
    {
        std::string remoteAddress; // "192.0.2.1"
        std::string localAddress;
        std::string localPort;
    };
    // Must be called exactly once, on the io_context's thread.
    using Respond = std::function<void(HttpResponse)>;
    using AsyncHandler = std::function<void(const HttpRequest &, const Peer &, Respond)>;
    using Handler = std::function<HttpResponse(const HttpRequest &)>;

    HttpServer(boost::asio::io_context &io, std::string name, AsyncHandler handler,
               AgentMetrics &metrics, Limits limits);
    // For handlers that have their answer at hand.
    HttpServer(boost::asio::io_context &io, std::string name, Handler handler,
               AgentMetrics &metrics, Limits limits);
    ~HttpServer();
    HttpServer(const HttpServer &) = delete;
    HttpServer &operator=(const HttpServer &) = delete;

    boost::system::error_code listen(const boost::asio::ip::tcp::endpoint &endpoint);
    boost::asio::ip::tcp::endpoint localEndpoint() const;
    const std::string &name() const { return m_name; }

    void start();
    // Closes the listener and every open connection; in-flight requests are dropped.
    void stop();

    // Open connections now (tests and metrics).
    std::size_t connectionCount() const { return m_connections.size(); }

    // The open connections, in the order they came.
    using Connections = std::list<HttpConnection *>;

private:
    friend class HttpConnection;

    boost::asio::awaitable<void> acceptLoop();
    // Makes room for a new connection from `peer`; false when every candidate is serving.
    bool makeRoom(const boost::asio::ip::address &peer);
    bool evictOldestWaiting(const boost::asio::ip::address *peer, std::string_view reason);
    Connections::iterator connectionOpened(HttpConnection *connection);
    void connectionClosed(Connections::iterator connection);
    // Closes the connections past their deadline; runs while any are open.
    void sweep();
    void armSweep();

    boost::asio::io_context &m_io;
    std::string m_name;
    AsyncHandler m_handler;
    AgentMetrics &m_metrics;
    Limits m_limits;
    boost::asio::ip::tcp::acceptor m_acceptor;
    Connections m_connections;
    boost::asio::steady_timer m_sweepTimer;
    std::chrono::milliseconds m_sweepPeriod;
    bool m_sweeping = false;
    bool m_stopping = false;
};

} // namespace keel::agent
