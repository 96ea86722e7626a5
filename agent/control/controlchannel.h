#pragma once

#include "agentoptions.h"
#include "control/backoff.h"
#include "control/controlmessages.h"
#include "state/artifactsource.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace keel::agent {

class AgentMetrics;
class NodeIdentity;

// The agent's end of /v1/agent: a WebSocket client that enrolls (Hello, Challenge,
// ChallengeProof, Welcome), then sends heartbeats, hands desired states to the agent,
// sends its StateAcks, and fetches artifacts (FetchArtifact -> ArtifactChunk) for the
// thread that applies desired states. It reconnects with jittered backoff whenever the
// connection fails. The HTTP side never waits on it: the node serves what it has while
// the control plane is away (offline first).
class ControlChannel final : public ArtifactSource
{
public:
    // Called once when the control plane refuses this node for good (bad join token,
    // name taken by another key, ...): retrying cannot help, so the agent exits.
    using FatalHandler = std::function<void(const std::string &message)>;
    // On the io thread, for each Welcome (every connection) and each DesiredState.
    using WelcomeHandler = std::function<void(const Welcome &welcome)>;
    using DesiredStateHandler = std::function<void(DesiredState state)>;

    // How long one chunk may take to arrive before the fetch fails.
    static constexpr std::chrono::seconds kChunkTimeout{30};

    ControlChannel(boost::asio::io_context &io, ControlPlaneAddress address, Hello hello,
                   const NodeIdentity &identity, AgentMetrics &metrics, FatalHandler onFatal,
                   Backoff::Random random = {});
    ControlChannel(const ControlChannel &) = delete;
    ControlChannel &operator=(const ControlChannel &) = delete;
    ~ControlChannel() override;

    void setWelcomeHandler(WelcomeHandler handler) { m_onWelcome = std::move(handler); }
    void setDesiredStateHandler(DesiredStateHandler handler) { m_onDesiredState = std::move(handler); }

    void start();
    // Closes the connection cleanly and stops reconnecting; fails fetches in flight.
    void stop();

    // What the node serves now: sent in every later Hello and Heartbeat. io thread.
    void setAppliedGeneration(std::uint64_t generation);
    // On the live connection, once enrolled; dropped otherwise (the control plane sends
    // the desired state again on reconnect, and the agent answers it then). io thread.
    void sendStateAck(StateAck ack);

    // ArtifactSource, from any thread but the io thread: asks the control plane for the
    // piece and waits for its ArtifactChunk (or an Error for that request) up to
    // kChunkTimeout. Fails at once when no connection is established.
    bool fetch(const std::string &digest, std::uint64_t offset, ArtifactChunk &chunk,
               std::string &error) override;

private:
    struct Connection;
    struct SessionEnd
    {
        enum class Kind { Retry, Fatal, Stopped };
        Kind kind = Kind::Retry;
        std::string reason; // Retry: logged unless empty (already logged); Fatal: the message
    };

    boost::asio::awaitable<void> run();
    boost::asio::awaitable<SessionEnd> session();
    // Connects and upgrades; returns why that failed, or an empty string.
    boost::asio::awaitable<std::string> open(Connection &connection);
    boost::asio::awaitable<std::optional<InboundMessage>> receive(Connection &connection,
                                                                  SessionEnd &end);
    // Logs and counts a frame that ends the connection; the caller closes it.
    void reject(std::string_view reason, std::string_view detail);
    boost::asio::awaitable<void> close(Connection &connection);
    SessionEnd refused(const ControlError &error, bool enrolling) const;
    void onWelcome(const std::shared_ptr<Connection> &connection, const Welcome &welcome);
    void scheduleHeartbeat(const std::shared_ptr<Connection> &connection);
    void scheduleMetricsReport(const std::shared_ptr<Connection> &connection);
    void send(const std::shared_ptr<Connection> &connection, OutboundMessage message);
    void writeNext(const std::shared_ptr<Connection> &connection);
    void failFetches(Connection &connection, const std::string &reason);

    boost::asio::io_context &m_io;
    ControlPlaneAddress m_address;
    Hello m_hello;
    const NodeIdentity &m_identity;
    AgentMetrics &m_metrics;
    FatalHandler m_onFatal;
    WelcomeHandler m_onWelcome;
    DesiredStateHandler m_onDesiredState;
    Backoff m_backoff;
    boost::asio::ip::tcp::resolver m_resolver;
    boost::asio::steady_timer m_retryTimer;
    std::unique_ptr<boost::asio::ssl::context> m_tls; // wss:// only
    std::string m_tlsProblem; // why m_tls could not be set up (reported on start)
    std::shared_ptr<Connection> m_connection; // the live one, if any
    bool m_stopping = false;
    bool m_enrolledOnce = false;
    std::uint64_t m_nextRequestId = 2; // 1 is the Hello's
    std::atomic<bool> m_fetchesStopped{false};
};

} // namespace keel::agent
