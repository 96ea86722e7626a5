#include "aotinstancepool.h"

#include "load/aotinstance.h"

namespace keel::agent {

AotInstancePool::AotInstancePool(std::size_t capacity)
    : m_capacity(capacity)
{
}

AotInstancePool::~AotInstancePool() = default;

std::unique_ptr<aot::AotInstance> AotInstancePool::take()
{
    std::lock_guard lock(m_mutex);
    if (m_idle.empty())
        return nullptr;
    auto instance = std::move(m_idle.back());
    m_idle.pop_back();
    m_retainedBytes -= instance->retainedBytes();
    ++m_stats.reused;
    return instance;
}

void AotInstancePool::give(std::unique_ptr<aot::AotInstance> instance)
{
    if (!instance)
        return;
    {
        std::lock_guard lock(m_mutex);
        if (m_idle.size() >= m_capacity || !instance->reusable()) {
            ++m_stats.dropped;
            return; // destroyed outside the lock, below
        }
    }
    // The reset costs what the request touched (plus the data segments' bytes): done
    // outside the lock so other workers are never held up by it.
    if (!instance->reset()) {
        std::lock_guard lock(m_mutex);
        ++m_stats.dropped;
        return;
    }
    std::unique_ptr<aot::AotInstance> extra;
    {
        std::lock_guard lock(m_mutex);
        if (m_idle.size() >= m_capacity) {
            ++m_stats.dropped; // another worker filled the last place meanwhile
            extra = std::move(instance);
        } else {
            m_retainedBytes += instance->retainedBytes();
            m_idle.push_back(std::move(instance));
            ++m_stats.kept;
        }
    }
}

std::size_t AotInstancePool::idle() const
{
    std::lock_guard lock(m_mutex);
    return m_idle.size();
}

std::uint64_t AotInstancePool::retainedBytes() const
{
    std::lock_guard lock(m_mutex);
    return m_retainedBytes;
}

AotInstancePool::Stats AotInstancePool::stats() const
{
    std::lock_guard lock(m_mutex);
    return m_stats;
}

} // namespace keel::agent
