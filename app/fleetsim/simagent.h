#pragma once

#include "simmessages.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace keel::fleetsim {

struct AgentShard;

// One simulated node: an ed25519 key derived from the run's seed and its name, one
// WebSocket to /v1/agent at a time, the real handshake (Hello, Challenge, proof, Welcome),
// heartbeats, metrics reports, desired states verified with the pinned control-plane key
// and answered with a StateAck (artifacts fetched chunk by chunk with --fetch). Written as
// callbacks on its shard's io_context rather than coroutines: ten thousand of them must
// cost a few kilobytes each. Everything but status() runs on the shard's thread.
class SimAgent final
{
public:
    // Read from any thread (the scenarios poll them).
    struct Status
    {
        bool established = false;
        bool settled = false;        // the newest state received on this connection is answered
        std::uint32_t welcomes = 0;  // connections admitted so far
        std::uint64_t generation = 0; // of the newest state received
        std::int64_t targetAckedMs = 0; // steady clock ms of the first ack naming the deploy target
    };

    SimAgent(AgentShard &shard, std::uint32_t index, std::string name, const std::string &region,
             const std::string &joinToken, std::string_view keySeed);
    SimAgent(const SimAgent &) = delete;
    SimAgent &operator=(const SimAgent &) = delete;
    ~SimAgent();

    void start();
    // Drops the connection at once (after a frame being written) and reconnects at once.
    void storm();
    void stop();

    Status status() const;
    const std::string &name() const { return m_name; }

private:
    struct Connection;
    struct Apply;
    using ConnectionPtr = std::shared_ptr<Connection>;

    void connect();
    void read(const ConnectionPtr &connection);
    void onFrame(const ConnectionPtr &connection, std::string_view frame);
    void onWelcome(const ConnectionPtr &connection, const SimWelcome &welcome);
    void onState(const ConnectionPtr &connection, const SimSignedState &signedState);
    void fetchNext(const ConnectionPtr &connection);
    void onChunk(const ConnectionPtr &connection, SimChunk chunk);
    void finishApply(const ConnectionPtr &connection, const std::string &failure);
    void schedule(const ConnectionPtr &connection);
    void onTimer(const ConnectionPtr &connection);
    void report(const ConnectionPtr &connection);
    void later(const ConnectionPtr &connection, std::string frame, std::int64_t reportWindowEnd);
    void send(const ConnectionPtr &connection, std::string frame, std::int64_t reportWindowEnd = 0);
    void writeNext(const ConnectionPtr &connection);
    void stormClose(const ConnectionPtr &connection);
    // Ends the connection once; counts `error` unless empty; reconnects unless stopping.
    void end(const ConnectionPtr &connection, const std::string &error, bool fatal = false);
    void retry(bool immediately, bool fatal);

    AgentShard &m_shard;
    const std::uint32_t m_index;
    const std::string m_name;
    const std::string &m_region;
    const std::string &m_joinToken;
    unsigned char m_secretKey[64]; // libsodium's seed || public key
    ConnectionPtr m_connection;
    std::vector<SimStatus> m_served; // what the last applied state named
    std::uint64_t m_appliedGeneration = 0;
    std::int64_t m_lastWindowEndMs = 0;
    std::uint32_t m_backoffCeilingMs = 250;
    bool m_stopping = false;

    std::atomic<bool> m_established{false};
    std::atomic<bool> m_settled{false};
    std::atomic<std::uint32_t> m_welcomes{0};
    std::atomic<std::uint64_t> m_generation{0};
    std::atomic<std::int64_t> m_targetAckedMs{0};
};

} // namespace keel::fleetsim
