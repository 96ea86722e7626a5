#pragma once

#include "controlplanekey.h"
#include "deploytarget.h"
#include "simagent.h"
#include "simconfig.h"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace keel::fleetsim {

class ReportLedger;
class SimStats;
struct AgentShard;

// The simulated fleet: agents spread over one io_context per thread (--threads), started
// at --connect-rate, stormed and stopped on request. Called from the main thread; every
// change to an agent is posted to its own shard's thread.
class AgentSwarm final
{
public:
    struct Census
    {
        std::uint32_t agents = 0;
        std::uint32_t everAdmitted = 0; // welcomed at least once
        std::uint32_t established = 0;
        std::uint32_t ready = 0;        // connected, and the newest state answered
        std::uint32_t targetAcked = 0;  // acknowledged a state naming the deploy target
        std::int64_t lastTargetAckMs = 0; // steady clock ms of the latest such first ack
    };
    // Before a storm: each agent's admissions and the generation it held.
    struct StormMark
    {
        std::uint32_t welcomes = 0;
        std::uint64_t generation = 0;
    };
    struct StormProgress
    {
        std::uint32_t readmitted = 0;  // welcomed again and holding the generation it held
        std::uint32_t moved = 0;       // welcomed again but sent another generation
    };

    AgentSwarm(SimConfig config, SimStats &stats, ReportLedger &ledger, int threads, std::uint64_t seed);
    ~AgentSwarm();

    // Empty when TLS can be set up (or is not needed), else why not.
    std::string tlsProblem() const { return m_tlsProblem; }
    void addAgent(std::string name, const std::string &region, const std::string &joinToken, std::string_view keySeed);

    void start();
    std::vector<StormMark> storm();
    void stopReports() { m_reportsStopped = true; }
    void stop();

    DeployTarget &target() { return m_target; }
    Census census() const;
    StormProgress stormProgress(const std::vector<StormMark> &marks) const;
    std::size_t size() const { return m_agents.size(); }

private:
    void rampStep(std::size_t shard);
    const std::string &intern(const std::string &text);

    SimConfig m_config;
    SimStats &m_stats;
    ReportLedger &m_ledger;
    ControlPlaneKey m_key;
    DeployTarget m_target;
    std::unique_ptr<boost::asio::ssl::context> m_tls;
    std::string m_tlsProblem;
    std::atomic<bool> m_reportsStopped{false};
    std::vector<std::unique_ptr<AgentShard>> m_shards;
    std::vector<std::unique_ptr<SimAgent>> m_agents; // agent i lives on shard i % shards
    std::vector<std::size_t> m_started;              // per shard: how many of its agents started
    std::deque<std::string> m_strings; // regions and join tokens the agents refer to
    std::vector<std::unique_ptr<boost::asio::steady_timer>> m_rampTimers;
    std::chrono::steady_clock::time_point m_rampStart;
    std::vector<std::thread> m_threads;
    bool m_running = false;
};

} // namespace keel::fleetsim
