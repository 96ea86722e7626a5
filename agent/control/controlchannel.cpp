#include "controlchannel.h"

#include "control/agentcodec.h"
#include "identity/nodeidentity.h"
#include "log.h"
#include "metrics/agentmetrics.h"

#include "keelversion.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>

namespace keel::agent {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t kHelloRequestId = 1;
constexpr std::size_t kMaxFrameBytes = 16 * 1024 * 1024;
// From TCP connect to Welcome; a control plane that takes longer is treated as down.
constexpr auto kEnrollTimeout = 10s;
constexpr auto kDefaultHeartbeat = 10s;
// Bigger read buffers are released after use; desired states can be large but rare.
constexpr std::size_t kKeptBufferBytes = 64 * 1024;

bool isFatal(ErrorCode code)
{
    return code == ErrorCode::JoinTokenInvalid || code == ErrorCode::Conflict
           || code == ErrorCode::Unauthenticated || code == ErrorCode::BadRequest;
}

std::int64_t unixMillisNow()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

struct ControlChannel::Connection
{
    explicit Connection(asio::io_context &io)
        : ws(io)
        , heartbeat(io)
    {
    }

    websocket::stream<beast::tcp_stream> ws;
    beast::flat_buffer buffer;
    asio::steady_timer heartbeat;
    std::chrono::milliseconds heartbeatInterval{kDefaultHeartbeat};
    std::deque<std::string> outbox; // used once enrolled; written one at a time
    bool writing = false;
    bool closing = false;
    bool established = false;
};

ControlChannel::ControlChannel(asio::io_context &io, ControlPlaneAddress address, Hello hello,
                               const NodeIdentity &identity, AgentMetrics &metrics,
                               FatalHandler onFatal, Backoff::Random random)
    : m_io(io)
    , m_address(std::move(address))
    , m_hello(std::move(hello))
    , m_identity(identity)
    , m_metrics(metrics)
    , m_onFatal(std::move(onFatal))
    , m_backoff(250ms, 2.0, 15s, std::move(random))
    , m_resolver(io)
    , m_retryTimer(io)
{
}

ControlChannel::~ControlChannel() = default;

void ControlChannel::start()
{
    asio::co_spawn(m_io, run(), [](std::exception_ptr failure) {
        if (!failure)
            return;
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception &e) {
            logError(std::string("control channel stopped: ") + e.what());
        }
    });
}

void ControlChannel::stop()
{
    m_stopping = true;
    m_retryTimer.cancel();
    m_resolver.cancel();
    if (const auto connection = m_connection) {
        connection->heartbeat.cancel();
        // Bounds the close handshake, so a silent peer cannot hold up the exit.
        beast::get_lowest_layer(connection->ws).expires_after(2s);
        if (connection->ws.is_open() && !connection->closing) {
            connection->closing = true;
            connection->ws.async_close(websocket::close_code::going_away,
                                       [connection](beast::error_code) {
                                           beast::get_lowest_layer(connection->ws).close();
                                       });
        } else if (!connection->ws.is_open()) {
            beast::get_lowest_layer(connection->ws).close(); // still connecting
        }
    }
}

asio::awaitable<void> ControlChannel::run()
{
    bool first = true;
    while (!m_stopping) {
        if (!first)
            m_metrics.countReconnect();
        first = false;
        const SessionEnd end = co_await session();
        m_connection.reset();
        m_metrics.setControlPlaneConnected(false);
        if (m_stopping || end.kind == SessionEnd::Kind::Stopped)
            co_return;
        if (end.kind == SessionEnd::Kind::Fatal) {
            m_stopping = true;
            m_onFatal(end.reason);
            co_return;
        }
        const auto delay = m_backoff.next();
        if (!end.reason.empty()) {
            logError("control plane at " + m_address.url + ": " + end.reason + "; retrying in "
                     + std::to_string(delay.count()) + " ms");
        }
        m_retryTimer.expires_after(delay);
        co_await m_retryTimer.async_wait(nothrow);
    }
}

asio::awaitable<ControlChannel::SessionEnd> ControlChannel::session()
{
    const auto connection = std::make_shared<Connection>(m_io);
    m_connection = connection;
    std::string failure = co_await open(*connection);
    if (m_stopping)
        co_return SessionEnd{SessionEnd::Kind::Stopped, {}};
    if (!failure.empty())
        co_return SessionEnd{SessionEnd::Kind::Retry, std::move(failure)};
    SessionEnd end;

    // Enrollment: Hello -> Challenge -> ChallengeProof -> Welcome, or an Error.
    // Frames are built into named locals before each co_await: GCC 12 can destroy
    // temporaries of a co_await full-expression twice.
    const std::string helloFrame = AgentCodec::encode(OutboundMessage{kHelloRequestId, m_hello});
    auto [helloError, helloBytes] = co_await connection->ws.async_write(asio::buffer(helloFrame),
                                                                        nothrow);
    if (helloError)
        co_return SessionEnd{SessionEnd::Kind::Retry, "sending hello failed: " + helloError.message()};

    bool proved = false;
    for (;;) {
        const auto message = co_await receive(*connection, end);
        if (!message)
            co_return end;
        if (const auto *error = std::get_if<ControlError>(&message->body)) {
            end = refused(*error, !connection->established);
            co_await close(*connection);
            co_return end;
        }
        if (const auto *challenge = std::get_if<Challenge>(&message->body); challenge && !proved) {
            const auto signature = m_identity.proveChallenge(m_hello.nodeName, challenge->nonce);
            const std::string proofFrame = AgentCodec::encode(OutboundMessage{
                message->requestId, ChallengeProof{std::string(signature.begin(), signature.end())}});
            auto [ec, n] = co_await connection->ws.async_write(asio::buffer(proofFrame), nothrow);
            if (ec)
                co_return SessionEnd{SessionEnd::Kind::Retry, "sending the proof failed: " + ec.message()};
            proved = true;
            continue;
        }
        if (const auto *welcome = std::get_if<Welcome>(&message->body);
            welcome && proved && !connection->established) {
            onWelcome(connection, *welcome);
            continue;
        }
        if (const auto *state = std::get_if<DesiredStateNotice>(&message->body);
            state && connection->established) {
            m_metrics.countIgnoredFrame("desired_state");
            if (!m_ignoredDesiredState) {
                m_ignoredDesiredState = true;
                logError("ignoring desired state (generation " + std::to_string(state->generation)
                         + "): this agent cannot run components yet");
            }
            continue;
        }
        reject("unexpected_message", connection->established ? "unexpected message after welcome"
                                                             : "unexpected message during enrollment");
        co_await close(*connection);
        co_return SessionEnd{SessionEnd::Kind::Retry, {}};
    }
}

asio::awaitable<std::string> ControlChannel::open(Connection &connection)
{
    auto &tcpStream = beast::get_lowest_layer(connection.ws);
    std::vector<tcp::endpoint> endpoints;
    boost::system::error_code ec;
    const auto literal = asio::ip::make_address(m_address.host, ec);
    if (!ec) {
        endpoints.emplace_back(literal, std::uint16_t(std::stoul(m_address.port)));
    } else {
        // Only names need the resolver (which runs getaddrinfo on a helper thread).
        auto [resolveError, results] = co_await m_resolver.async_resolve(m_address.host,
                                                                         m_address.port, nothrow);
        if (resolveError)
            co_return "cannot resolve " + m_address.host + ": " + resolveError.message();
        for (const auto &entry : results)
            endpoints.push_back(entry.endpoint());
    }

    tcpStream.expires_after(kEnrollTimeout);
    auto [connectError, endpoint] = co_await tcpStream.async_connect(endpoints, nothrow);
    if (connectError)
        co_return "cannot connect: " + connectError.message();
    tcpStream.socket().set_option(tcp::no_delay(true), ec);

    connection.ws.binary(true);
    connection.ws.read_message_max(kMaxFrameBytes);
    connection.ws.set_option(websocket::stream_base::decorator([](websocket::request_type &request) {
        request.set(beast::http::field::user_agent, "keel-agent/" KEEL_VERSION);
    }));
    const bool ipv6 = m_address.host.find(':') != std::string::npos;
    const std::string hostHeader = (ipv6 ? "[" + m_address.host + "]" : m_address.host) + ":"
                                   + m_address.port;
    auto [handshakeError] = co_await connection.ws.async_handshake(hostHeader, m_address.path, nothrow);
    if (handshakeError)
        co_return "websocket upgrade of " + m_address.path + " failed: " + handshakeError.message();
    co_return std::string();
}

asio::awaitable<std::optional<InboundMessage>> ControlChannel::receive(Connection &connection,
                                                                       SessionEnd &end)
{
    for (;;) {
        connection.buffer.clear();
        if (connection.buffer.capacity() > kKeptBufferBytes)
            connection.buffer.shrink_to_fit();
        auto [ec, n] = co_await connection.ws.async_read(connection.buffer, nothrow);
        if (m_stopping) {
            end = {SessionEnd::Kind::Stopped, {}};
            co_return std::nullopt;
        }
        if (ec == websocket::error::message_too_big) {
            reject("too_large", "frame larger than 16 MiB");
            co_await close(connection);
            end = {SessionEnd::Kind::Retry, {}};
            co_return std::nullopt;
        }
        if (ec == websocket::error::closed) {
            const auto &reason = connection.ws.reason();
            end = {SessionEnd::Kind::Retry,
                   "closed the connection (" + std::to_string(reason.code)
                       + (reason.reason.empty() ? "" : ": " + std::string(reason.reason.data(), reason.reason.size())) + ")"};
            co_return std::nullopt;
        }
        if (ec) {
            end = {SessionEnd::Kind::Retry, "connection lost: " + ec.message()};
            co_return std::nullopt;
        }
        if (!connection.ws.got_binary()) {
            reject("text_frame", "text frame instead of a binary Envelope");
            co_await close(connection);
            end = {SessionEnd::Kind::Retry, {}};
            co_return std::nullopt;
        }
        const auto data = connection.buffer.cdata();
        auto decoded = AgentCodec::decode({static_cast<const char *>(data.data()), data.size()});
        if (!decoded.message) {
            reject(decoded.reason, decoded.detail);
            co_await close(connection);
            end = {SessionEnd::Kind::Retry, {}};
            co_return std::nullopt;
        }
        if (const auto *unhandled = std::get_if<UnhandledMessage>(&decoded.message->body)) {
            if (unhandled->kind == UnhandledMessage::Kind::UnknownType) {
                // A newer control plane may speak messages this agent predates.
                m_metrics.countIgnoredFrame("unknown_type");
                continue;
            }
            reject("unexpected_message", unhandled->name + " is never sent to agents");
            co_await close(connection);
            end = {SessionEnd::Kind::Retry, {}};
            co_return std::nullopt;
        }
        co_return std::move(decoded.message);
    }
}

void ControlChannel::reject(std::string_view reason, std::string_view detail)
{
    logError("dropping control-plane connection: " + std::string(detail));
    m_metrics.countRejectedFrame(reason);
}

asio::awaitable<void> ControlChannel::close(Connection &connection)
{
    connection.heartbeat.cancel();
    if (connection.ws.is_open() && !connection.closing) {
        connection.closing = true;
        const websocket::close_reason reason(websocket::close_code::policy_error);
        co_await connection.ws.async_close(reason, nothrow);
    }
    beast::get_lowest_layer(connection.ws).close();
}

ControlChannel::SessionEnd ControlChannel::refused(const ControlError &error, bool enrolling) const
{
    if (enrolling && isFatal(error.code))
        return {SessionEnd::Kind::Fatal,
                "enrollment refused by " + m_address.url + ": " + error.message};
    return {SessionEnd::Kind::Retry, "closed the connection with an error: " + error.message};
}

void ControlChannel::onWelcome(const std::shared_ptr<Connection> &connection, const Welcome &welcome)
{
    connection->established = true;
    // From now on the websocket's own timeouts watch the link: a ping after half the idle
    // time, a close when even the pong does not come back.
    auto &tcpStream = beast::get_lowest_layer(connection->ws);
    tcpStream.expires_never();
    if (welcome.heartbeatIntervalMs > 0)
        connection->heartbeatInterval = std::chrono::milliseconds(welcome.heartbeatIntervalMs);
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = 5s;
    timeouts.idle_timeout = std::max<std::chrono::steady_clock::duration>(
        30s, 3 * connection->heartbeatInterval);
    timeouts.keep_alive_pings = true;
    connection->ws.set_option(timeouts);

    m_backoff.reset();
    m_metrics.setControlPlaneConnected(true);
    if (!m_enrolledOnce)
        logInfo("enrolled as " + m_hello.nodeName + " with the control plane at " + m_address.url);
    else
        logInfo("reconnected to the control plane at " + m_address.url);
    m_enrolledOnce = true;
    scheduleHeartbeat(connection);
}

void ControlChannel::scheduleHeartbeat(const std::shared_ptr<Connection> &connection)
{
    connection->heartbeat.expires_after(connection->heartbeatInterval);
    connection->heartbeat.async_wait([this, connection](beast::error_code ec) {
        if (ec || connection->closing || connection != m_connection)
            return;
        send(connection, {0, Heartbeat{unixMillisNow(), m_hello.appliedGeneration}});
        scheduleHeartbeat(connection);
    });
}

void ControlChannel::send(const std::shared_ptr<Connection> &connection, OutboundMessage message)
{
    // A link too slow to take even heartbeats is dead; the idle timeout will say so.
    if (connection->outbox.size() >= 64)
        return;
    connection->outbox.push_back(AgentCodec::encode(message));
    if (!connection->writing)
        writeNext(connection);
}

void ControlChannel::writeNext(const std::shared_ptr<Connection> &connection)
{
    connection->writing = true;
    connection->ws.async_write(asio::buffer(connection->outbox.front()),
                               [this, connection](beast::error_code ec, std::size_t) {
                                   connection->outbox.pop_front();
                                   connection->writing = false;
                                   // A failed write surfaces in the pending read as well.
                                   if (!ec && !connection->outbox.empty() && !connection->closing)
                                       writeNext(connection);
                               });
}

} // namespace keel::agent
