#include "controlchannel.h"

#include "control/agentcodec.h"
#include "control/controlstream.h"
#include "identity/nodeidentity.h"
#include "log.h"
#include "metrics/agentmetrics.h"

#include "keelversion.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>
#include <future>
#include <map>

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

struct FetchAnswer
{
    bool ok = false;
    ArtifactChunk chunk;
    std::string error;
};

struct ControlChannel::Connection
{
    Connection(asio::io_context &io, asio::ssl::context *tls)
        : ws(io, tls)
        , heartbeat(io)
        , metricsTimer(io)
    {
    }

    ControlStream ws;
    beast::flat_buffer buffer;
    asio::steady_timer heartbeat;
    std::chrono::milliseconds heartbeatInterval{kDefaultHeartbeat};
    asio::steady_timer metricsTimer;
    std::chrono::milliseconds metricsInterval{0}; // 0: the control plane wants no reports
    std::int64_t metricsWindowStartMs = 0;
    std::deque<std::string> outbox; // used once enrolled; written one at a time
    // Fetches waiting for their chunk, by request id.
    std::map<std::uint64_t, std::shared_ptr<std::promise<FetchAnswer>>> fetches;
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
    if (m_address.tls) {
        m_tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
        m_tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2
                           | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1
                           | asio::ssl::context::no_tlsv1_1);
        boost::system::error_code ec;
        if (m_address.caFile.empty())
            m_tls->set_default_verify_paths(ec);
        else
            m_tls->load_verify_file(m_address.caFile, ec);
        if (ec)
            m_tlsProblem = "--ca " + m_address.caFile + ": cannot use it as PEM CA certificates (" + ec.message() + ")";
    }
}

ControlChannel::~ControlChannel() = default;

void ControlChannel::start()
{
    if (!m_tlsProblem.empty()) {
        asio::post(m_io, [this] { m_onFatal(m_tlsProblem); });
        return;
    }
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
    m_fetchesStopped = true;
    m_retryTimer.cancel();
    m_resolver.cancel();
    if (const auto connection = m_connection) {
        connection->heartbeat.cancel();
        connection->metricsTimer.cancel();
        // Bounds the close handshake, so a silent peer cannot hold up the exit.
        connection->ws.tcp().expires_after(2s);
        if (connection->ws.is_open() && !connection->closing) {
            connection->closing = true;
            connection->ws.async_close(websocket::close_code::going_away,
                                       [connection](beast::error_code) {
                                           connection->ws.tcp().close();
                                       });
        } else if (!connection->ws.is_open()) {
            connection->ws.tcp().close(); // still connecting
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
        if (m_connection)
            failFetches(*m_connection, "the connection to the control plane was lost");
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
    const auto connection = std::make_shared<Connection>(m_io, m_tls.get());
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
            // The answer to one fetch (e.g. NOT_FOUND): that fetch fails, the link stays.
            if (const auto fetch = connection->fetches.find(message->requestId);
                message->requestId != 0 && fetch != connection->fetches.end()) {
                fetch->second->set_value({false, {}, "the control plane answered: " + error->message});
                connection->fetches.erase(fetch);
                continue;
            }
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
        if (auto *state = std::get_if<DesiredState>(&message->body); state && connection->established) {
            if (m_onDesiredState)
                m_onDesiredState(std::move(*state));
            continue;
        }
        if (auto *chunk = std::get_if<ArtifactChunk>(&message->body); chunk && connection->established) {
            if (const auto fetch = connection->fetches.find(message->requestId); fetch != connection->fetches.end()) {
                fetch->second->set_value({true, std::move(*chunk), {}});
                connection->fetches.erase(fetch);
            } else {
                // The answer to a fetch that already timed out.
                m_metrics.countIgnoredFrame("late_chunk");
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
    auto &tcpStream = connection.ws.tcp();
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
    if (const auto tlsError = co_await connection.ws.tlsHandshake(m_address.host)) {
        co_return "TLS handshake with " + m_address.host + " failed: " + tlsError.message()
            + (m_address.caFile.empty() ? "; if the control plane's certificate is not signed by a CA this system trusts, pass --ca FILE"
                                        : "; check that --ca " + m_address.caFile + " signed the control plane's certificate");
    }

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
    connection.metricsTimer.cancel();
    if (connection.ws.is_open() && !connection.closing) {
        connection.closing = true;
        const websocket::close_reason reason(websocket::close_code::policy_error);
        co_await connection.ws.async_close(reason, nothrow);
    }
    connection.ws.tcp().close();
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
    auto &tcpStream = connection->ws.tcp();
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
    if (welcome.metricsIntervalMs > 0) {
        // What happened while disconnected stays in /metrics; reports start from now.
        (void)m_metrics.takeWindows();
        connection->metricsInterval = std::chrono::milliseconds(welcome.metricsIntervalMs);
        connection->metricsWindowStartMs = unixMillisNow();
        scheduleMetricsReport(connection);
    }
    if (m_onWelcome)
        m_onWelcome(welcome);
}

void ControlChannel::setAppliedGeneration(std::uint64_t generation)
{
    m_hello.appliedGeneration = generation;
}

void ControlChannel::sendStateAck(StateAck ack)
{
    const auto connection = m_connection;
    if (!connection || !connection->established || connection->closing)
        return;
    send(connection, {0, std::move(ack)});
}

bool ControlChannel::fetch(const std::string &digest, std::uint64_t offset, ArtifactChunk &chunk, std::string &error)
{
    if (m_fetchesStopped) {
        error = "the agent is stopping";
        return false;
    }
    auto promise = std::make_shared<std::promise<FetchAnswer>>();
    auto answer = promise->get_future();
    asio::post(m_io, [this, digest, offset, promise] {
        const auto connection = m_connection;
        if (m_stopping || !connection || !connection->established || connection->closing) {
            promise->set_value({false, {}, "not connected to the control plane"});
            return;
        }
        const std::uint64_t id = m_nextRequestId++;
        connection->fetches.emplace(id, promise);
        send(connection, {id, FetchArtifact{digest, offset}});
    });
    // Short waits, so that stop() is noticed within one of them.
    const auto deadline = std::chrono::steady_clock::now() + kChunkTimeout;
    while (answer.wait_for(100ms) != std::future_status::ready) {
        if (m_fetchesStopped) {
            error = "the agent is stopping";
            return false;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            error = "no answer from the control plane within " + std::to_string(kChunkTimeout.count()) + " s";
            return false;
        }
    }
    FetchAnswer result = answer.get();
    if (!result.ok) {
        error = std::move(result.error);
        return false;
    }
    chunk = std::move(result.chunk);
    return true;
}

void ControlChannel::failFetches(Connection &connection, const std::string &reason)
{
    for (auto &[id, promise] : connection.fetches)
        promise->set_value({false, {}, reason});
    connection.fetches.clear();
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

void ControlChannel::scheduleMetricsReport(const std::shared_ptr<Connection> &connection)
{
    connection->metricsTimer.expires_after(connection->metricsInterval);
    connection->metricsTimer.async_wait([this, connection](beast::error_code ec) {
        if (ec || connection->closing || connection != m_connection)
            return;
        MetricsReport report;
        report.windowStartUnixMs = connection->metricsWindowStartMs;
        report.windowEndUnixMs = unixMillisNow();
        connection->metricsWindowStartMs = report.windowEndUnixMs;
        report.rssBytes = static_cast<std::uint64_t>(AgentMetrics::residentMemoryBytes());
        report.components = m_metrics.takeWindows();
        send(connection, {0, std::move(report)});
        scheduleMetricsReport(connection);
    });
}

void ControlChannel::send(const std::shared_ptr<Connection> &connection, OutboundMessage message)
{
    // A link too slow to take even heartbeats is dead; the idle timeout will say so. A
    // state ack is never dropped: the control plane re-sends state only on a change or a
    // reconnect, so a lost ack would leave the node's state unknown until then.
    if (connection->outbox.size() >= 64 && !std::holds_alternative<StateAck>(message.body)) {
        const auto it = connection->fetches.find(message.requestId);
        if (std::holds_alternative<FetchArtifact>(message.body) && it != connection->fetches.end()) {
            it->second->set_value({false, {}, "the link to the control plane is congested"});
            connection->fetches.erase(it);
        }
        return;
    }
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
