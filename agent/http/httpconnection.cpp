#include "httpconnection.h"

#include "log.h"
#include "metrics/agentmetrics.h"

#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

#include <array>

namespace keel::agent {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Read at most this much at once; a request's header must fit in the buffer whole.
constexpr std::size_t kReadSize = 16 * 1024;
// After a refusal: how long, and how much, to read and discard before closing.
constexpr auto kDrainTime = std::chrono::seconds(2);
constexpr std::size_t kDrainBytes = 64u << 20;

// The status line and header fields of a response whose Content-Length and Connection
// are already set. Beast's serializer walks header and body as one composed buffer
// sequence; for a response held whole that walk cost ~5 µs a request (14% of the agent's
// CPU at 30k requests/s, measured with perf), so the head is written out here once and
// sent with the body in one gathered write.
void writeHead(const HttpResponse &response, std::string &head)
{
    head.clear();
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
}

} // namespace

HttpConnection::HttpConnection(HttpServer &server, tcp::socket socket)
    : m_server(&server)
    , m_socket(std::move(socket))
    , m_buffer(server.m_limits.headerBytes + kReadSize)
{
    boost::system::error_code ignored;
    m_socket.set_option(tcp::no_delay(true), ignored); // small answers must not wait for Nagle
    const auto remote = m_socket.remote_endpoint(ignored);
    const auto local = m_socket.local_endpoint(ignored);
    m_peerAddress = remote.address();
    m_peer = {remote.address().to_string(), local.address().to_string(), std::to_string(local.port())};
    m_registration = server.connectionOpened(this);
}

HttpConnection::~HttpConnection()
{
    close();
}

void HttpConnection::start()
{
    nextRequest();
    read();
}

void HttpConnection::nextRequest()
{
    m_parser.emplace();
    m_parser->header_limit(std::uint32_t(m_server->m_limits.headerBytes));
    m_parser->body_limit(m_server->m_limits.bodyBytes);
    m_phase = Phase::Header;
    m_headerBytes = 0;
    m_waitingSince = Clock::now();
    // The idle wait for a request and its header, under one timeout.
    m_deadline = m_waitingSince + m_server->m_limits.headerTimeout;
}

void HttpConnection::read()
{
    const std::size_t room = m_buffer.max_size() - m_buffer.size();
    if (room == 0) {
        // Only a header larger than the parser's limit can fill the buffer, and the parser
        // says so before that; answer as it would.
        refuse(http::status::request_header_fields_too_large);
        return;
    }
    m_socket.async_read_some(m_buffer.prepare(std::min(room, kReadSize)),
                             [self = shared_from_this()](const boost::system::error_code &ec, std::size_t bytes) {
                                 self->onRead(ec, bytes);
                             });
}

void HttpConnection::onRead(const boost::system::error_code &ec, std::size_t bytes)
{
    if (m_phase == Phase::Closed)
        return;
    if (ec == asio::error::eof && (m_phase == Phase::Body || (m_phase == Phase::Header && startedRequest()))) {
        // The client stopped sending in the middle of a request (it may still read).
        refuse(http::status::bad_request);
        return;
    }
    if (ec) {
        // The client went away between requests, or the connection was reset, evicted
        // or stopped.
        close();
        return;
    }
    m_buffer.commit(bytes);
    parse();
}

void HttpConnection::parse()
{
    for (;;) {
        if (m_parser->is_done()) {
            serve();
            return;
        }
        if (m_buffer.size() == 0) {
            read();
            return;
        }
        const bool hadHeader = m_parser->is_header_done();
        boost::system::error_code ec;
        const std::size_t used = m_parser->put(m_buffer.data(), ec);
        m_buffer.consume(used);
        // Beast's header limit applies to what is buffered and not yet parsed; a client
        // that sends its fields one at a time would pass it field by field. Count them all.
        if (!hadHeader) {
            m_headerBytes += used;
            if (m_headerBytes > m_server->m_limits.headerBytes) {
                refuse(http::status::request_header_fields_too_large);
                return;
            }
        }
        if (!hadHeader && m_parser->is_header_done() && !m_parser->is_done()) {
            // The body under its own timeout.
            m_phase = Phase::Body;
            m_deadline = Clock::now() + m_server->m_limits.requestTimeout;
        }
        if (ec == http::error::need_more || (!ec && used == 0)) {
            read();
            return;
        }
        if (ec == http::error::header_limit) {
            refuse(http::status::request_header_fields_too_large);
            return;
        }
        if (ec == http::error::body_limit) {
            refuse(http::status::payload_too_large);
            return;
        }
        if (ec) {
            refuse(http::status::bad_request); // a malformed request line, field or chunk
            return;
        }
    }
}

void HttpConnection::serve()
{
    const HttpRequest &request = m_parser->get();
    if (request.target().empty() || request.target().front() != '/') {
        refuse(http::status::bad_request); // absolute-form or '*'
        return;
    }
    m_phase = Phase::Serving;
    // The handler may answer before it returns (the data plane runs fast components in
    // place), or later from a worker's hop back to the io_context. Whatever it throws
    // ends this request with a 500, never the agent.
    try {
        m_server->m_handler(request, m_peer, [self = shared_from_this()](HttpResponse response) {
            self->respond(std::move(response));
        });
    } catch (const std::exception &e) {
        logError(m_server->m_name + " listener: the handler of " + std::string(request.target())
                 + " failed: " + e.what());
        respond(HttpResponse{http::status::internal_server_error, 11});
    }
}

void HttpConnection::respond(HttpResponse response)
{
    if (m_phase != Phase::Serving || !m_server)
        return; // closed while the handler worked: the answer has nowhere to go
    const HttpRequest &request = m_parser->get();
    const auto status = response.result_int();
    if (status < 200) {
        // An interim status cannot end a request; the handler's answer is not HTTP.
        logError(m_server->m_name + " listener: the answer to " + std::string(request.target()) + " has status "
                 + std::to_string(status) + ", which cannot be final; answered 502 instead");
        response = HttpResponse{http::status::bad_gateway, 11};
    }
    response.version(request.version());
    const bool keepAlive = request.keep_alive() && !m_server->m_stopping;
    response.keep_alive(keepAlive);
    if (status == 204 || status == 304) {
        response.body().clear(); // these have no body (RFC 9110 15.3.5, 15.4.5)
        response.erase(http::field::content_length);
        response.erase(http::field::transfer_encoding);
    } else if (request.method() == http::verb::head) {
        const auto size = response.body().size();
        response.body().clear();
        response.content_length(size);
    } else {
        response.prepare_payload();
    }
    const unsigned sent = response.result_int();
    write(std::move(response), Phase::Writing,
          [self = shared_from_this(), keepAlive, sent](const boost::system::error_code &ec, std::size_t) {
              self->onWritten(ec, keepAlive, sent);
          });
}

template<typename Done>
void HttpConnection::write(HttpResponse response, Phase phase, Done done)
{
    m_response = std::move(response);
    writeHead(m_response, m_head);
    m_phase = phase;
    m_deadline = Clock::now() + m_server->m_limits.requestTimeout;
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(m_head), asio::buffer(m_response.body())};
    asio::async_write(m_socket, buffers, std::move(done));
}

void HttpConnection::onWritten(const boost::system::error_code &ec, bool keepAlive, unsigned status)
{
    if (ec || !m_server || m_phase == Phase::Closed) {
        close();
        return;
    }
    m_server->m_metrics.countHttpRequest(m_server->m_name, status);
    if (!keepAlive || m_server->m_stopping) {
        boost::system::error_code ignored;
        m_socket.shutdown(tcp::socket::shutdown_send, ignored);
        close();
        return;
    }
    m_response.body().clear();
    nextRequest();
    parse(); // a pipelined request may be buffered already
}

void HttpConnection::refuse(http::status status)
{
    m_server->m_metrics.countBadRequest();
    HttpResponse response{status, 11};
    response.set(http::field::content_type, "text/plain");
    response.body() = std::string(http::obsolete_reason(status)) + "\n";
    response.keep_alive(false);
    response.prepare_payload();
    write(std::move(response), Phase::Refusing, [self = shared_from_this(), status](const boost::system::error_code &ec, std::size_t) {
        if (ec || !self->m_server || self->m_phase == Phase::Closed) {
            self->close();
            return;
        }
        self->m_server->m_metrics.countHttpRequest(self->m_server->m_name, unsigned(status));
        // The client may still be sending the rest of what was refused; closing with
        // unread input makes the kernel reset the connection, and the answer with it.
        // Stop sending, then read and discard for a moment (a lingering close).
        boost::system::error_code ignored;
        self->m_socket.shutdown(tcp::socket::shutdown_send, ignored);
        self->m_phase = Phase::Draining;
        self->m_deadline = Clock::now() + kDrainTime;
        self->m_drained = 0;
        self->m_buffer.clear();
        self->drain();
    });
}

void HttpConnection::drain()
{
    m_socket.async_read_some(m_buffer.prepare(kReadSize),
                             [self = shared_from_this()](const boost::system::error_code &ec, std::size_t bytes) {
                                 self->m_drained += bytes;
                                 if (ec || self->m_phase != Phase::Draining || self->m_drained >= kDrainBytes) {
                                     self->close();
                                     return;
                                 }
                                 self->drain();
                             });
}

bool HttpConnection::startedRequest() const
{
    // Bytes of a request line too short to parse yet are only in the buffer.
    return m_buffer.size() > 0 || (m_parser && m_parser->got_some());
}

void HttpConnection::expire(Clock::time_point now)
{
    if (m_phase == Phase::Serving || m_phase == Phase::Closed || now < m_deadline)
        return;
    // Silence between keep-alive requests is normal; a request that started and stalled
    // is a slow client.
    const bool stalled = m_phase == Phase::Body || (m_phase == Phase::Header && startedRequest());
    if (stalled && m_server) {
        m_server->m_metrics.countBadRequest();
        m_server->m_metrics.countHttpTimeout(m_server->m_name, m_phase == Phase::Body ? "body" : "header");
    }
    close();
}

void HttpConnection::detach()
{
    close();
    m_server = nullptr;
}

void HttpConnection::close()
{
    if (m_phase == Phase::Closed)
        return;
    m_phase = Phase::Closed;
    boost::system::error_code ignored;
    m_socket.close(ignored);
    if (m_server)
        m_server->connectionClosed(m_registration);
}

} // namespace keel::agent
