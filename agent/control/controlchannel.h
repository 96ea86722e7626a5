#pragma once

#include "agentoptions.h"
#include "control/backoff.h"
#include "control/controlmessages.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace keel::agent {

class AgentMetrics;
class NodeIdentity;

// The agent's end of /v1/agent: a WebSocket client that enrolls (Hello, Challenge,
// ChallengeProof, Welcome), then sends heartbeats, and reconnects with jittered
// backoff whenever the connection fails. The HTTP side never waits on it: the node
// serves what it has while the control plane is away (offline first).
class ControlChannel final
{
public:
    // Called once when the control plane refuses this node for good (bad join token,
    // name taken by another key, ...): retrying cannot help, so the agent exits.
    using FatalHandler = std::function<void(const std::string &message)>;

    ControlChannel(boost::asio::io_context &io, ControlPlaneAddress address, Hello hello,
                   const NodeIdentity &identity, AgentMetrics &metrics, FatalHandler onFatal,
                   Backoff::Random random = {});
    ControlChannel(const ControlChannel &) = delete;
    ControlChannel &operator=(const ControlChannel &) = delete;
    ~ControlChannel();

    void start();
    // Closes the connection cleanly and stops reconnecting.
    void stop();

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
    void send(const std::shared_ptr<Connection> &connection, OutboundMessage message);
    void writeNext(const std::shared_ptr<Connection> &connection);

    boost::asio::io_context &m_io;
    ControlPlaneAddress m_address;
    Hello m_hello;
    const NodeIdentity &m_identity;
    AgentMetrics &m_metrics;
    FatalHandler m_onFatal;
    Backoff m_backoff;
    boost::asio::ip::tcp::resolver m_resolver;
    boost::asio::steady_timer m_retryTimer;
    std::shared_ptr<Connection> m_connection; // the live one, if any
    bool m_stopping = false;
    bool m_enrolledOnce = false;
    bool m_ignoredDesiredState = false;
};

} // namespace keel::agent
