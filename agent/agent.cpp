#include "agent.h"

#include "keel/v1/artifactsignature.h"

#include "aot/aotengine.h"
#include "componentruntime.h"
#include "componentset.h"
#include "control/controlchannel.h"
#include "log.h"
#include "manifestconfig.h"
#include "state/controlplanekey.h"
#include "state/desiredstateapplier.h"
#include "state/desiredstateworker.h"
#include "targettriple.h"

#include "keelversion.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sys/resource.h>

namespace keel::agent {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::string formatEndpoint(const tcp::endpoint &endpoint)
{
    const auto address = endpoint.address().to_string();
    return (endpoint.address().is_v6() ? "[" + address + "]" : address) + ":"
           + std::to_string(endpoint.port());
}

// A host name or literal address that can only be this machine.
bool isLoopback(const std::string &host)
{
    if (host == "localhost")
        return true;
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    return !ec && address.is_loopback();
}

// The descriptors this process may open, less a reserve for everything but clients
// (listeners, the control channel, kv files, artifacts, objects): connection limits stay
// below it, so eviction decides who waits and not EMFILE.
std::size_t clientDescriptors()
{
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur == RLIM_INFINITY)
        return 1 << 16;
    return files.rlim_cur > 256 + 128 ? std::size_t(files.rlim_cur) - 256 : 128;
}

HttpServer::Limits dataLimits()
{
    HttpServer::Limits limits;
    limits.bodyBytes = 1024 * 1024; // room for component request bodies
    limits.maxConnections = std::min<std::size_t>(limits.maxConnections, clientDescriptors() * 3 / 4);
    limits.maxConnectionsPerPeer = std::min(limits.maxConnectionsPerPeer, limits.maxConnections);
    return limits;
}

// Scrapes and health checks: a few connections are plenty.
HttpServer::Limits adminLimits()
{
    HttpServer::Limits limits;
    limits.maxConnections = std::min<std::size_t>(64, clientDescriptors() / 4);
    limits.maxConnectionsPerPeer = 32;
    return limits;
}

} // namespace

Agent::Agent(AgentOptions options)
    : m_options(std::move(options))
    , m_signals(m_io, SIGINT, SIGTERM)
    , m_logTimer(m_io)
    , m_metrics(KEEL_VERSION, m_options.name, m_options.region)
    , m_dataPlane(m_options.name, m_io, m_metrics)
    , m_admin(m_metrics)
    , m_dataServer(
          m_io, "data",
          [this](const HttpRequest &r, const HttpServer::Peer &peer, HttpServer::Respond respond) {
              m_dataPlane.handle(r, peer, std::move(respond));
          },
          m_metrics, dataLimits())
    , m_adminServer(
          m_io, "admin", [this](const HttpRequest &r) { return m_admin.handle(r); }, m_metrics, adminLimits())
{
}

Agent::~Agent() = default;

int Agent::run()
{
    if (const int code = start(); code != kExitOk)
        return code;
    m_io.run();
    return m_exitCode;
}

void Agent::raiseOpenFileLimit()
{
    // Every client is a socket: take the hard limit on open files (at most fs.nr_open,
    // which an unlimited hard limit cannot be raised past), not the often small soft one.
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur >= files.rlim_max)
        return;
    rlim_t target = files.rlim_max;
    if (target == RLIM_INFINITY) {
        target = 1 << 20;
        if (std::FILE *f = std::fopen("/proc/sys/fs/nr_open", "r")) {
            unsigned long long nrOpen = 0;
            if (std::fscanf(f, "%llu", &nrOpen) == 1 && nrOpen > 0)
                target = rlim_t(nrOpen);
            std::fclose(f);
        }
    }
    files.rlim_cur = std::max(files.rlim_cur, target);
    setrlimit(RLIMIT_NOFILE, &files);
}

int Agent::start()
{
    const std::filesystem::path dataDir(m_options.dataDir);
    std::error_code ec;
    std::filesystem::create_directories(dataDir, ec);
    if (ec || !std::filesystem::is_directory(dataDir)) {
        logError("--data-dir: " + m_options.dataDir + ": cannot create it ("
                 + (ec ? ec.message() : std::string("not a directory"))
                 + "): pass a directory the agent may write");
        return kExitBadSetup;
    }
    std::string error;
    m_identity = NodeIdentity::loadOrCreate(dataDir / "identity.key", error);
    if (!m_identity) {
        logError(error);
        return kExitBadSetup;
    }

    if (!m_options.componentsDir.empty() && !std::filesystem::is_directory(m_options.componentsDir, ec)) {
        logError("--components: " + m_options.componentsDir + ": not a directory"
                 + (ec ? " (" + ec.message() + ")" : std::string())
                 + ": pass the directory that holds the component manifests");
        return kExitBadSetup;
    }

    // Bound before the components load, so a taken port fails at once; accepting starts
    // only once the set is loaded, so no request sees a 404 for a component still loading.
    if (!listen(m_dataServer, m_options.http, "--http")
        || !listen(m_adminServer, m_options.admin, "--admin"))
        return kExitCannotStart;
    startRuntime((dataDir / "kv").string());
    const auto httpEndpoint = formatEndpoint(m_dataServer.localEndpoint());
    const auto adminEndpoint = formatEndpoint(m_adminServer.localEndpoint());
    const auto bound = m_dataServer.localEndpoint();
    const auto advertised = m_options.advertisedHttp(bound.address().to_string(), bound.port());
    m_dataPlane.setAdvertisedEndpoint(advertised);

    if (m_options.hasControlPlane) {
        Hello hello;
        hello.nodeName = m_options.name;
        hello.region = m_options.region;
        hello.site = m_options.site;
        for (const auto &[key, value] : m_options.labels)
            hello.labels.push_back({key, value});
        hello.tiers = {RuntimeTier::Interpreter, RuntimeTier::Aot};
        hello.targetTriple = kTargetTriple;
        hello.agentVersion = KEEL_VERSION;
        const auto &publicKey = m_identity->publicKey();
        hello.publicKey.assign(publicKey.begin(), publicKey.end());
        hello.joinToken = m_options.joinToken;
        hello.httpEndpoint = advertised; // a URL clients can use, not only where it listens
        hello.adminEndpoint = adminEndpoint;
        m_controlChannel = std::make_unique<ControlChannel>(
            m_io, m_options.controlPlane, std::move(hello), *m_identity, m_metrics,
            [this](const std::string &message) {
                logError(message);
                shutdown(kExitRefused);
            });
        m_controlPlaneKey = std::make_unique<ControlPlaneKey>(dataDir / "controlplane.pub", m_options.controlPlaneKeySha256,
                                                              m_options.controlPlaneKeyFromToken);
        if (!m_options.controlPlane.tls && !isLoopback(m_options.controlPlane.host))
            logError("warning: --controlplane " + m_options.controlPlane.url
                     + " is plain ws:// to another host: anyone on the path can read and alter the channel; use wss://"
                     + (m_options.controlPlaneKeySha256.empty()
                            ? std::string(" and pass --controlplane-key-sha256 (or a join token that carries it)")
                            : std::string()));
        m_controlChannel->setWelcomeHandler([this](const Welcome &welcome) { onWelcome(welcome); });
        m_controlChannel->setDesiredStateHandler([this](DesiredState state) { onDesiredState(std::move(state)); });
    }

    if (!m_options.componentsDir.empty())
        loadComponents();
    else if (m_options.hasControlPlane)
        startDesiredState(dataDir); // the last applied set first: offline first

    m_dataServer.start();
    m_adminServer.start();
    m_admin.setReady(true);
    logInfo("http listening on " + httpEndpoint);
    logInfo("http advertised as " + advertised);
    logInfo("admin listening on " + adminEndpoint);

    m_signals.async_wait([this](const boost::system::error_code &ec, int) {
        if (!ec)
            shutdown(kExitOk);
    });

    if (m_controlChannel)
        m_controlChannel->start();
    return kExitOk;
}

void Agent::startRuntime(const std::string &kvDirectory)
{
    ComponentRuntime::Options runtimeOptions;
    runtimeOptions.kvDirectory = kvDirectory;
    m_aotEngine = std::make_unique<AotEngine>();
    m_runtime = std::make_unique<ComponentRuntime>(runtimeOptions, [](std::string_view line) {
        logInfo("component " + std::string(line));
    });
    m_dataPlane.setRuntime(m_runtime.get());
    flushComponentLogs();
    m_metrics.setComponentMemorySource([this] {
        std::vector<std::pair<std::string, double>> memory;
        for (const auto &c : m_runtime->components())
            memory.emplace_back(c->config().name, double(c->linearMemoryBytes()));
        return memory;
    });
}

void Agent::loadComponents()
{
    ComponentSet set(
        *m_runtime, m_aotEngine.get(), [](std::string_view line) { logInfo(line); },
        [](std::string_view line) { logError(line); });
    auto counts = set.loadDirectory(m_options.componentsDir);
    // As for a desired state: a component that fails its health check is not served
    // (here the others are, as with any component that does not load).
    const std::size_t unhealthy = set.checkHealth();
    counts.served -= unhealthy;
    counts.refused += unhealthy;
    set.serve();
    for (const auto &name : set.freshlyLoaded())
        m_metrics.countComponentLoad(name);
    servedChanged(m_runtime->components());
    m_metrics.setRefusedComponents(counts.refused);
    logInfo("serving " + std::to_string(counts.served) + " component" + (counts.served == 1 ? "" : "s")
            + " from " + m_options.componentsDir + " (" + std::to_string(counts.refused) + " refused)");
}

void Agent::startDesiredState(const std::filesystem::path &dataDir)
{
    m_applier = std::make_unique<DesiredStateApplier>(
        dataDir, *m_runtime, m_aotEngine.get(), *m_controlChannel, std::string(kTargetTriple),
        [](std::string_view line) { logInfo(line); }, [](std::string_view line) { logError(line); });
    const auto restored = m_applier->restore();
    if (restored.found) {
        logInfo("serving " + std::to_string(restored.served) + " component" + (restored.served == 1 ? "" : "s")
                + " of the last applied set (generation " + std::to_string(restored.generation) + ", "
                + std::to_string(restored.refused) + " refused)");
        m_metrics.setRefusedComponents(restored.refused);
    }
    for (const auto &name : restored.loads)
        m_metrics.countComponentLoad(name);
    for (const auto &name : restored.standbyLoads)
        m_metrics.countComponentLoad(name);
    m_metrics.countStandbyFailures(restored.standbyFailures);
    m_metrics.setStandbyComponents(restored.standbyHeld);
    servedChanged(m_runtime->components());
    m_metrics.setAppliedGeneration(restored.generation);
    m_controlChannel->setAppliedGeneration(restored.generation);
    m_stateWorker = std::make_unique<DesiredStateWorker>(m_io, *m_applier, [this](DesiredStateApplier::Outcome outcome) {
        for (const auto &reason : outcome.fetchFailures)
            m_metrics.countArtifactFetchFailure(reason);
        m_metrics.countDesiredState(outcome.swapped ? "applied" : outcome.ack.applied ? "unchanged" : "rejected");
        for (const auto &name : outcome.loads)
            m_metrics.countComponentLoad(name);
        for (const auto &name : outcome.standbyLoads)
            m_metrics.countComponentLoad(name);
        m_metrics.countStandbyFailures(outcome.standbyFailures);
        m_metrics.setStandbyComponents(outcome.standbyHeld);
        if (outcome.swapped) {
            servedChanged(outcome.served);
            m_metrics.setRefusedComponents(0);
        }
        const auto generation = m_applier->appliedGeneration();
        m_metrics.setAppliedGeneration(generation);
        m_controlChannel->setAppliedGeneration(generation);
        m_controlChannel->sendStateAck(std::move(outcome.ack));
    });
}

void Agent::onWelcome(const Welcome &welcome)
{
    const auto check = m_controlPlaneKey->check(welcome.controlPlanePublicKey);
    switch (check.outcome) {
    case ControlPlaneKey::Outcome::Pinned:
        logInfo(check.message);
        [[fallthrough]];
    case ControlPlaneKey::Outcome::Matches:
        m_trustedKey = welcome.controlPlanePublicKey;
        m_keyProblem.clear();
        return;
    case ControlPlaneKey::Outcome::Refused:
        // First contact with a control plane this node was not told to trust.
        m_trustedKey.clear();
        logError(check.message);
        shutdown(kExitRefused);
        return;
    case ControlPlaneKey::Outcome::Mismatch:
    case ControlPlaneKey::Outcome::Failed:
        logError(check.message);
        m_trustedKey.clear();
        m_keyProblem = check.message;
        return;
    }
}

void Agent::onDesiredState(DesiredState state)
{
    std::string refusal;
    if (!m_options.componentsDir.empty())
        refusal = "this node serves a local --components set (" + m_options.componentsDir
                  + ") and applies no desired state from the control plane; restart it without --components";
    else if (!m_keyProblem.empty())
        refusal = m_keyProblem;
    else if (m_trustedKey.empty())
        refusal = "the control plane presented no signing key in its Welcome";
    else if (!ControlPlaneKey::verify(m_trustedKey, keel::v1::stateSignatureMessage(m_options.name, state.signedBytes),
                                      state.signature))
        // Whoever sent it cannot sign as the control plane this node pinned: nothing of it
        // (generation, names, grants, config) is applied.
        refusal = "the desired state's signature does not verify with the pinned control-plane key";
    if (refusal.empty()) {
        m_stateWorker->submit(std::move(state), m_trustedKey);
        return;
    }
    logError("desired state: refusing generation " + std::to_string(state.generation) + ": " + refusal);
    m_metrics.countDesiredState("rejected");
    m_controlChannel->sendStateAck(DesiredStateApplier::rejectAll(state, refusal));
}

void Agent::servedChanged(const std::vector<std::shared_ptr<const Component>> &served)
{
    m_metrics.clearComponents();
    for (const auto &component : served) {
        const auto &config = component->config();
        m_metrics.addComponent(config.name, config.version, std::string(abiName(config.abi)),
                               std::string(component->tier()));
    }
}

bool Agent::listen(HttpServer &server, const ListenAddress &address, std::string_view flag)
{
    const tcp::endpoint endpoint(asio::ip::make_address(address.host), address.port);
    if (const auto ec = server.listen(endpoint)) {
        logError(std::string(flag) + ": " + formatEndpoint(endpoint) + ": cannot listen ("
                 + ec.message() + "): pass a free HOST:PORT, or port 0 for any free port");
        return false;
    }
    return true;
}

void Agent::flushComponentLogs()
{
    // Guests never write to the agent's log themselves: on the request's path that was a
    // write (and a flush) per line; here it is a few batches a second.
    constexpr auto kLogFlush = std::chrono::milliseconds(200);
    if (!m_runtime)
        return;
    for (const auto &[component, dropped] : m_runtime->flushLogs())
        m_metrics.countDroppedLogLines(component, dropped);
    if (m_shuttingDown)
        return;
    m_logTimer.expires_after(kLogFlush);
    m_logTimer.async_wait([this](const boost::system::error_code &ec) {
        if (!ec)
            flushComponentLogs();
    });
}

void Agent::shutdown(int exitCode)
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    m_exitCode = exitCode;
    m_logTimer.cancel();
    flushComponentLogs();
    m_admin.setReady(false);
    m_signals.cancel();
    m_dataServer.stop();
    m_adminServer.stop();
    if (m_controlChannel)
        m_controlChannel->stop(); // first: fetches in flight fail at once
    if (m_stateWorker)
        m_stateWorker->stop();
}

} // namespace keel::agent
