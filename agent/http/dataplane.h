#pragma once

#include "httpserver.h"

#include <string>

namespace keel::agent {

class AgentMetrics;
class ComponentRuntime;

// The --http port: component C answers under /C/... (it sees the rest of the path), and
// / lists the components. Guest code runs on the runtime's workers; answers come back
// to the io_context through the server's continuation.
class DataPlane final
{
public:
    DataPlane(std::string nodeName, boost::asio::io_context &io, AgentMetrics &metrics);

    // Until set (or when null), every component path is a 404.
    void setRuntime(ComponentRuntime *runtime) { m_runtime = runtime; }

    void handle(const HttpRequest &request, const HttpServer::Peer &peer, HttpServer::Respond respond);

private:
    HttpResponse listComponents(const HttpRequest &request) const;

    std::string m_nodeName;
    boost::asio::io_context &m_io;
    AgentMetrics &m_metrics;
    ComponentRuntime *m_runtime = nullptr;
};

} // namespace keel::agent
