#pragma once

#include "agentoptions.h"
#include "http/adminservice.h"
#include "http/dataplane.h"
#include "http/httpserver.h"
#include "identity/nodeidentity.h"
#include "metrics/agentmetrics.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace keel::agent {

class AotEngine;
class Component;
class ComponentRuntime;
class ControlChannel;
class ControlPlaneKey;
class DesiredStateApplier;
class DesiredStateWorker;
struct DesiredState;
struct Welcome;

// One edge node: wires the listeners, the identity and the control channel onto a
// single-threaded io_context, and owns their order of start and stop.
class Agent final
{
public:
    // Exit codes, part of the CLI contract.
    static constexpr int kExitOk = 0;
    static constexpr int kExitCannotStart = 1;   // e.g. a listen address is taken
    static constexpr int kExitBadSetup = 2;      // bad flag, data dir or identity key
    static constexpr int kExitRefused = 3;       // the control plane refused enrollment

    explicit Agent(AgentOptions options);
    Agent(const Agent &) = delete;
    Agent &operator=(const Agent &) = delete;
    ~Agent();

    // Runs until SIGINT/SIGTERM or a fatal refusal; returns the process exit code.
    int run();
    // Before constructing an Agent: its connection limits follow the open-file limit.
    static void raiseOpenFileLimit();

private:
    int start();
    bool listen(HttpServer &server, const ListenAddress &address, std::string_view flag);
    void startRuntime(const std::string &dataDir);
    void loadComponents();
    void startDesiredState(const std::filesystem::path &dataDir);
    void onWelcome(const Welcome &welcome);
    void onDesiredState(DesiredState state);
    void servedChanged(const std::vector<std::shared_ptr<const Component>> &served);
    void shutdown(int exitCode);
    // Writes what components logged (ComponentRuntime::flushLogs) every kLogFlush.
    void flushComponentLogs();

    AgentOptions m_options;
    boost::asio::io_context m_io{1}; // one thread: no locks anywhere in the agent
    boost::asio::signal_set m_signals;
    boost::asio::steady_timer m_logTimer;
    AgentMetrics m_metrics;
    std::optional<NodeIdentity> m_identity;
    // Outlives the runtime, whose AOT components it loaded.
    std::unique_ptr<AotEngine> m_aotEngine;
    // Before the servers: destroyed after them, joining its workers first.
    std::unique_ptr<ComponentRuntime> m_runtime;
    DataPlane m_dataPlane;
    AdminService m_admin;
    HttpServer m_dataServer;
    HttpServer m_adminServer;
    std::unique_ptr<ControlChannel> m_controlChannel;
    // Desired state (with a control plane and without --components): the applier uses
    // the channel to fetch artifacts, the worker runs the applier; destroyed first.
    std::unique_ptr<ControlPlaneKey> m_controlPlaneKey;
    std::string m_trustedKey;  // the pinned key, once a Welcome presented it
    std::string m_keyProblem;  // why the last Welcome's key is not trusted, if it is not
    std::unique_ptr<DesiredStateApplier> m_applier;
    std::unique_ptr<DesiredStateWorker> m_stateWorker;
    bool m_shuttingDown = false;
    int m_exitCode = kExitOk;
};

} // namespace keel::agent
