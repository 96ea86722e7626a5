#include "simagent.h"

#include "agentshard.h"
#include "controlplanekey.h"
#include "deploytarget.h"
#include "reportledger.h"
#include "simcodec.h"
#include "simconfig.h"
#include "simstats.h"
#include "simstream.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <sodium.h>

#include <algorithm>

namespace keel::fleetsim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::uint64_t kHelloRequestId = 1;
constexpr auto kEnrollTimeout = 10s;
constexpr std::size_t kOutboxLimit = 64;
constexpr Clock::duration kTimerTick = std::chrono::milliseconds(20);
constexpr std::size_t kKeptBufferBytes = 64 * 1024;
constexpr std::uint32_t kBackoffCapMs = 15000;
constexpr std::uint32_t kFatalBackoffMs = 30000;
constexpr std::string_view kProofContext = "keel.v1 agent proof";

std::int64_t unixMillisNow()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::int64_t steadyMillisNow()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

// Refusals an agent cannot fix by retrying (docs/PROTOCOL.md); the simulator retries
// them anyway, slowly, so a run counts them instead of stopping.
bool isFatal(const std::string &code)
{
    return code == "JOIN_TOKEN_INVALID" || code == "CONFLICT" || code == "UNAUTHENTICATED" || code == "BAD_REQUEST";
}

std::string hex(const unsigned char *bytes, std::size_t size)
{
    std::string out(size * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes, size);
    out.pop_back();
    return out;
}

} // namespace

struct SimAgent::Apply
{
    SimDesiredState state;
    std::size_t component = 0; // the one being fetched
    std::uint64_t offset = 0;
    std::uint64_t requestId = 0;
    crypto_hash_sha256_state hash;
};

struct SimAgent::Connection
{
    Connection(asio::io_context &io, asio::ssl::context *tls)
        : ws(io, tls)
        , timer(io)
    {
    }

    struct Outgoing
    {
        std::string frame;
        std::int64_t reportWindowEnd = 0; // a metrics report's, to trace it
    };

    SimStream ws;
    beast::flat_buffer buffer;
    asio::steady_timer timer; // the enrollment deadline, then heartbeats and reports
    std::vector<Outgoing> outbox;
    std::unique_ptr<Apply> apply; // a desired state being fetched
    Clock::time_point nextHeartbeat;
    Clock::time_point nextReport;
    std::chrono::milliseconds heartbeatInterval{5000};
    std::chrono::milliseconds reportInterval{0};
    std::int64_t windowStartMs = 0;
    std::uint64_t nextRequestId = 2;
    bool proved = false;
    bool established = false;
    bool writing = false;
    bool stormed = false;
    bool closeAfterWrite = false;
    bool ended = false;
};

SimAgent::SimAgent(AgentShard &shard, std::uint32_t index, std::string name, const std::string &region,
                   const std::string &joinToken, std::string_view keySeed)
    : m_shard(shard)
    , m_index(index)
    , m_name(std::move(name))
    , m_region(region)
    , m_joinToken(joinToken)
{
    // The same seed and name give the same key, so a later run against the same control
    // plane comes back as the same nodes.
    unsigned char seed[crypto_sign_SEEDBYTES];
    const std::string material = std::string(keySeed) + '\0' + m_name;
    crypto_generichash(seed, sizeof seed, reinterpret_cast<const unsigned char *>(material.data()), material.size(), nullptr, 0);
    unsigned char publicKey[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_seed_keypair(publicKey, m_secretKey, seed);
    sodium_memzero(seed, sizeof seed);
}

SimAgent::~SimAgent()
{
    sodium_memzero(m_secretKey, sizeof m_secretKey);
}

SimAgent::Status SimAgent::status() const
{
    return {m_established.load(std::memory_order_relaxed), m_settled.load(std::memory_order_relaxed),
            m_welcomes.load(std::memory_order_relaxed), m_generation.load(std::memory_order_relaxed),
            m_targetAckedMs.load(std::memory_order_relaxed)};
}

void SimAgent::start()
{
    connect();
}

void SimAgent::stop()
{
    m_stopping = true;
    if (const auto connection = m_connection)
        end(connection, {});
}

void SimAgent::storm()
{
    const auto connection = m_connection;
    if (!connection || connection->ended)
        return; // already between connections: it reconnects by itself
    connection->stormed = true;
    if (connection->writing)
        connection->closeAfterWrite = true; // never cut a frame in half
    else
        stormClose(connection);
}

void SimAgent::stormClose(const ConnectionPtr &connection)
{
    beast::error_code ignored;
    connection->ws.tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    end(connection, {});
}

void SimAgent::connect()
{
    if (m_stopping)
        return;
    auto connection = std::make_shared<Connection>(m_shard.io, m_shard.tls);
    m_connection = connection;
    ++m_shard.stats.connects;
    connection->timer.expires_after(kEnrollTimeout);
    connection->timer.async_wait([this, connection](beast::error_code ec) {
        if (!ec && !connection->established && !connection->ended)
            end(connection, "handshake_timeout");
    });
    const SimConfig &config = m_shard.config;
    connection->ws.tcp().async_connect(config.endpoints, [this, connection](beast::error_code ec, const auto &) {
        if (connection->ended)
            return;
        if (ec)
            return end(connection, "connect_failed");
        beast::error_code ignored;
        connection->ws.tcp().socket().set_option(asio::ip::tcp::no_delay(true), ignored);
        connection->ws.tlsHandshake(m_shard.config.host, [this, connection](beast::error_code ec) {
            if (connection->ended)
                return;
            if (ec)
                return end(connection, "tls_failed");
            connection->ws.configure();
            connection->ws.async_handshake(m_shard.config.hostHeader, m_shard.config.path, [this, connection](beast::error_code ec) {
                if (connection->ended)
                    return;
                if (ec)
                    return end(connection, "upgrade_failed");
                SimHello hello;
                hello.nodeName = m_name;
                hello.region = m_region;
                hello.targetTriple = m_shard.config.targetTriple;
                hello.agentVersion = m_shard.config.agentVersion;
                hello.publicKey.assign(reinterpret_cast<const char *>(m_secretKey + 32), crypto_sign_PUBLICKEYBYTES);
                if (m_welcomes.load(std::memory_order_relaxed) == 0)
                    hello.joinToken = m_joinToken; // a known node proves its key instead
                hello.httpEndpoint = "http://" + m_name + ".fleetsim.invalid:8080";
                hello.appliedGeneration = m_appliedGeneration;
                hello.labels = &m_shard.config.labels;
                send(connection, SimCodec::hello(kHelloRequestId, hello));
                read(connection);
            });
        });
    });
}

void SimAgent::read(const ConnectionPtr &connection)
{
    connection->buffer.clear();
    if (connection->buffer.capacity() > kKeptBufferBytes)
        connection->buffer.shrink_to_fit();
    connection->ws.async_read(connection->buffer, [this, connection](beast::error_code ec, std::size_t) {
        if (connection->ended)
            return;
        if (ec == websocket::error::closed)
            return end(connection, "closed_" + std::to_string(connection->ws.reason().code));
        if (ec)
            return end(connection, connection->established ? "connection_lost" : "connection_lost_enrolling");
        if (!connection->ws.got_binary())
            return end(connection, "text_frame");
        const auto data = connection->buffer.cdata();
        onFrame(connection, {static_cast<const char *>(data.data()), data.size()});
        if (!connection->ended)
            read(connection);
    });
}

void SimAgent::onFrame(const ConnectionPtr &connection, std::string_view frame)
{
    std::string problem;
    auto inbound = SimCodec::decode(frame, problem);
    if (!inbound)
        return end(connection, "undecodable_frame");
    SimStats &stats = m_shard.stats;
    if (const auto *challenge = std::get_if<SimChallenge>(&inbound->body); challenge && !connection->proved) {
        std::string message;
        message.reserve(kProofContext.size() + m_name.size() + challenge->nonce.size());
        message.append(kProofContext).append(m_name).append(challenge->nonce);
        unsigned char signature[crypto_sign_BYTES];
        crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char *>(message.data()), message.size(), m_secretKey);
        connection->proved = true;
        return send(connection, SimCodec::proof(inbound->requestId, {reinterpret_cast<const char *>(signature), sizeof signature}));
    }
    if (const auto *welcome = std::get_if<SimWelcome>(&inbound->body); welcome && connection->proved && !connection->established)
        return onWelcome(connection, *welcome);
    if (const auto *error = std::get_if<SimError>(&inbound->body)) {
        if (connection->apply && inbound->requestId != 0 && inbound->requestId == connection->apply->requestId)
            return finishApply(connection, "fetching " + connection->apply->state.components[connection->apply->component].moduleDigest
                                               + " failed: " + error->message);
        const bool enrolling = !connection->established;
        return end(connection, (enrolling ? "refused_" : "error_") + error->code, enrolling && isFatal(error->code));
    }
    if (!connection->established) {
        return end(connection, "unexpected_during_enrollment");
    }
    if (const auto *state = std::get_if<SimSignedState>(&inbound->body))
        return onState(connection, *state);
    if (auto *chunk = std::get_if<SimChunk>(&inbound->body)) {
        if (connection->apply && inbound->requestId == connection->apply->requestId)
            return onChunk(connection, std::move(*chunk));
        ++stats.ignoredFrames; // a superseded fetch's answer
        return;
    }
    ++stats.ignoredFrames;
}

void SimAgent::onWelcome(const ConnectionPtr &connection, const SimWelcome &welcome)
{
    std::string problem;
    const auto dot = m_joinToken.rfind('.');
    const std::string fingerprint = dot == std::string::npos ? std::string() : m_joinToken.substr(dot + 1);
    if (!m_shard.key.check(welcome.controlPlanePublicKey, fingerprint, problem))
        return end(connection, "controlplane_key_mismatch", true);
    const SimConfig &config = m_shard.config;
    connection->established = true;
    ++m_shard.stats.welcomes;
    m_backoffCeilingMs = 250;
    const int heartbeatMs = config.heartbeatMs > 0 ? config.heartbeatMs : int(welcome.heartbeatIntervalMs);
    const int reportMs = config.metricsMs > 0 ? config.metricsMs : int(welcome.metricsIntervalMs);
    connection->heartbeatInterval = std::chrono::milliseconds(std::max(100, heartbeatMs > 0 ? heartbeatMs : 10000));
    connection->reportInterval = std::chrono::milliseconds(std::max(0, reportMs));
    // As a keel-agent: websocket pings watch the link once enrolled.
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = 5s;
    timeouts.idle_timeout = std::max<Clock::duration>(30s, 3 * connection->heartbeatInterval);
    timeouts.keep_alive_pings = true;
    connection->ws.set_option(timeouts);
    const auto now = Clock::now();
    connection->nextHeartbeat = now + connection->heartbeatInterval;
    connection->nextReport = now + connection->reportInterval;
    connection->windowStartMs = std::max(unixMillisNow(), m_lastWindowEndMs);
    m_settled = false;
    m_established = true;
    m_welcomes.fetch_add(1, std::memory_order_relaxed);
    schedule(connection); // replaces the enrollment deadline
}

void SimAgent::onState(const ConnectionPtr &connection, const SimSignedState &signedState)
{
    ++m_shard.stats.statesReceived;
    auto state = SimCodec::decodeState(signedState.state);
    if (!state)
        return end(connection, "undecodable_state");
    m_generation = state->generation;
    m_settled = false;
    auto apply = std::make_unique<Apply>();
    apply->state = std::move(*state);
    connection->apply = std::move(apply); // a newer state supersedes one being fetched
    if (!m_shard.key.verifyState(m_name, signedState.state, signedState.signature)) {
        m_shard.stats.error("state_signature_invalid");
        return finishApply(connection, "the desired state's signature does not verify with the pinned control-plane key");
    }
    if (m_shard.config.fetch)
        return fetchNext(connection);
    finishApply(connection, {});
}

void SimAgent::fetchNext(const ConnectionPtr &connection)
{
    Apply &apply = *connection->apply;
    if (apply.component >= apply.state.components.size())
        return finishApply(connection, {});
    const SimComponent &component = apply.state.components[apply.component];
    if (apply.offset == 0) {
        if (!m_shard.key.verifyModule(component.moduleDigest, component.moduleSignature)) {
            m_shard.stats.error("module_signature_invalid");
            return finishApply(connection, "the signature of " + component.moduleDigest + " does not verify");
        }
        crypto_hash_sha256_init(&apply.hash);
    }
    apply.requestId = connection->nextRequestId++;
    send(connection, SimCodec::fetch(apply.requestId, component.moduleDigest, apply.offset));
}

void SimAgent::onChunk(const ConnectionPtr &connection, SimChunk chunk)
{
    Apply &apply = *connection->apply;
    const SimComponent &component = apply.state.components[apply.component];
    ++m_shard.stats.fetchChunks;
    m_shard.stats.fetchBytes += chunk.data.size();
    if (chunk.digest != component.moduleDigest || chunk.offset != apply.offset || chunk.totalSize != component.moduleSize
        || apply.offset + chunk.data.size() > component.moduleSize) {
        m_shard.stats.error("artifact_chunk_invalid");
        return finishApply(connection, "the chunk of " + component.moduleDigest + " at " + std::to_string(apply.offset)
                                           + " does not fit the reference");
    }
    crypto_hash_sha256_update(&apply.hash, reinterpret_cast<const unsigned char *>(chunk.data.data()), chunk.data.size());
    apply.offset += chunk.data.size();
    if (!chunk.last)
        return fetchNext(connection);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&apply.hash, digest);
    if ("sha256:" + hex(digest, sizeof digest) != component.moduleDigest || apply.offset != component.moduleSize) {
        m_shard.stats.error("artifact_digest_mismatch");
        return finishApply(connection, "the bytes of " + component.moduleDigest + " do not hash to it");
    }
    ++m_shard.stats.artifactsFetched;
    ++apply.component;
    apply.offset = 0;
    fetchNext(connection);
}

void SimAgent::finishApply(const ConnectionPtr &connection, const std::string &failure)
{
    const std::unique_ptr<Apply> apply = std::move(connection->apply);
    SimAck ack;
    ack.generation = apply->state.generation;
    const bool nack = !failure.empty() || (m_shard.config.nackRate > 0 && m_shard.model.uniform() < m_shard.config.nackRate);
    ack.applied = !nack;
    ack.error = failure.empty() ? "simulated failure (keel-fleetsim --nack-rate)" : failure;
    for (const SimComponent &component : apply->state.components)
        ack.components.push_back({component.name, component.version, component.aot});
    if (nack) {
        ++m_shard.stats.nacks;
    } else {
        ++m_shard.stats.acks;
        m_served = ack.components;
        m_appliedGeneration = ack.generation;
        if (m_targetAckedMs.load(std::memory_order_relaxed) == 0 && m_shard.target.isIn(m_served))
            m_targetAckedMs = steadyMillisNow();
    }
    later(connection, SimCodec::ack(ack), 0);
    if (ack.generation == m_generation.load(std::memory_order_relaxed))
        m_settled = true;
}

void SimAgent::schedule(const ConnectionPtr &connection)
{
    auto next = connection->nextHeartbeat;
    if (connection->reportInterval.count() > 0)
        next = std::min(next, connection->nextReport);
    // Rounded up to a tick, so that one wake-up of the io thread serves every agent due in
    // it: thousands of timers a second would otherwise each cost an epoll round of their own.
    const auto since = next.time_since_epoch();
    next = Clock::time_point((since + kTimerTick - Clock::duration(1)) / kTimerTick * kTimerTick);
    connection->timer.expires_at(next);
    connection->timer.async_wait([this, connection](beast::error_code ec) {
        if (!ec && !connection->ended)
            onTimer(connection);
    });
}

void SimAgent::onTimer(const ConnectionPtr &connection)
{
    const auto now = Clock::now();
    if (now >= connection->nextHeartbeat) {
        send(connection, SimCodec::heartbeat(unixMillisNow(), m_appliedGeneration));
        ++m_shard.stats.heartbeats;
        connection->nextHeartbeat = std::max(now, connection->nextHeartbeat + connection->heartbeatInterval);
    }
    if (connection->reportInterval.count() > 0 && now >= connection->nextReport) {
        report(connection);
        connection->nextReport = std::max(now, connection->nextReport + connection->reportInterval);
    }
    schedule(connection);
}

void SimAgent::report(const ConnectionPtr &connection)
{
    // Each report's window end is distinct per node: it names the report on the watch.
    const std::int64_t end = std::max(unixMillisNow(), m_lastWindowEndMs + 1);
    const std::int64_t start = connection->windowStartMs;
    connection->windowStartMs = end;
    m_lastWindowEndMs = end;
    if (m_shard.reportsStopped.load(std::memory_order_relaxed))
        return;
    if (m_shard.config.dropRate > 0 && m_shard.model.uniform() < m_shard.config.dropRate) {
        ++m_shard.stats.reportsDropped;
        return;
    }
    const auto &components = m_served.empty() ? m_shard.fakeComponents : m_served;
    later(connection, SimCodec::report(m_shard.model.build(components, start, end)), end);
}

void SimAgent::later(const ConnectionPtr &connection, std::string frame, std::int64_t reportWindowEnd)
{
    if (m_shard.config.delayMs <= 0)
        return send(connection, std::move(frame), reportWindowEnd);
    auto timer = std::make_shared<asio::steady_timer>(m_shard.io, std::chrono::milliseconds(m_shard.config.delayMs));
    timer->async_wait([this, connection, timer, frame = std::move(frame), reportWindowEnd](beast::error_code ec) mutable {
        if (!ec && !connection->ended)
            send(connection, std::move(frame), reportWindowEnd);
    });
}

void SimAgent::send(const ConnectionPtr &connection, std::string frame, std::int64_t reportWindowEnd)
{
    if (connection->ended)
        return;
    if (connection->outbox.size() >= kOutboxLimit) {
        m_shard.stats.error("outbox_full");
        return;
    }
    connection->outbox.push_back({std::move(frame), reportWindowEnd});
    if (!connection->writing)
        writeNext(connection);
}

void SimAgent::writeNext(const ConnectionPtr &connection)
{
    connection->writing = true;
    const Connection::Outgoing &out = connection->outbox.front();
    if (out.reportWindowEnd != 0) {
        m_shard.ledger.sent(m_index, out.reportWindowEnd, Clock::now());
        ++m_shard.stats.reportsSent;
    }
    connection->ws.async_write(asio::buffer(out.frame), [this, connection](beast::error_code ec, std::size_t) {
        connection->writing = false;
        connection->outbox.erase(connection->outbox.begin());
        if (connection->ended)
            return;
        if (ec)
            return end(connection, "write_failed");
        if (connection->closeAfterWrite)
            return stormClose(connection);
        if (!connection->outbox.empty())
            writeNext(connection);
    });
}

void SimAgent::end(const ConnectionPtr &connection, const std::string &error, bool fatal)
{
    if (connection->ended)
        return;
    connection->ended = true;
    if (!error.empty())
        m_shard.stats.error(error);
    beast::error_code ignored;
    connection->timer.cancel();
    connection->ws.tcp().close();
    connection->apply.reset();
    if (connection != m_connection)
        return;
    m_connection.reset();
    m_established = false;
    m_settled = false;
    if (!m_stopping)
        retry(connection->stormed, fatal);
}

void SimAgent::retry(bool immediately, bool fatal)
{
    if (immediately)
        return asio::post(m_shard.io, [this] { connect(); });
    // Full jitter over an exponential ceiling, as keel-agent's Backoff.
    const std::uint32_t ceiling = fatal ? kFatalBackoffMs : m_backoffCeilingMs;
    m_backoffCeilingMs = std::min(kBackoffCapMs, m_backoffCeilingMs * 2);
    const auto delay = std::chrono::milliseconds(std::int64_t(m_shard.model.uniform() * double(ceiling + 1)));
    auto timer = std::make_shared<asio::steady_timer>(m_shard.io, delay);
    timer->async_wait([this, timer](beast::error_code ec) {
        if (!ec && !m_stopping && !m_connection)
            connect();
    });
}

} // namespace keel::fleetsim
