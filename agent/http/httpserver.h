#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace keel::agent {

class AgentMetrics;

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// A small HTTP/1.1 server with keep-alive on the agent's one io_context. It owns the
// protocol chores (limits, timeouts, HEAD, Content-Length, counting) and hands every
// well-formed request to a handler, so the data plane and the admin port stay plain
// request -> response functions.
class HttpServer final
{
public:
    struct Limits
    {
        std::size_t headerBytes = 8 * 1024;
        std::uint64_t bodyBytes = 64 * 1024;
        // Covers reading one whole request (and the idle wait before it) and writing
        // one response, so a slow or silent client cannot pin a connection.
        std::chrono::milliseconds requestTimeout{10'000};
        std::size_t maxConnections = 256;
    };

    // Answers synchronously: every current handler has its answer at hand. The Wasm
    // runtime may turn this into a continuation when handlers start to wait.
    using Handler = std::function<HttpResponse(const HttpRequest &)>;

    HttpServer(boost::asio::io_context &io, std::string name, Handler handler,
               AgentMetrics &metrics, Limits limits);
    HttpServer(const HttpServer &) = delete;
    HttpServer &operator=(const HttpServer &) = delete;

    boost::system::error_code listen(const boost::asio::ip::tcp::endpoint &endpoint);
    boost::asio::ip::tcp::endpoint localEndpoint() const;
    const std::string &name() const { return m_name; }

    void start();
    // Closes the listener and every open connection; in-flight requests are dropped.
    void stop();

private:
    boost::asio::awaitable<void> acceptLoop();
    boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
    boost::asio::awaitable<bool> refuse(boost::beast::tcp_stream &stream,
                                        boost::beast::http::status status);

    boost::asio::io_context &m_io;
    std::string m_name;
    Handler m_handler;
    AgentMetrics &m_metrics;
    Limits m_limits;
    boost::asio::ip::tcp::acceptor m_acceptor;
    std::vector<boost::beast::tcp_stream *> m_connections;
    bool m_stopping = false;
};

} // namespace keel::agent
