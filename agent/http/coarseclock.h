#pragma once

#include <chrono>
#include <ctime>

namespace keel::agent {

// A steady clock read from CLOCK_MONOTONIC_COARSE: it advances in ticks of a few
// milliseconds and costs a third of a precise reading (no TSC read). For the HTTP
// deadlines, which are seconds long and swept at most ten times a second; never for
// latencies.
struct CoarseClock
{
    using rep = std::chrono::nanoseconds::rep;
    using period = std::chrono::nanoseconds::period;
    using duration = std::chrono::nanoseconds;
    using time_point = std::chrono::time_point<CoarseClock>;
    static constexpr bool is_steady = true;

    static time_point now() noexcept
    {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
        return time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
    }
};

} // namespace keel::agent
