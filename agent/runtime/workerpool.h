#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace keel::agent {

// A fixed set of threads that run guest code, so the network thread never does: a
// component stuck in a loop holds one worker until its deadline, not the whole agent.
// The queue is bounded; a full queue refuses work instead of piling up latency.
class WorkerPool final
{
public:
    WorkerPool(std::size_t threads, std::size_t queueCapacity);
    ~WorkerPool(); // finishes queued jobs, then joins
    WorkerPool(const WorkerPool &) = delete;
    WorkerPool &operator=(const WorkerPool &) = delete;

    std::size_t threadCount() const { return m_threads.size(); }
    // false when the queue is full (or the pool is stopping); job is then not run.
    bool tryPost(std::function<void()> job);

private:
    void work();

    std::size_t m_capacity;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_queue;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
};

} // namespace keel::agent
