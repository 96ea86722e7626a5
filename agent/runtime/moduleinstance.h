#pragma once

#include "host/guestmemory.h"

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace keel::agent {

// How a call into a guest ended.
struct CallResult
{
    enum class Kind : std::uint8_t { Returned, Trapped, DeadlineExceeded, Exited };
    Kind kind = Kind::Returned;
    std::uint64_t value = 0; // the first result, widened (i32 in the low half)
    int exitCode = 0;        // Exited: the status given to proc_exit
    std::string trap;        // Trapped: the reason (WABT's, or the host function's)
};

// One instantiated module of either tier. A trapped or timed-out instance is poisoned:
// its state is unknown, so the caller drops it. Used from one thread at a time.
class ModuleInstance
{
public:
    using Clock = std::chrono::steady_clock;

    virtual ~ModuleInstance() = default;

    virtual bool hasFunction(std::string_view exportName) const = 0;
    // Calls an exported function of i32/i64 parameters; stops it at deadline.
    virtual CallResult call(std::string_view exportName, std::initializer_list<std::uint64_t> args,
                            Clock::time_point deadline) = 0;
    // The exported memory; an empty view when the module has none.
    virtual GuestMemory memory() = 0;
    virtual std::uint64_t memoryBytes() const = 0;
    // True when memory.grow was refused because the instance is at its memory limit.
    virtual bool atMemoryLimit() const = 0;
};

} // namespace keel::agent
