#include "agentmetrics.h"

#include <algorithm>

#include <prometheus/text_serializer.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

namespace keel::agent {

namespace {

prometheus::Family<prometheus::Gauge> &gauge(prometheus::Registry &r, const char *name, const char *help)
{
    return prometheus::BuildGauge().Name(name).Help(help).Register(r);
}

prometheus::Family<prometheus::Counter> &counter(prometheus::Registry &r, const char *name,
                                                 const char *help)
{
    return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}

} // namespace

AgentMetrics::AgentMetrics(std::string_view version, std::string_view node, std::string_view region)
    : m_connected(gauge(m_registry, "keel_agent_controlplane_connected",
                        "1 while the agent holds an enrolled control-plane connection")
                      .Add({}))
    , m_reconnects(counter(m_registry, "keel_agent_controlplane_reconnects_total",
                           "Connection attempts to the control plane after the first")
                       .Add({}))
    , m_rejectedFrames(counter(m_registry, "keel_agent_control_frames_rejected_total",
                               "Control-plane frames that made the agent drop the connection"))
    , m_ignoredFrames(counter(m_registry, "keel_agent_control_frames_ignored_total",
                              "Well-formed control-plane frames the agent does not act on yet"))
    , m_httpRequests(counter(m_registry, "keel_agent_http_requests_total",
                             "HTTP responses sent, by listener and status code"))
    , m_badRequests(counter(m_registry, "keel_agent_http_bad_requests_total",
                            "HTTP requests refused as malformed, too large or too slow")
                        .Add({}))
    , m_refusedConnections(counter(m_registry, "keel_agent_http_connections_refused_total",
                                   "HTTP connections closed at once: the listener was full of connections being served"))
    , m_evictedConnections(counter(m_registry, "keel_agent_http_connections_evicted_total",
                                   "HTTP connections closed to make room for a new one (the one that waited longest "
                                   "for or in a request), by reason: peer_limit, connection_limit"))
    , m_httpTimeouts(counter(m_registry, "keel_agent_http_timeouts_total",
                             "Requests whose header or body did not arrive in time, by phase"))
    , m_droppedLogLines(counter(m_registry, "keel_agent_component_log_lines_dropped_total",
                                "Log lines a component wrote beyond its rate (50 lines/s, bursts of 200) or its "
                                "64 KiB buffer, dropped"))
    , m_residentMemory(gauge(m_registry, "process_resident_memory_bytes",
                             "Resident memory size in bytes")
                           .Add({}))
    , m_componentRequests(counter(m_registry, "keel_agent_component_requests_total",
                                  "Requests answered per component, by HTTP status code"))
    , m_componentErrors(counter(m_registry, "keel_agent_component_errors_total",
                                "Component failures by kind (trap, deadline, memory, response_too_large, "
                                "bad_output, instantiation)"))
    , m_requestDuration(prometheus::BuildHistogram()
                            .Name("keel_agent_request_duration_seconds")
                            .Help("Time from dispatch to a component's answer, by component and tier")
                            .Register(m_registry))
    , m_instantiation(prometheus::BuildHistogram()
                          .Name("keel_agent_instantiation_seconds")
                          .Help("Time to instantiate a component's module, by component and tier")
                          .Register(m_registry))
    , m_coldStarts(counter(m_registry, "keel_agent_cold_starts_total",
                           "First instantiations of a component since the agent started"))
    , m_componentMemory(gauge(m_registry, "keel_agent_component_memory_bytes",
                              "Linear memory held by a component's live instances"))
    , m_componentInfo(gauge(m_registry, "keel_agent_component_info",
                            "A component the node serves, with its version, ABI and tier; always 1"))
    , m_componentsServed(gauge(m_registry, "keel_agent_components",
                               "Components the node serves, by tier"))
    , m_componentsRefused(gauge(m_registry, "keel_agent_components_refused",
                                "Manifests or components refused when the component set was loaded")
                              .Add({}))
    , m_residencyRequests(counter(m_registry, "keel_agent_residency_requests_total",
                                  "Requests to components under residency rules, by component, outcome (allowed, "
                                  "audited, refused with 451, bad_request with 400) and the rule that decided"))
    , m_desiredStates(counter(m_registry, "keel_agent_desired_state_generations_total",
                              "Desired states handled, by result: applied (a new set is served), unchanged "
                              "(the content already served, acknowledged without loading anything), rejected "
                              "(the last good set kept)"))
    , m_componentLoads(counter(m_registry, "keel_agent_component_loads_total",
                               "Components instantiated from their modules, by component; one kept unchanged "
                               "across a desired-state swap is not loaded again"))
    , m_appliedGeneration(gauge(m_registry, "keel_agent_applied_generation",
                                "The desired-state generation the node serves; 0 when none")
                              .Add({}))
    , m_artifactFetchFailures(counter(m_registry, "keel_agent_artifact_fetch_failures_total",
                                      "Artifacts (modules, AOT objects) that could not be fetched or verified, by reason"))
    , m_standbyComponents(gauge(m_registry, "keel_agent_standby_components",
                                "Component versions kept loaded but not served (a rollout's baseline), ready to "
                                "switch to without a fetch or a cold start")
                              .Add({}))
    , m_standbyFailures(counter(m_registry, "keel_agent_standby_load_failures_total",
                                "Standby versions a desired state named that could not be fetched, loaded or "
                                "recorded; the state is applied regardless")
                            .Add({}))
{
    gauge(m_registry, "keel_agent_info", "The agent's version and identity; always 1")
        .Add({{"version", std::string(version)},
              {"node", std::string(node)},
              {"region", std::string(region)}})
        .Set(1);
    // Every reason starts at 0, so dashboards and alerts see the series before the
    // first incident rather than a missing one.
    for (const char *reason : {"unparsable", "empty", "unspecified_enum", "invalid_field",
                               "text_frame", "too_large", "unexpected_message"})
        m_rejectedFrames.Add({{"reason", reason}});
    for (const char *reason : {"unknown_type", "late_chunk"})
        m_ignoredFrames.Add({{"reason", reason}});
    for (const char *result : {"applied", "unchanged", "rejected"})
        m_desiredStates.Add({{"result", result}});
    for (const char *reason : {"invalid", "unsigned", "bad_signature", "transport", "too_large", "size_mismatch",
                               "digest_mismatch", "storage"})
        m_artifactFetchFailures.Add({{"reason", reason}});
    for (const char *tier : {"interp", "aot"})
        m_componentsServed.Add({{"tier", tier}});
}

void AgentMetrics::setControlPlaneConnected(bool connected)
{
    m_connected.Set(connected ? 1 : 0);
}

void AgentMetrics::countReconnect()
{
    m_reconnects.Increment();
}

void AgentMetrics::countRejectedFrame(std::string_view reason)
{
    m_rejectedFrames.Add({{"reason", std::string(reason)}}).Increment();
}

void AgentMetrics::countIgnoredFrame(std::string_view reason)
{
    m_ignoredFrames.Add({{"reason", std::string(reason)}}).Increment();
}

void AgentMetrics::countHttpRequest(std::string_view listener, unsigned status)
{
    for (auto &series : m_httpSeries) {
        if (series.status == status && series.listener == listener) {
            series.counter->Increment();
            return;
        }
    }
    auto &c = m_httpRequests.Add({{"listener", std::string(listener)}, {"code", std::to_string(status)}});
    m_httpSeries.push_back({std::string(listener), status, &c});
    c.Increment();
}

void AgentMetrics::countBadRequest()
{
    m_badRequests.Increment();
}

void AgentMetrics::countRefusedConnection(std::string_view listener)
{
    m_refusedConnections.Add({{"listener", std::string(listener)}}).Increment();
}

void AgentMetrics::countEvictedConnection(std::string_view listener, std::string_view reason)
{
    m_evictedConnections.Add({{"listener", std::string(listener)}, {"reason", std::string(reason)}}).Increment();
}

void AgentMetrics::countHttpTimeout(std::string_view listener, std::string_view phase)
{
    m_httpTimeouts.Add({{"listener", std::string(listener)}, {"phase", std::string(phase)}}).Increment();
}

void AgentMetrics::countDroppedLogLines(const std::string &component, std::uint64_t lines)
{
    m_droppedLogLines.Add({{"component", component}}).Increment(double(lines));
}

const std::vector<double> &AgentMetrics::durationBuckets()
{
    // From a fast interpreted call to a long deadline. The control plane merges every
    // agent's buckets, so all agents of a fleet must use these.
    static const std::vector<double> buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    return buckets;
}

AgentMetrics::ComponentWindow &AgentMetrics::window(const std::string &component, const std::string &version,
                                                   const std::string &tier)
{
    auto key = std::make_pair(component, version);
    auto it = m_windows.find(key);
    if (it == m_windows.end()) {
        ComponentWindow w;
        w.component = component;
        w.version = version;
        w.upperBounds = durationBuckets();
        w.counts.assign(w.upperBounds.size() + 1, 0);
        it = m_windows.emplace(std::move(key), std::move(w)).first;
    }
    it->second.tier = tier == "aot" ? std::optional(RuntimeTier::Aot)
                      : tier == "interp" ? std::optional(RuntimeTier::Interpreter)
                                         : std::nullopt;
    return it->second;
}

std::vector<AgentMetrics::ComponentWindow> AgentMetrics::takeWindows()
{
    std::vector<ComponentWindow> windows;
    std::map<std::string, double, std::less<>> memory;
    if (m_memorySource)
        for (const auto &[component, bytes] : m_memorySource())
            memory[component] = bytes;
    for (auto it = m_windows.begin(); it != m_windows.end();) {
        const auto &[component, version] = it->first;
        ComponentWindow &w = it->second;
        const auto served = m_versions.find(component);
        const bool isServed = served != m_versions.end() && served->second == version;
        if (w.count == 0 && w.coldStarts == 0) {
            // A version no longer served that had nothing left to report: forgotten, so
            // a node that rolls through many versions keeps no window of each.
            it = isServed ? std::next(it) : m_windows.erase(it);
            continue;
        }
        ComponentWindow out = w;
        // The memory source reads the served instances only.
        if (const auto m = memory.find(component); m != memory.end() && isServed)
            out.memoryBytes = static_cast<std::uint64_t>(m->second);
        windows.push_back(std::move(out));
        std::fill(w.counts.begin(), w.counts.end(), 0);
        w.sum = 0;
        w.count = w.requests = w.errors = w.coldStarts = 0;
        ++it;
    }
    return windows;
}

void AgentMetrics::registerComponent(const std::string &component, const std::string &tier)
{
    // Buckets from a fast interpreted call to a long deadline, and from a cached
    // instantiation to a large module's.
    static const prometheus::Histogram::BucketBoundaries duration(durationBuckets().begin(), durationBuckets().end());
    static const prometheus::Histogram::BucketBoundaries instantiation{
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};
    ComponentSeries &series = m_components[component];
    series.duration = &m_requestDuration.Add({{"component", component}, {"tier", tier}}, duration);
    series.instantiation = &m_instantiation.Add({{"component", component}, {"tier", tier}}, instantiation);
    series.coldStarts = &m_coldStarts.Add({{"component", component}});
    series.memory = &m_componentMemory.Add({{"component", component}});
    for (const char *kind : {"trap", "deadline", "memory", "response_too_large", "bad_output", "instantiation"})
        series.errors[kind] = &m_componentErrors.Add({{"component", component}, {"kind", kind}});
}

void AgentMetrics::addComponent(const std::string &component, const std::string &version,
                                const std::string &abi, const std::string &tier)
{
    registerComponent(component, tier);
    m_versions[component] = version;
    auto &info = m_componentInfo.Add({{"component", component}, {"version", version}, {"abi", abi}, {"tier", tier}});
    info.Set(1);
    m_componentInfoSeries.push_back(&info);
    m_componentsServed.Add({{"tier", tier}}).Increment();
}

void AgentMetrics::clearComponents()
{
    for (prometheus::Gauge *info : m_componentInfoSeries)
        m_componentInfo.Remove(info);
    m_componentInfoSeries.clear();
    m_versions.clear();
    for (const char *tier : {"interp", "aot"})
        m_componentsServed.Add({{"tier", tier}}).Set(0);
}

void AgentMetrics::countDesiredState(std::string_view result)
{
    m_desiredStates.Add({{"result", std::string(result)}}).Increment();
}

void AgentMetrics::countComponentLoad(const std::string &component)
{
    m_componentLoads.Add({{"component", component}}).Increment();
}

void AgentMetrics::setAppliedGeneration(std::uint64_t generation)
{
    m_appliedGeneration.Set(double(generation));
}

void AgentMetrics::countArtifactFetchFailure(std::string_view reason)
{
    m_artifactFetchFailures.Add({{"reason", std::string(reason)}}).Increment();
}

void AgentMetrics::setStandbyComponents(std::size_t count)
{
    m_standbyComponents.Set(double(count));
}

void AgentMetrics::countStandbyFailures(std::size_t count)
{
    if (count)
        m_standbyFailures.Increment(double(count));
}

void AgentMetrics::setRefusedComponents(std::size_t count)
{
    m_componentsRefused.Set(double(count));
}

void AgentMetrics::countResidencyRequest(const std::string &component, std::string_view outcome,
                                         const std::string &rule)
{
    m_residencyRequests.Add({{"component", component}, {"outcome", std::string(outcome)}, {"rule", rule}}).Increment();
}

void AgentMetrics::countComponentRequest(const std::string &component, const std::string &version,
                                         const std::string &tier, unsigned code, std::string_view errorKind,
                                         double seconds)
{
    auto it = m_components.find(component);
    if (it == m_components.end()) {
        registerComponent(component, tier);
        it = m_components.find(component);
    }
    ComponentSeries &series = it->second;
    auto &requests = series.requests[code];
    if (!requests)
        requests = &m_componentRequests.Add({{"component", component}, {"code", std::to_string(code)}});
    requests->Increment();
    series.duration->Observe(seconds);
    ComponentWindow &w = window(component, version, tier);
    const auto &bounds = w.upperBounds;
    const auto bucket = std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin();
    ++w.counts[static_cast<std::size_t>(bucket)];
    w.sum += seconds;
    ++w.count;
    ++w.requests;
    // What a client saw as a server failure, as rollout gates judge a version: a guest's
    // own 500 as much as a trap, a deadline or an overload (keel.proto ComponentMetrics).
    if (code >= 500)
        ++w.errors;
    if (!errorKind.empty()) {
        if (auto e = series.errors.find(errorKind); e != series.errors.end())
            e->second->Increment();
    }
}

void AgentMetrics::observeInstantiation(const std::string &component, const std::string &version,
                                        const std::string &tier, double seconds, bool coldStart)
{
    auto it = m_components.find(component);
    if (it == m_components.end()) {
        registerComponent(component, tier);
        it = m_components.find(component);
    }
    it->second.instantiation->Observe(seconds);
    if (coldStart) {
        it->second.coldStarts->Increment();
        ++window(component, version, tier).coldStarts;
    }
}

std::string AgentMetrics::scrape()
{
    if (m_memorySource) {
        for (const auto &[component, bytes] : m_memorySource()) {
            if (auto it = m_components.find(component); it != m_components.end())
                it->second.memory->Set(bytes);
        }
    }
    m_residentMemory.Set(residentMemoryBytes());
    return prometheus::TextSerializer().Serialize(m_registry.Collect());
}

double AgentMetrics::residentMemoryBytes()
{
    // statm is "size resident shared text lib data dt", in pages.
    const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char buffer[128];
    const ssize_t n = ::read(fd, buffer, sizeof buffer - 1);
    ::close(fd);
    if (n <= 0)
        return 0;
    buffer[n] = '\0';
    char *end = nullptr;
    std::strtoull(buffer, &end, 10);
    const unsigned long long pages = std::strtoull(end, nullptr, 10);
    return double(pages) * double(::sysconf(_SC_PAGESIZE));
}

} // namespace keel::agent
