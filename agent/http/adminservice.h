#pragma once

#include "httpserver.h"

namespace keel::agent {

class AgentMetrics;

// The --admin port: liveness, readiness and Prometheus metrics for the node's operator.
class AdminService final
{
public:
    explicit AdminService(AgentMetrics &metrics);

    // Ready means able to serve traffic. An unreachable control plane does not make the
    // node unready: it keeps serving what it has (offline first).
    void setReady(bool ready) { m_ready = ready; }

    HttpResponse handle(const HttpRequest &request);

private:
    AgentMetrics &m_metrics;
    bool m_ready = false;
};

} // namespace keel::agent
