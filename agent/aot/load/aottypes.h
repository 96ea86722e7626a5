#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace keel::aot {

class AotInstance;

// Trap codes: wasm_rt_trap_t's, plus the runtime's own (rt/keelrt.h).
enum class AotTrapCode : int {
    None = 0,
    OutOfBounds = 1,
    IntegerOverflow = 2,
    DivideByZero = 3,
    InvalidConversion = 4,
    Unreachable = 5,
    CallIndirect = 6,
    UncaughtException = 7,
    StackExhausted = 8,
    Deadline = 100,
    MemoryLimit = 101,
    HostFailed = 102,
    Exit = 103,
};

struct AotCallResult
{
    AotTrapCode trap = AotTrapCode::None;
    std::string message; // empty when trap == None
    bool ok() const { return trap == AotTrapCode::None; }
};

// One import as the module declares it. Signatures use the ABI letters
// i=i32 I=i64 f=f32 F=f64, e.g. params "iiii" results "i" for WASI fd_write.
struct AotImport
{
    std::string module;
    std::string name;
    std::string params;
    std::string results;
};

// A host function: reads args (one uint64_t per param), writes results, returns
// AotTrapCode::None or the trap to raise. Runs on the calling worker thread with the
// instance's memory available through instance.memoryBase()/memorySize(). It must not
// throw (a throw becomes HostFailed) and must not call back into the same instance.
using AotHostFunction =
    std::function<AotTrapCode(AotInstance &instance, const uint64_t *args, uint64_t *results)>;

// Answers the host function for an import, or nullopt when it is not granted.
using AotImportResolver = std::function<std::optional<AotHostFunction>(const AotImport &)>;

struct AotLimits
{
    uint64_t memoryBytes = 64ull << 20; // rounded down to 64 KiB pages
    uint32_t tableElements = 65536;     // every table's initial size and maximum
    int64_t instantiateTimeoutNs = 1'000'000'000; // start functions run native code too
};

} // namespace keel::aot
