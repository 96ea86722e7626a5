#pragma once

#include <wabt/interp/interp.h>

#include <chrono>

namespace keel::agent {

// Calls a guest function on WABT's interpreter in batches of instructions, checking a
// steady clock between batches, so an endless loop ends at its deadline instead of
// holding a worker forever.
//
// Why this exists: wabt 1.0.32's public Func::Call runs to completion, and the frame push
// that its public Thread::Run(num_instructions) needs is private. steppedcall.cpp is the
// one place that reaches those members (through the standard's explicit-instantiation
// access rule, not a macro), and it mirrors DefinedFunc::DoCall line for line. Pinned to
// wabt 1.0.32 by find_package in CMake; revisit it when wabt moves.
class SteppedCall final
{
public:
    enum class Outcome { Returned, Trapped, DeadlineExceeded };

    // Instructions between clock checks: ~0.1 ms of interpretation, so the deadline
    // slack stays far below a millisecond while the clock costs nothing measurable.
    static constexpr int kBatch = 20'000;

    static Outcome run(wabt::interp::Thread &thread, wabt::interp::DefinedFunc &func,
                       const wabt::interp::Values &params, wabt::interp::Values &results,
                       wabt::interp::Trap::Ptr *trap, std::chrono::steady_clock::time_point deadline);
};

} // namespace keel::agent
