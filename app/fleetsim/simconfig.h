#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace keel::fleetsim {

// What every simulated agent runs with; fixed once the swarm starts.
struct SimConfig
{
    // Where the control plane's /v1/agent is (resolved once, before the agents start).
    std::string host;
    std::string port;
    std::string hostHeader; // HOST:PORT, brackets around IPv6 literals
    std::string path = "/v1/agent";
    bool tls = false;
    std::string caFile; // wss:// with a CA of its own
    std::vector<boost::asio::ip::tcp::endpoint> endpoints;

    int heartbeatMs = 0; // 0: what Welcome says
    int metricsMs = 0;   // 0: what Welcome says
    int fakeComponents = 2; // reported on while no desired state names any
    double connectRate = 500; // new connections per second, over all threads
    double nackRate = 0;
    double dropRate = 0;
    int delayMs = 0;
    bool fetch = false;
    std::string targetTriple = "x86_64-linux-gnu";
    std::string agentVersion = "keel-fleetsim";
    // Every sim node carries these (fleetsim=PREFIX): the join tokens' scope, the
    // selector of the sim's deploys and rollouts.
    std::vector<std::pair<std::string, std::string>> labels;

    // The traffic each component pretends to serve.
    double requestsPerSecond = 3;
    double errorRate = 0.005;
    double latencyMedianMs = 20;
    double latencySigma = 0.6;
    double coldStartRate = 0.02; // per component and report
};

} // namespace keel::fleetsim
