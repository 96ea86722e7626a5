#pragma once

#include "metricsmodel.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <string>
#include <vector>

namespace keel::fleetsim {

class ControlPlaneKey;
class DeployTarget;
class ReportLedger;
class SimStats;
struct SimConfig;

// One io thread's share of the swarm: its io_context (epoll), its random draws, and what
// every agent shares. Agents of one shard run on its thread only.
struct AgentShard
{
    AgentShard(const SimConfig &config, SimStats &stats, ReportLedger &ledger, ControlPlaneKey &key,
               const DeployTarget &target, boost::asio::ssl::context *tls, const std::atomic<bool> &reportsStopped,
               std::uint64_t seed)
        : io(1)
        , model(config, seed)
        , config(config)
        , stats(stats)
        , ledger(ledger)
        , key(key)
        , target(target)
        , tls(tls)
        , reportsStopped(reportsStopped)
    {
        for (int i = 1; i <= config.fakeComponents; ++i)
            fakeComponents.push_back({"sim-c" + std::to_string(i), "1.0.0", false});
    }

    boost::asio::io_context io;
    MetricsModel model;
    const SimConfig &config;
    SimStats &stats;
    ReportLedger &ledger;
    ControlPlaneKey &key;
    const DeployTarget &target;
    boost::asio::ssl::context *tls; // null for ws://
    const std::atomic<bool> &reportsStopped;
    // What an agent reports on while no desired state names a component.
    std::vector<SimStatus> fakeComponents;
};

} // namespace keel::fleetsim
