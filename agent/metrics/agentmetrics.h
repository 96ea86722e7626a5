#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>
#include <string_view>
#include <vector>

namespace keel::agent {

// The agent's Prometheus registry and the handful of series it exports on /metrics.
// Single-threaded like the rest of the agent; prometheus-cpp's own locking is spare.
class AgentMetrics final
{
public:
    AgentMetrics(std::string_view version, std::string_view node, std::string_view region);
    AgentMetrics(const AgentMetrics &) = delete;
    AgentMetrics &operator=(const AgentMetrics &) = delete;

    void setControlPlaneConnected(bool connected);
    void countReconnect();
    // reason is a short token from a bounded set, never text from the network.
    void countRejectedFrame(std::string_view reason);
    void countIgnoredFrame(std::string_view reason);
    void countHttpRequest(std::string_view listener, unsigned status);
    void countBadRequest();
    void countRefusedConnection(std::string_view listener);

    // The Prometheus text exposition (format 0.0.4); refreshes the process gauges first.
    std::string scrape();

    // Resident set size from /proc/self/statm; 0 when it cannot be read.
    static double residentMemoryBytes();

private:
    struct HttpSeries
    {
        std::string listener;
        unsigned status;
        prometheus::Counter *counter;
    };

    prometheus::Registry m_registry;
    prometheus::Gauge &m_connected;
    prometheus::Counter &m_reconnects;
    prometheus::Family<prometheus::Counter> &m_rejectedFrames;
    prometheus::Family<prometheus::Counter> &m_ignoredFrames;
    prometheus::Family<prometheus::Counter> &m_httpRequests;
    prometheus::Counter &m_badRequests;
    prometheus::Family<prometheus::Counter> &m_refusedConnections;
    prometheus::Gauge &m_residentMemory;
    // Looked up per request; a short vector beats building a label map each time.
    std::vector<HttpSeries> m_httpSeries;
};

} // namespace keel::agent
