// kernelbench: times one benchmark kernel's `run(iterations)` export on one tier, in a
// process of its own, through the same libraries keel-agent uses:
//   kernelbench native KERNEL.so          ITERATIONS RUNS   (a native build, dlopen)
//   kernelbench aot    KERNEL.aot.so KERNEL.wasm ITERATIONS RUNS   (keel_aot_load)
//   kernelbench interp KERNEL.wasm        ITERATIONS RUNS   (keel_runtime's InterpEngine)
// One untimed warm-up call, then RUNS timed calls; prints one line:
//   median_ms=<m> min_ms=<m> max_ms=<m> checksum=<u32>
// and exits non-zero when the kernel cannot be loaded or its checksum changes between runs.
#include "interp/interpengine.h"
#include "load/aotinstance.h"
#include "load/aotobject.h"
#include "common/moduledigest.h"
#include "targettriple.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using RunFn = std::function<std::optional<uint32_t>(uint32_t)>;

[[noreturn]] void fail(const std::string &message)
{
    std::fprintf(stderr, "kernelbench: %s\n", message.c_str());
    std::exit(1);
}

int measure(const RunFn &run, uint32_t iterations, int runs)
{
    const auto warm = run(iterations);
    if (!warm)
        fail("the warm-up call failed");
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        const auto sum = run(iterations);
        const auto end = Clock::now();
        if (!sum)
            fail("a timed call failed");
        if (*sum != *warm)
            fail("the checksum changed between runs");
        ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    }
    std::sort(ms.begin(), ms.end());
    const double median = ms.size() % 2 ? ms[ms.size() / 2] : (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]) / 2;
    std::printf("median_ms=%.3f min_ms=%.3f max_ms=%.3f checksum=%u\n", median, ms.front(), ms.back(), *warm);
    return 0;
}

int native(const char *so, uint32_t iterations, int runs)
{
    void *handle = dlopen(std::filesystem::absolute(so).c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle)
        fail(dlerror());
    auto *fn = reinterpret_cast<uint32_t (*)(uint32_t)>(dlsym(handle, "run"));
    if (!fn)
        fail(std::string(so) + " has no run()");
    return measure([fn](uint32_t n) { return std::optional<uint32_t>(fn(n)); }, iterations, runs);
}

int aot(const char *so, const char *wasm, uint32_t iterations, int runs)
{
    std::string error;
    const auto digest = keel::aot::fileDigest(wasm, &error);
    if (!digest)
        fail(error);
    const keel::aot::AotObject::Expectations expect{
        *digest, std::filesystem::path(wasm).filename().string(),
        std::string(keel::agent::kTargetTriple)};
    const auto object = keel::aot::AotObject::open(so, expect, &error);
    if (!object)
        fail(error);
    keel::aot::AotLimits limits;
    limits.memoryBytes = 256ull << 20;
    // The kernels import nothing; any import is refused (and named) here.
    auto instance = object->instantiate(
        [](const keel::aot::AotImport &) { return std::optional<keel::aot::AotHostFunction>(); },
        limits, &error);
    if (!instance)
        fail(error);
    if (const int init = instance->findExport("_initialize"); init >= 0) {
        const auto r = instance->call(init, {}, {}, 0);
        if (!r.ok())
            fail("_initialize: " + r.message);
    }
    const int index = instance->findExport("run");
    if (index < 0)
        fail(std::string(wasm) + " exports no run");
    keel::aot::AotInstance *inst = instance.get();
    return measure(
        [inst, index](uint32_t n) -> std::optional<uint32_t> {
            const uint64_t args[1] = {n};
            uint64_t results[1] = {0};
            const auto r = inst->call(index, args, results, 0);
            if (!r.ok()) {
                std::fprintf(stderr, "kernelbench: trap: %s\n", r.message.c_str());
                return std::nullopt;
            }
            return static_cast<uint32_t>(results[0]);
        },
        iterations, runs);
}

int interp(const char *wasm, uint32_t iterations, int runs)
{
    keel::agent::ComponentConfig config;
    config.name = std::filesystem::path(wasm).stem().string();
    config.modulePath = std::filesystem::absolute(wasm).string();
    config.memoryBytes = 256ull << 20;
    config.deadlineMs = 0;
    std::string error;
    keel::agent::InterpEngine engine;
    const auto module = engine.load(config, error);
    if (!module)
        fail(error);
    if (!module->imports().empty())
        fail(std::string(wasm) + " has imports; the kernels must import nothing");
    const auto farAway = keel::agent::ModuleInstance::Clock::now() + std::chrono::hours(1);
    auto instance = module->instantiate({}, farAway, error);
    if (!instance)
        fail(error);
    if (instance->hasFunction("_initialize")) {
        const auto r = instance->call("_initialize", {}, farAway);
        if (r.kind != keel::agent::CallResult::Kind::Returned)
            fail("_initialize: " + r.trap);
    }
    keel::agent::ModuleInstance *inst = instance.get();
    return measure(
        [inst](uint32_t n) -> std::optional<uint32_t> {
            const auto deadline = keel::agent::ModuleInstance::Clock::now() + std::chrono::hours(1);
            const auto r = inst->call("run", {n}, deadline);
            if (r.kind != keel::agent::CallResult::Kind::Returned) {
                std::fprintf(stderr, "kernelbench: run did not return: %s\n", r.trap.c_str());
                return std::nullopt;
            }
            return static_cast<uint32_t>(r.value);
        },
        iterations, runs);
}

uint32_t number(const char *text)
{
    char *end = nullptr;
    const unsigned long v = std::strtoul(text, &end, 10);
    if (!*text || *end || v == 0 || v > 0xFFFFFFFFul)
        fail(std::string("not a positive number: ") + text);
    return static_cast<uint32_t>(v);
}

} // namespace

int main(int argc, char **argv)
{
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "native" && argc == 5)
        return native(argv[2], number(argv[3]), static_cast<int>(number(argv[4])));
    if (mode == "aot" && argc == 6)
        return aot(argv[2], argv[3], number(argv[4]), static_cast<int>(number(argv[5])));
    if (mode == "interp" && argc == 5)
        return interp(argv[2], number(argv[3]), static_cast<int>(number(argv[4])));
    std::fprintf(stderr,
                 "usage: kernelbench native KERNEL.so ITERATIONS RUNS\n"
                 "       kernelbench aot KERNEL.aot.so KERNEL.wasm ITERATIONS RUNS\n"
                 "       kernelbench interp KERNEL.wasm ITERATIONS RUNS\n");
    return 2;
}
