#pragma once

#include <chrono>
#include <cstdint>

namespace keel::agent {

// Decides whether a component's next request may run on the calling (network) thread
// rather than on a worker. A hand-off to a worker and back costs two thread wake-ups,
// which is most of a fast handler's request; but guest code on the network thread
// holds every other connection until it returns. So a component earns the network
// thread by answering fast on the workers first, and loses it for a cool-down (longer
// each time) as soon as it runs long inline: one call past its deadline or kHardBudget,
// or two in a row past kBudget (one could be the machine preempting us, not the guest).
// A component that turns slow or hostile therefore holds the network thread for at
// most one call (bounded by its deadline) per cool-down. Not thread-safe: the caller
// holds its lane's lock.
class InlinePolicy final
{
public:
    using Clock = std::chrono::steady_clock;

    static constexpr std::chrono::microseconds kBudget{1000};
    static constexpr std::chrono::microseconds kHardBudget{10'000};
    // Consecutive worker runs shorter than kBudget / 2 needed to (re)gain the network thread.
    static constexpr std::uint32_t kPromoteAfter = 16;
    // The first cool-down after a demotion; doubled by each further one, up to kMaxCooldown.
    static constexpr std::chrono::seconds kCooldown{30};
    static constexpr std::chrono::seconds kMaxCooldown{3600};
    // Inline this long without a demotion and the cool-down starts from kCooldown again.
    static constexpr std::chrono::seconds kForgiveAfter{600};

    // Promotion happens only after the cool-down (recordWorker), so no clock is read here.
    bool mayRunInline() const { return m_promoted; }

    // A call that ran inline took `took`; `deadline`: it ran into its deadline. false
    // when it demoted the component.
    bool recordInline(Clock::duration took, bool deadline, Clock::time_point now);
    // A call that ran on a worker.
    void recordWorker(Clock::duration took, bool deadline, Clock::time_point now);

    std::uint32_t demotions() const { return m_demotedTotal; }

private:
    void demote(Clock::time_point now);

    bool m_promoted = false;
    std::uint32_t m_fastRuns = 0;
    std::uint32_t m_slowInRow = 0;
    std::uint32_t m_demotions = 0;   // in a row, for the cool-down
    std::uint32_t m_demotedTotal = 0;
    Clock::time_point m_demotedUntil{};
    Clock::time_point m_promotedAt{};
};

} // namespace keel::agent
