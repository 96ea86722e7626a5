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

std::string AgentMetrics::scrape()
{
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
