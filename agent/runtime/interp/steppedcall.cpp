#include "steppedcall.h"

namespace keel::agent {

namespace {

using wabt::interp::DefinedFunc;
using wabt::interp::RunResult;
using wabt::interp::Thread;
using wabt::interp::Trap;
using wabt::interp::Values;
using wabt::interp::ValueTypes;

// Explicit instantiation may name private members ([temp.spec.general]); the friend
// function it defines hands the member pointer out.
template<typename Tag, typename Tag::type Member>
struct Expose
{
    friend typename Tag::type memberOf(Tag) { return Member; }
};

struct PushValues
{
    using type = void (Thread::*)(const ValueTypes &, const Values &);
    friend type memberOf(PushValues);
};
struct PopValues
{
    using type = void (Thread::*)(const ValueTypes &, Values *);
    friend type memberOf(PopValues);
};
struct PushCall
{
    using type = RunResult (Thread::*)(const DefinedFunc &, Trap::Ptr *);
    friend type memberOf(PushCall);
};

template struct Expose<PushValues, &Thread::PushValues>;
template struct Expose<PopValues, &Thread::PopValues>;
template struct Expose<PushCall, &Thread::PushCall>;

} // namespace

SteppedCall::Outcome SteppedCall::run(Thread &thread, DefinedFunc &func, const Values &params,
                                      Values &results, Trap::Ptr *trap,
                                      std::chrono::steady_clock::time_point deadline)
{
    const auto &type = func.type();
    if (params.size() != type.params.size()) {
        *trap = Trap::New(thread.store(), "wrong argument count");
        return Outcome::Trapped;
    }
    (thread.*memberOf(PushValues{}))(type.params, params);
    if ((thread.*memberOf(PushCall{}))(func, trap) == RunResult::Trap)
        return Outcome::Trapped;
    for (;;) {
        const RunResult result = thread.Run(kBatch, trap);
        if (result == RunResult::Return)
            break;
        if (result == RunResult::Trap)
            return Outcome::Trapped;
        if (result == RunResult::Exception) {
            *trap = Trap::New(thread.store(), "uncaught exception");
            return Outcome::Trapped;
        }
        if (std::chrono::steady_clock::now() >= deadline)
            return Outcome::DeadlineExceeded;
    }
    (thread.*memberOf(PopValues{}))(type.results, &results);
    return Outcome::Returned;
}

} // namespace keel::agent
