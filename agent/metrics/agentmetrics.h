#pragma once

#include "control/controlmessages.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <functional>
#include <map>
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
    // A connection closed to make room for a new one; reason: peer_limit, connection_limit.
    void countEvictedConnection(std::string_view listener, std::string_view reason);
    // A request that did not arrive in time; phase: header, body.
    void countHttpTimeout(std::string_view listener, std::string_view phase);
    // Log lines a component wrote beyond its rate or buffer (ComponentLog).
    void countDroppedLogLines(const std::string &component, std::uint64_t lines);

    // Components: every series of a component starts at 0 when it is registered.
    void registerComponent(const std::string &component, const std::string &tier);
    // A component now served: registers its series and says what runs it.
    void addComponent(const std::string &component, const std::string &version, const std::string &abi,
                      const std::string &tier);
    // Before a new set is served: forgets which components were served (their request
    // series stay, as counters must).
    void clearComponents();
    // A component instantiated from its module (at start, or by a desired state that
    // changed it); an unchanged component kept across a swap is not loaded again.
    void countComponentLoad(const std::string &component);
    // Manifests or components refused when the set was loaded.
    void setRefusedComponents(std::size_t count);

    // Desired state: result is "applied" (a new set is served), "unchanged" (the applied
    // generation acknowledged again) or "rejected" (the last good set keeps running).
    void countDesiredState(std::string_view result);
    void setAppliedGeneration(std::uint64_t generation);
    // reason: ArtifactStore::failureName, a fixed set.
    void countArtifactFetchFailure(std::string_view reason);
    // Standby versions (kept loaded, not served): how many are held, and each one a
    // desired state named that could not be held (it never rejects the state).
    void setStandbyComponents(std::size_t count);
    void countStandbyFailures(std::size_t count);
    // One answered request of the component version it was dispatched to: code is the
    // HTTP status, errorKind empty when none. A code of 500 or more counts as an error in
    // the report's window, whoever answered it (the guest, the runtime, an overload).
    void countComponentRequest(const std::string &component, const std::string &version, const std::string &tier,
                               unsigned code, std::string_view errorKind, double seconds);
    // A request some residency rule concerned: outcome "allowed", "audited" (served, an
    // audit-mode rule would have refused it), "refused" (451) or "bad_request" (400);
    // rule: the rule that refused or flagged it. Never anything from the request itself.
    void countResidencyRequest(const std::string &component, std::string_view outcome, const std::string &rule);
    void observeInstantiation(const std::string &component, const std::string &version, const std::string &tier,
                              double seconds, bool coldStart);
    // Read at each scrape: linear memory per component (the version served).
    using MemorySource = std::function<std::vector<std::pair<std::string, double>>()>;
    void setComponentMemorySource(MemorySource source) { m_memorySource = std::move(source); }

    // The Prometheus text exposition (format 0.0.4); refreshes the process gauges first.
    std::string scrape();

    // What happened per component version since the last call, as the control plane's
    // MetricsReport carries it (bucket deltas, never percentiles): one window per
    // (component, version), so during a switch the requests still finishing on the old
    // version are reported as that version's. Taking it starts the next window.
    using ComponentWindow = MetricsReport::Component;
    std::vector<ComponentWindow> takeWindows();
    static const std::vector<double> &durationBuckets();

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
    prometheus::Family<prometheus::Counter> &m_evictedConnections;
    prometheus::Family<prometheus::Counter> &m_httpTimeouts;
    prometheus::Family<prometheus::Counter> &m_droppedLogLines;
    prometheus::Gauge &m_residentMemory;
    // Looked up per request; a short vector beats building a label map each time.
    std::vector<HttpSeries> m_httpSeries;

    // Per-component series, resolved once at registration.
    struct ComponentSeries
    {
        prometheus::Histogram *duration = nullptr;
        prometheus::Histogram *instantiation = nullptr;
        prometheus::Counter *coldStarts = nullptr;
        prometheus::Gauge *memory = nullptr;
        std::map<std::string, prometheus::Counter *, std::less<>> errors;
        std::map<unsigned, prometheus::Counter *> requests;
    };
    prometheus::Family<prometheus::Counter> &m_componentRequests;
    prometheus::Family<prometheus::Counter> &m_componentErrors;
    prometheus::Family<prometheus::Histogram> &m_requestDuration;
    prometheus::Family<prometheus::Histogram> &m_instantiation;
    prometheus::Family<prometheus::Counter> &m_coldStarts;
    prometheus::Family<prometheus::Gauge> &m_componentMemory;
    prometheus::Family<prometheus::Gauge> &m_componentInfo;
    prometheus::Family<prometheus::Gauge> &m_componentsServed;
    prometheus::Gauge &m_componentsRefused;
    std::vector<prometheus::Gauge *> m_componentInfoSeries;
    prometheus::Family<prometheus::Counter> &m_residencyRequests;
    prometheus::Family<prometheus::Counter> &m_desiredStates;
    prometheus::Family<prometheus::Counter> &m_componentLoads;
    prometheus::Gauge &m_appliedGeneration;
    prometheus::Family<prometheus::Counter> &m_artifactFetchFailures;
    prometheus::Gauge &m_standbyComponents;
    prometheus::Counter &m_standbyFailures;
    std::map<std::string, ComponentSeries, std::less<>> m_components;
    // (component, version) -> its window.
    std::map<std::pair<std::string, std::string>, ComponentWindow> m_windows;
    std::map<std::string, std::string, std::less<>> m_versions; // served: component -> version
    ComponentWindow &window(const std::string &component, const std::string &version, const std::string &tier);
    MemorySource m_memorySource;
};

} // namespace keel::agent
