#pragma once

#include "coarseclock.h"
#include "httpserver.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace keel::agent {

// One client connection of an HttpServer: reads requests with Beast's parser, hands each
// to the server's handler and writes the answer, until the client or a limit ends it.
//
// It is a plain completion-handler state machine, not a coroutine over Beast's composed
// reads: per request that is one read, one parse in place and one gathered write, with no
// per-operation timer. Timeouts are deadlines that the server's sweep checks (expire()),
// so keep-alive traffic never touches the timer queue. The server lists its connections
// by pointer; a connection lives while an operation or a pending answer holds it.
class HttpConnection final : public std::enable_shared_from_this<HttpConnection>
{
public:
    // Deadlines only: coarse, and cheap to read twice a request.
    using Clock = CoarseClock;

    HttpConnection(HttpServer &server, boost::asio::ip::tcp::socket socket);
    ~HttpConnection();
    HttpConnection(const HttpConnection &) = delete;
    HttpConnection &operator=(const HttpConnection &) = delete;

    void start();

    const boost::asio::ip::address &peerAddress() const { return m_peerAddress; }
    // A request is with the handler or its answer is being written: never evicted.
    bool serving() const { return m_phase == Phase::Serving || m_phase == Phase::Writing; }
    Clock::time_point waitingSince() const { return m_waitingSince; }

    // Closes it if the deadline of what it is doing has passed (the server's sweep).
    void expire(Clock::time_point now);
    // The server is going away: close, and never reach back into it.
    void detach();
    // Closes the connection (to make room for another, too): its operations end as aborted.
    void close();

private:
    enum class Phase : std::uint8_t {
        Header,   // waiting for a request, or reading its header
        Body,     // reading its body
        Serving,  // with the handler
        Writing,  // writing its answer
        Refusing, // writing a refusal (400, 413, 431)
        Draining, // reading and discarding what the client still sends after a refusal
        Closed,
    };

    void nextRequest();
    void read();
    void onRead(const boost::system::error_code &ec, std::size_t bytes);
    // Parses what is buffered; reads more, serves, or refuses.
    void parse();
    void serve();
    void respond(HttpResponse response);
    // Sends response (head and body in one write) as the given phase, under the request
    // timeout; done gets the write's outcome.
    template<typename Done>
    void write(HttpResponse response, Phase phase, Done done);
    void onWritten(const boost::system::error_code &ec, bool keepAlive, unsigned status);
    void refuse(boost::beast::http::status status);
    void drain();
    // Some of the next request has arrived (so silence now is a stalled client).
    bool startedRequest() const;

    HttpServer *m_server;
    HttpServer::Connections::iterator m_registration;
    boost::asio::ip::tcp::socket m_socket;
    boost::asio::ip::address m_peerAddress;
    HttpServer::Peer m_peer;
    boost::beast::flat_buffer m_buffer;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> m_parser;
    HttpResponse m_response; // held while it is written
    std::string m_head;
    Phase m_phase = Phase::Header;
    std::size_t m_headerBytes = 0; // of the request being read, parsed so far
    std::size_t m_drained = 0;
    Clock::time_point m_deadline;
    Clock::time_point m_waitingSince;
};

} // namespace keel::agent
