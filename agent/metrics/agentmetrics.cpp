#include "agentmetrics.h"

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
                                   "HTTP connections closed at once because the listener was full"))
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
    for (const char *reason : {"unknown_type", "desired_state"})
        m_ignoredFrames.Add({{"reason", reason}});
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

void AgentMetrics::registerComponent(const std::string &component, const std::string &tier)
{
    // Buckets from a fast interpreted call to a long deadline, and from a cached
    // instantiation to a large module's.
    static const prometheus::Histogram::BucketBoundaries duration{
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
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
    m_componentInfo.Add({{"component", component}, {"version", version}, {"abi", abi}, {"tier", tier}}).Set(1);
    m_componentsServed.Add({{"tier", tier}}).Increment();
}

void AgentMetrics::setRefusedComponents(std::size_t count)
{
    m_componentsRefused.Set(double(count));
}

void AgentMetrics::countComponentRequest(const std::string &component, const std::string &tier,
                                         unsigned code, std::string_view errorKind, double seconds)
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
    if (!errorKind.empty()) {
        if (auto e = series.errors.find(errorKind); e != series.errors.end())
            e->second->Increment();
    }
}

void AgentMetrics::observeInstantiation(const std::string &component, const std::string &tier,
                                        double seconds, bool coldStart)
{
    auto it = m_components.find(component);
    if (it == m_components.end()) {
        registerComponent(component, tier);
        it = m_components.find(component);
    }
    it->second.instantiation->Observe(seconds);
    if (coldStart)
        it->second.coldStarts->Increment();
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
