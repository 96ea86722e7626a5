#pragma once

#include "abi/keelaotabi.h"
#include "load/aottypes.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace keel::aot {

class AotObject;
class AotSnapshot;

// One instance of an AOT object. Calls run on the calling thread, one at a time per
// instance (the caller serialises); different instances run on different threads at
// once. After a trap the instance may be mid-update (a deadline can stop it anywhere):
// the engine should discard it rather than call it again.
class AotInstance
{
public:
    ~AotInstance();
    AotInstance(const AotInstance &) = delete;
    AotInstance &operator=(const AotInstance &) = delete;

    // Index of a function export, or -1.
    int findExport(const std::string &name) const;
    // ABI letters (i I f F), e.g. "ii" -> "i".
    std::string_view exportName(int index) const;
    std::string_view exportParams(int index) const;
    std::string_view exportResults(int index) const;

    // Calls export `index` with args.size() == params, results.size() >= results.
    // timeoutNs <= 0: no deadline.
    AotCallResult call(int index, std::span<const uint64_t> args, std::span<uint64_t> results,
                       int64_t timeoutNs);
    // The same with the deadline as an instant of CLOCK_MONOTONIC (the clock of
    // std::chrono::steady_clock) in nanoseconds, 0 for none: reads no clock per call. A
    // deadline already past traps with AotTrapCode::Deadline within the timer's latency
    // (the kernel fires an expired timer at once), rather than the call not starting.
    AotCallResult callUntil(int index, std::span<const uint64_t> args, std::span<uint64_t> results,
                            int64_t deadlineNs);

    // Linear memory 0 as it is now (it moves never, but grows): for host functions.
    uint8_t *memoryBase() const;
    size_t memorySize() const;
    uint32_t memoryPages() const;

    // Instance reuse (see docs/aot.md, "Instance reuse"). Right after a successful
    // instantiation the instance keeps an AotSnapshot of what instantiation made.
    // reset() puts all of it back, whatever ran since (also after a trap or a deadline:
    // the snapshot does not depend on the instance's state): memory at its initial size
    // and bytes, the pages above decommitted and faulting again, globals and tables as
    // instantiation left them. The memory reservation, storage and tables are kept.
    // false when the instance has no snapshot or the kernel refused; then destroy it.
    bool reset();
    // Points every import at a new host function (the resolver answers in import order,
    // as for AotObject::instantiate). false with error when one is refused.
    bool rebind(const AotImportResolver &resolver, std::string *error);
    // Makes every import trap until the next rebind: the previous host functions may be
    // gone while the instance sits in a pool.
    void unbind();
    bool reusable() const { return m_snapshot != nullptr; }
    // Bytes kept beside the instance for reuse: the snapshot plus the resident initial memory.
    size_t retainedBytes() const;

    // Free for the embedder (e.g. the WASI context of this instance).
    void *userData() const { return m_userData; }
    void setUserData(void *data) { m_userData = data; }

private:
    friend class AotObject;
    struct Binding;
    AotInstance(std::shared_ptr<AotObject> object, const keel_aot_module *module);

    void bind(AotHostFunction fn);
    bool start(const AotLimits &limits, std::string *error);
    static int32_t thunk(void *user, const uint64_t *args, uint64_t *results);
    static AotCallResult result(int code);

    std::shared_ptr<AotObject> m_object; // keeps the code mapped while we live
    const keel_aot_module *m_module;
    void *m_storage = nullptr;
    std::vector<std::unique_ptr<Binding>> m_bindings;
    std::vector<keel_aot_binding> m_table;
    std::unique_ptr<keel_aot_host> m_host;
    void *m_memory = nullptr; // wasm_rt_memory_t inside m_storage; opaque to keep wasm-rt.h out
    void *m_userData = nullptr;
    bool m_instantiated = false;
    std::unique_ptr<AotSnapshot> m_snapshot; // null: not reusable
};

} // namespace keel::aot
