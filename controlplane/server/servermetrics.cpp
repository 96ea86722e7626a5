#include "servermetrics.h"

namespace Keel {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

ServerMetrics::ServerMetrics()
    : m_registry(std::make_shared<prometheus::Registry>())
    , m_connections(BuildGauge().Name("keel_cp_connections").Help("Open WebSocket connections by path").Register(*m_registry))
    , m_frames(BuildCounter().Name("keel_cp_frames_received_total").Help("Frames received by path").Register(*m_registry))
    , m_framesRejected(BuildCounter().Name("keel_cp_frames_rejected_total")
                           .Help("Frames that closed their connection: garbled, unknown, oversized or out of place")
                           .Register(*m_registry))
    , m_requests(BuildCounter().Name("keel_cp_operator_requests_total").Help("Operator requests by kind and result").Register(*m_registry))
    , m_enrollments(BuildCounter().Name("keel_cp_agent_handshakes_total").Help("Agent handshakes by result").Register(*m_registry))
    , m_storeErrors(BuildCounter().Name("keel_cp_store_errors_total").Help("Store operations that failed").Register(*m_registry))
    , m_auditRecords(BuildCounter().Name("keel_cp_audit_records_total").Help("Audit records by result: ok, denied, error").Register(*m_registry))
    , m_auditWriteFailures(BuildCounter().Name("keel_cp_audit_write_failures_total")
                               .Help("Audit records the store could not keep (logged at critical level)")
                               .Register(*m_registry))
    , m_metricsReports(BuildCounter().Name("keel_cp_metrics_reports_total")
                           .Help("Agent metrics reports by result: ok, skewed (clock ahead), late (over 5 minutes), "
                                 "foreign_component, bucket_mismatch")
                           .Register(*m_registry))
    , m_rolloutTransitions(BuildCounter().Name("keel_cp_rollout_transitions_total")
                               .Help("Rollouts entering a state: pending, progressing, paused, succeeded, failed, rolled_back, aborted")
                               .Register(*m_registry))
    , m_rolloutGateFailures(BuildCounter().Name("keel_cp_rollout_gate_failures_total")
                                .Help("Rollout waves failed, by gate: error_rate, p99_ms, p99_regression, min_requests, ack, deadline")
                                .Register(*m_registry))
    , m_nodeClaimsIgnored(BuildCounter().Name("keel_cp_node_claims_ignored_total")
                              .Help("Hellos of known nodes whose site or labels differ from what the operator set, "
                                    "by field; the operator's stand")
                              .Register(*m_registry))
    , m_foreignComponents(BuildCounter().Name("keel_cp_foreign_components_total")
                              .Help("Components in agents' acks or metrics that their desired set does not name, "
                                    "dropped, by message")
                              .Register(*m_registry))
    , m_violations(prometheus::BuildGauge()
                       .Name("keel_cp_residency_violations")
                       .Help("Placements the residency policy does not allow, by mode: enforce (left out of desired "
                             "state) and audit (flagged, still running)")
                       .Register(*m_registry))
    , m_placementsRemoved(BuildCounter().Name("keel_cp_residency_placements_removed_total")
                              .Help("Placements left out of nodes' desired state because an enforce-mode residency rule "
                                    "forbids them")
                              .Register(*m_registry))
    , m_storeStatements(prometheus::BuildHistogram()
                            .Name("keel_cp_store_statement_seconds")
                            .Help("Time per store statement (prepare, bind, execute)")
                            .Register(*m_registry)
                            .Add({}, prometheus::Histogram::BucketBoundaries{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                                              0.01, 0.025, 0.05, 0.1, 0.25, 1}))
    , m_nodes(BuildGauge().Name("keel_cp_nodes").Help("Known nodes by region and status").Register(*m_registry))
{
}

void ServerMetrics::connectionOpened(const std::string &path) { m_connections.Add({{"path", path}}).Increment(); }
void ServerMetrics::connectionClosed(const std::string &path) { m_connections.Add({{"path", path}}).Decrement(); }
void ServerMetrics::frameReceived(const std::string &path) { m_frames.Add({{"path", path}}).Increment(); }

void ServerMetrics::frameRejected(const std::string &path, const std::string &reason)
{
    m_framesRejected.Add({{"path", path}, {"reason", reason}}).Increment();
}

void ServerMetrics::request(const std::string &kind, const std::string &result)
{
    m_requests.Add({{"request", kind}, {"result", result}}).Increment();
}

void ServerMetrics::enrollment(const std::string &result) { m_enrollments.Add({{"result", result}}).Increment(); }
void ServerMetrics::storeError() { m_storeErrors.Add({}).Increment(); }
void ServerMetrics::auditRecorded(const std::string &result) { m_auditRecords.Add({{"result", result}}).Increment(); }
void ServerMetrics::auditWriteFailure() { m_auditWriteFailures.Add({}).Increment(); }
void ServerMetrics::storeStatement(double seconds) { m_storeStatements.Observe(seconds); }
void ServerMetrics::metricsReport(const std::string &result) { m_metricsReports.Add({{"result", result}}).Increment(); }
void ServerMetrics::setViolations(const std::string &mode, double count) { m_violations.Add({{"mode", mode}}).Set(count); }
void ServerMetrics::placementRemoved() { m_placementsRemoved.Add({}).Increment(); }
void ServerMetrics::rolloutTransition(const std::string &state) { m_rolloutTransitions.Add({{"state", state}}).Increment(); }
void ServerMetrics::rolloutGateFailed(const std::string &gate) { m_rolloutGateFailures.Add({{"gate", gate}}).Increment(); }

double ServerMetrics::foreignComponentsForTest(const std::string &message)
{
    return m_foreignComponents.Add({{"message", message}}).Value();
}
double ServerMetrics::metricsReportsForTest(const std::string &result)
{
    return m_metricsReports.Add({{"result", result}}).Value();
}
void ServerMetrics::foreignComponent(const std::string &message) { m_foreignComponents.Add({{"message", message}}).Increment(); }
void ServerMetrics::nodeClaimIgnored(const std::string &field) { m_nodeClaimsIgnored.Add({{"field", field}}).Increment(); }
double ServerMetrics::nodeClaimsIgnoredForTest(const std::string &field)
{
    return m_nodeClaimsIgnored.Add({{"field", field}}).Value();
}

void ServerMetrics::setNodes(const std::string &region, const std::string &status, double count)
{
    m_nodes.Add({{"region", region}, {"status", status}}).Set(count);
}

double ServerMetrics::framesRejectedForTest(const std::string &path, const std::string &reason)
{
    return m_framesRejected.Add({{"path", path}, {"reason", reason}}).Value();
}

} // namespace Keel
