#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

namespace Keel {

// The control plane's own Prometheus metrics. prometheus-cpp's types are thread-safe, so
// an exposer on its own thread can read them while the event loop writes.
class ServerMetrics final
{
public:
    ServerMetrics();

    std::shared_ptr<prometheus::Registry> registry() const { return m_registry; }

    void connectionOpened(const std::string &path);
    void connectionClosed(const std::string &path);
    void frameReceived(const std::string &path);
    void frameRejected(const std::string &path, const std::string &reason);
    void request(const std::string &kind, const std::string &result);
    void enrollment(const std::string &result);
    void storeError();
    void auditRecorded(const std::string &result);
    void auditWriteFailure();
    void metricsReport(const std::string &result);
    // A rollout entered a state ("progressing", "rolled_back", ...); a gate failed.
    void rolloutTransition(const std::string &state);
    void rolloutGateFailed(const std::string &gate);
    // An ack or metrics for a component outside the node's desired set (message: "ack", "metrics").
    void foreignComponent(const std::string &message);
    // A known node claimed another site or other labels than the operator gave it.
    void nodeClaimIgnored(const std::string &field);
    double nodeClaimsIgnoredForTest(const std::string &field);
    double foreignComponentsForTest(const std::string &message);
    double metricsReportsForTest(const std::string &result);
    void storeStatement(double seconds);
    // Residency: violations standing now, by mode ("enforce", "audit"); placements left
    // out of desired state because an enforce-mode rule forbids them.
    void setViolations(const std::string &mode, double count);
    void placementRemoved();
    void setNodes(const std::string &region, const std::string &status, double count);

    // For tests: current value of a rejection counter.
    double framesRejectedForTest(const std::string &path, const std::string &reason);

private:
    std::shared_ptr<prometheus::Registry> m_registry;
    prometheus::Family<prometheus::Gauge> &m_connections;
    prometheus::Family<prometheus::Counter> &m_frames;
    prometheus::Family<prometheus::Counter> &m_framesRejected;
    prometheus::Family<prometheus::Counter> &m_requests;
    prometheus::Family<prometheus::Counter> &m_enrollments;
    prometheus::Family<prometheus::Counter> &m_storeErrors;
    prometheus::Family<prometheus::Counter> &m_auditRecords;
    prometheus::Family<prometheus::Counter> &m_auditWriteFailures;
    prometheus::Family<prometheus::Counter> &m_metricsReports;
    prometheus::Family<prometheus::Counter> &m_rolloutTransitions;
    prometheus::Family<prometheus::Counter> &m_rolloutGateFailures;
    prometheus::Family<prometheus::Counter> &m_nodeClaimsIgnored;
    prometheus::Family<prometheus::Counter> &m_foreignComponents;
    prometheus::Family<prometheus::Gauge> &m_violations;
    prometheus::Family<prometheus::Counter> &m_placementsRemoved;
    prometheus::Histogram &m_storeStatements;
    prometheus::Family<prometheus::Gauge> &m_nodes;
};

} // namespace Keel
