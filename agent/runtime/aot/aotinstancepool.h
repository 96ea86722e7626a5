#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace keel::aot {
class AotInstance;
}

namespace keel::agent {

// The idle instances of one AOT component, each reset to the state its instantiation
// left (AotInstance::reset), so a request that needs an instance takes one instead of
// paying for a memory reservation, storage, tables, data segments and the munmap after
// (docs/aot.md, "Instance reuse"). Bounded: it keeps at most `capacity` instances (the
// component's max_instances, which already bounds its live instances), and gives every
// other one back to the system. Thread-safe.
class AotInstancePool final
{
public:
    struct Stats
    {
        std::uint64_t reused = 0;      // instances handed out again
        std::uint64_t kept = 0;        // instances reset and kept
        std::uint64_t dropped = 0;     // not reusable, reset failed, or the pool was full
    };

    explicit AotInstancePool(std::size_t capacity);
    ~AotInstancePool();

    // An idle, reset instance; nullptr when there is none.
    std::unique_ptr<aot::AotInstance> take();
    // Resets instance (on the calling thread, outside the lock) and keeps it if that
    // worked and there is room; destroys it otherwise. Its imports must be unbound.
    void give(std::unique_ptr<aot::AotInstance> instance);

    std::size_t capacity() const { return m_capacity; }
    std::size_t idle() const;
    // What the idle instances hold for reuse: resident initial memory and snapshots.
    std::uint64_t retainedBytes() const;
    Stats stats() const;

private:
    const std::size_t m_capacity;
    mutable std::mutex m_mutex;
    std::vector<std::unique_ptr<aot::AotInstance>> m_idle;
    std::uint64_t m_retainedBytes = 0;
    Stats m_stats;
};

} // namespace keel::agent
