#pragma once

#include "httpserver.h"
#include "residencyguard.h"

#include <string>

namespace keel::agent {

class AgentMetrics;
class ComponentRuntime;

// The --http port: component C answers under /C/... (it sees the rest of the path), and
// / lists the components. Guest code runs on the runtime's workers; answers come back
// to the io_context through the server's continuation. Every request first passes the
// residency rules of the set its component is served in (ResidencyGuard).
class DataPlane final
{
public:
    DataPlane(std::string nodeName, boost::asio::io_context &io, AgentMetrics &metrics);

    // Until set (or when null), every component path is a 404.
    void setRuntime(ComponentRuntime *runtime) { m_runtime = runtime; }
    // This agent's --advertise-http URL, which a 451 never offers as an alternative.
    void setAdvertisedEndpoint(std::string url) { m_guard.setSelfEndpoint(std::move(url)); }

    void handle(const HttpRequest &request, const HttpServer::Peer &peer, HttpServer::Respond respond);

private:
    HttpResponse listComponents(const HttpRequest &request) const;

    std::string m_nodeName;
    boost::asio::io_context &m_io;
    AgentMetrics &m_metrics;
    ComponentRuntime *m_runtime = nullptr;
    ResidencyGuard m_guard;
};

} // namespace keel::agent
