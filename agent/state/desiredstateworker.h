#pragma once

#include "control/controlmessages.h"
#include "state/desiredstateapplier.h"

#include <boost/asio/io_context.hpp>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace keel::agent {

// Runs DesiredStateApplier on a thread of its own, so fetching, hashing and
// instantiating never block the io thread, and hands each outcome back on the io
// thread. A desired state that arrives while another is being applied waits; a newer
// one replaces it there, so only the newest is applied once the current one finishes.
class DesiredStateWorker final
{
public:
    // Called on the io thread with each outcome, in order.
    using Finished = std::function<void(DesiredStateApplier::Outcome outcome)>;

    DesiredStateWorker(boost::asio::io_context &io, DesiredStateApplier &applier, Finished finished);
    DesiredStateWorker(const DesiredStateWorker &) = delete;
    DesiredStateWorker &operator=(const DesiredStateWorker &) = delete;
    ~DesiredStateWorker(); // stop()

    // controlPlaneKey: the pinned key (32 bytes) the artifacts must be signed with.
    void submit(DesiredState state, std::string controlPlaneKey);
    // Drops what waits and joins once the current apply returns (its outcome is dropped).
    void stop();

private:
    struct Job
    {
        DesiredState state;
        std::string key;
    };

    void run();

    boost::asio::io_context &m_io;
    DesiredStateApplier &m_applier;
    Finished m_finished;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::optional<Job> m_next;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace keel::agent
