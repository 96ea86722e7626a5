#include "httpserver.h"

#include "log.h"
#include "metrics/agentmetrics.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <array>

namespace keel::agent {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
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

// The status line and header fields of a response whose Content-Length and Connection
// are already set. Beast's serializer walks header and body as one composed buffer
// sequence; for a response held whole that walk cost ~5 µs a request (14% of the agent's
// CPU at 30k requests/s, measured with perf), so the head is written out here once and
// sent with the body in one gathered write.
std::string responseHead(const HttpResponse &response)
{
    std::string head;
    head.reserve(128);
    head.append(response.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    head.append(std::to_string(response.result_int()));
    head.push_back(' ');
    const auto reason = response.reason();
    head.append(reason.empty() ? http::obsolete_reason(response.result()) : reason);
    head.append("\r\n");
    for (const auto &field : response) {
        head.append(field.name_string());
        head.append(": ");
        head.append(field.value());
        head.append("\r\n");
    }
    head.append("\r\n");
    return head;
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
{
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
    for (auto &connection : m_connections)
        connection.stream->close();
}

bool HttpServer::evictOldestWaiting(const asio::ip::address *peer, std::string_view reason)
{
    auto oldest = m_connections.end();
    for (auto it = m_connections.begin(); it != m_connections.end(); ++it) {
        if (it->evicted || it->serving || (peer && it->peer != *peer))
            continue;
        if (oldest == m_connections.end() || it->waitingSince < oldest->waitingSince)
            oldest = it;
    }
    if (oldest == m_connections.end())
        return false;
    oldest->evicted = true;
    oldest->stream->close(); // its coroutine sees operation_aborted and unregisters
    m_metrics.countEvictedConnection(m_name, reason);
    return true;
}

bool HttpServer::makeRoom(const asio::ip::address &peer)
{
    std::size_t total = 0;
    std::size_t fromPeer = 0;
    for (const auto &connection : m_connections) {
        if (connection.evicted)
            continue;
        ++total;
        fromPeer += connection.peer == peer ? 1 : 0;
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
        asio::co_spawn(m_io, serve(std::move(socket)), [name = m_name](std::exception_ptr e) {
            logFailure(name + " connection", e);
        });
    }
}

asio::awaitable<void> HttpServer::refuse(beast::tcp_stream &stream, http::status status)
{
    m_metrics.countBadRequest();
    HttpResponse response{status, 11};
    response.set(http::field::content_type, "text/plain");
    response.body() = std::string(http::obsolete_reason(status)) + "\n";
    response.keep_alive(false);
    response.prepare_payload();
    stream.expires_after(m_limits.requestTimeout);
    auto [ec, n] = co_await http::async_write(stream, response, nothrow);
    if (ec)
        co_return;
    m_metrics.countHttpRequest(m_name, unsigned(status));
    // The client may still be sending the rest of what was refused; closing with unread
    // input makes the kernel reset the connection, and the answer with it. Stop sending,
    // then read and discard for a moment (a lingering close: 2 s, at most 64 MiB).
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.expires_after(std::chrono::seconds(2));
    std::array<char, 16 * 1024> sink;
    for (std::size_t drained = 0; drained < (64u << 20);) {
        auto [readError, got] = co_await stream.async_read_some(asio::buffer(sink), nothrow);
        if (readError)
            break;
        drained += got;
    }
}

asio::awaitable<void> HttpServer::serve(tcp::socket socket)
{
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored); // small answers must not wait for Nagle
    const auto remote = socket.remote_endpoint(ignored);
    const auto local = socket.local_endpoint(ignored);
    const Peer peer{remote.address().to_string(), local.address().to_string(), std::to_string(local.port())};
    const auto peerAddress = remote.address();
    beast::tcp_stream stream(std::move(socket));
    m_connections.push_back({&stream, peerAddress, false, false, std::chrono::steady_clock::now()});
    const auto self = std::prev(m_connections.end());
    struct Unregister
    {
        Connections &list;
        Connections::iterator self;
        ~Unregister() { list.erase(self); }
    } unregister{m_connections, self};

    beast::flat_buffer buffer;
    bool keepAlive = true;
    while (keepAlive && !m_stopping && !self->evicted) {
        self->serving = false;
        self->waitingSince = std::chrono::steady_clock::now();
        http::request_parser<http::string_body> parser;
        parser.header_limit(std::uint32_t(m_limits.headerBytes));
        parser.body_limit(m_limits.bodyBytes);
        // The header (and the idle wait before it) under its own timeout, then the body.
        stream.expires_after(m_limits.headerTimeout);
        auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, nothrow);
        const bool inBody = !ec;
        if (!ec && !parser.is_done()) {
            stream.expires_after(m_limits.requestTimeout);
            std::tie(ec, n) = co_await http::async_read(stream, buffer, parser, nothrow);
        }
        if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || self->evicted)
            break;
        if (ec == beast::error::timeout) {
            // Silence between keep-alive requests is normal; a request that started and
            // stalled is a slow client.
            if (parser.got_some()) {
                m_metrics.countBadRequest();
                m_metrics.countHttpTimeout(m_name, inBody ? "body" : "header");
            }
            break;
        }
        if (ec == http::error::header_limit) {
            co_await refuse(stream, http::status::request_header_fields_too_large);
            break;
        }
        if (ec == http::error::body_limit) {
            co_await refuse(stream, http::status::payload_too_large);
            break;
        }
        if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
            co_await refuse(stream, http::status::bad_request);
            break;
        }
        if (ec)
            break; // reset by peer and the like: nothing to answer

        const HttpRequest &request = parser.get();
        if (request.target().empty() || request.target().front() != '/') {
            co_await refuse(stream, http::status::bad_request); // absolute-form or '*'
            break;
        }
        self->serving = true;
        HttpResponse response = co_await asio::async_initiate<const asio::use_awaitable_t<> &,
                                                              void(HttpResponse)>(
            [this, &request, &peer](auto handler) {
                // std::function needs a copyable callable; the completion handler is not.
                auto shared = std::make_shared<decltype(handler)>(std::move(handler));
                m_handler(request, peer, [shared](HttpResponse r) { (*shared)(std::move(r)); });
            },
            asio::use_awaitable);
        response.version(request.version());
        keepAlive = request.keep_alive() && !m_stopping;
        response.keep_alive(keepAlive);
        if (request.method() == http::verb::head) {
            const auto size = response.body().size();
            response.body().clear();
            response.content_length(size);
        } else {
            response.prepare_payload();
        }
        stream.expires_after(m_limits.requestTimeout);
        const std::string head = responseHead(response);
        const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(response.body())};
        auto [writeError, written] = co_await asio::async_write(stream, buffers, nothrow);
        if (writeError)
            break;
        m_metrics.countHttpRequest(m_name, response.result_int());
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

} // namespace keel::agent
