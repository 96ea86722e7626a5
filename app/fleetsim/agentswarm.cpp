#include "agentswarm.h"

#include "agentshard.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <future>

namespace keel::fleetsim {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {
constexpr auto kRampTick = 20ms;
} // namespace

AgentSwarm::AgentSwarm(SimConfig config, SimStats &stats, ReportLedger &ledger, int threads, std::uint64_t seed)
    : m_config(std::move(config))
    , m_stats(stats)
    , m_ledger(ledger)
{
    if (m_config.tls) {
        m_tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
        m_tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2
                           | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
        boost::system::error_code ec;
        if (m_config.caFile.empty())
            m_tls->set_default_verify_paths(ec);
        else
            m_tls->load_verify_file(m_config.caFile, ec);
        if (ec)
            m_tlsProblem = "--ca " + m_config.caFile + ": cannot use it as PEM CA certificates (" + ec.message() + ")";
    }
    for (int i = 0; i < std::max(1, threads); ++i) {
        m_shards.push_back(std::make_unique<AgentShard>(m_config, m_stats, m_ledger, m_key, m_target, m_tls.get(),
                                                        m_reportsStopped, seed * 7919 + std::uint64_t(i)));
        m_rampTimers.push_back(std::make_unique<asio::steady_timer>(m_shards.back()->io));
    }
    m_started.assign(m_shards.size(), 0);
}

AgentSwarm::~AgentSwarm()
{
    stop();
}

const std::string &AgentSwarm::intern(const std::string &text)
{
    const auto found = std::find(m_strings.begin(), m_strings.end(), text);
    if (found != m_strings.end())
        return *found;
    return m_strings.emplace_back(text);
}

void AgentSwarm::addAgent(std::string name, const std::string &region, const std::string &joinToken, std::string_view keySeed)
{
    const auto index = std::uint32_t(m_agents.size());
    AgentShard &shard = *m_shards[index % m_shards.size()];
    m_agents.push_back(std::make_unique<SimAgent>(shard, index, std::move(name), intern(region), intern(joinToken), keySeed));
}

void AgentSwarm::start()
{
    m_running = true;
    m_rampStart = std::chrono::steady_clock::now();
    for (std::size_t s = 0; s < m_shards.size(); ++s) {
        asio::post(m_shards[s]->io, [this, s] { rampStep(s); });
        m_threads.emplace_back([this, s] {
            auto guard = asio::make_work_guard(m_shards[s]->io);
            m_shards[s]->io.run();
        });
    }
}

void AgentSwarm::rampStep(std::size_t s)
{
    // Agents s, s + shards, s + 2 * shards, ... live on shard s; each shard takes its
    // share of the connect rate.
    const std::size_t shards = m_shards.size();
    const std::size_t mine = (m_agents.size() + shards - 1 - s) / shards;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_rampStart).count();
    const double rate = m_config.connectRate > 0 ? m_config.connectRate / double(shards) : 1e12;
    const auto due = std::min<std::size_t>(mine, std::size_t(rate * elapsed) + 1);
    for (; m_started[s] < due; ++m_started[s])
        m_agents[s + m_started[s] * shards]->start();
    if (m_started[s] < mine) {
        m_rampTimers[s]->expires_after(kRampTick);
        m_rampTimers[s]->async_wait([this, s](boost::system::error_code ec) {
            if (!ec)
                rampStep(s);
        });
    }
}

std::vector<AgentSwarm::StormMark> AgentSwarm::storm()
{
    std::vector<StormMark> marks;
    marks.reserve(m_agents.size());
    for (const auto &agent : m_agents) {
        const auto status = agent->status();
        marks.push_back({status.welcomes, status.generation});
    }
    for (std::size_t s = 0; s < m_shards.size(); ++s) {
        asio::post(m_shards[s]->io, [this, s] {
            for (std::size_t i = s; i < m_agents.size(); i += m_shards.size())
                m_agents[i]->storm();
        });
    }
    return marks;
}

void AgentSwarm::stop()
{
    if (!m_running)
        return;
    m_running = false;
    // Each shard closes its agents' connections on its own thread, then stops.
    std::vector<std::future<void>> closed;
    for (std::size_t s = 0; s < m_shards.size(); ++s) {
        auto done = std::make_shared<std::promise<void>>();
        closed.push_back(done->get_future());
        asio::post(m_shards[s]->io, [this, s, done] {
            m_rampTimers[s]->cancel();
            for (std::size_t i = s; i < m_agents.size(); i += m_shards.size())
                m_agents[i]->stop();
            done->set_value();
        });
    }
    for (auto &future : closed)
        future.wait();
    for (auto &shard : m_shards)
        shard->io.stop();
    for (auto &thread : m_threads)
        thread.join();
    m_threads.clear();
    // Agents go before their io_contexts: their sockets belong to them.
    m_agents.clear();
}

AgentSwarm::Census AgentSwarm::census() const
{
    Census census;
    census.agents = std::uint32_t(m_agents.size());
    for (const auto &agent : m_agents) {
        const auto status = agent->status();
        census.everAdmitted += status.welcomes > 0;
        census.established += status.established;
        census.ready += status.established && status.settled;
        if (status.targetAckedMs != 0) {
            ++census.targetAcked;
            census.lastTargetAckMs = std::max(census.lastTargetAckMs, status.targetAckedMs);
        }
    }
    return census;
}

AgentSwarm::StormProgress AgentSwarm::stormProgress(const std::vector<StormMark> &marks) const
{
    StormProgress progress;
    for (std::size_t i = 0; i < m_agents.size() && i < marks.size(); ++i) {
        const auto status = m_agents[i]->status();
        if (status.welcomes <= marks[i].welcomes || !status.established || !status.settled)
            continue;
        if (status.generation == marks[i].generation)
            ++progress.readmitted;
        else
            ++progress.moved;
    }
    return progress;
}

} // namespace keel::fleetsim
