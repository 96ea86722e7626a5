#include "desiredstateworker.h"

#include <boost/asio/post.hpp>

#include <memory>

namespace keel::agent {

DesiredStateWorker::DesiredStateWorker(boost::asio::io_context &io, DesiredStateApplier &applier, Finished finished)
    : m_io(io)
    , m_applier(applier)
    , m_finished(std::move(finished))
    , m_thread([this] { run(); })
{
}

DesiredStateWorker::~DesiredStateWorker()
{
    stop();
}

void DesiredStateWorker::submit(DesiredState state, std::string controlPlaneKey)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        m_next = Job{std::move(state), std::move(controlPlaneKey)}; // supersedes one still waiting
    }
    m_wake.notify_one();
}

void DesiredStateWorker::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_next.reset();
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

void DesiredStateWorker::run()
{
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || m_next; });
            if (m_stopping)
                return;
            job = std::move(*m_next);
            m_next.reset();
        }
        auto outcome = std::make_shared<DesiredStateApplier::Outcome>(m_applier.apply(job.state, job.key));
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping)
                return;
        }
        boost::asio::post(m_io, [this, outcome] { m_finished(std::move(*outcome)); });
    }
}

} // namespace keel::agent
