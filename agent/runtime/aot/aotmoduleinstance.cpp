#include "aotmoduleinstance.h"

#include "aotinstancepool.h"

#include "host/hostimport.h"

#include "load/aotinstance.h"
#include "load/aotobject.h"

#include <algorithm>
#include <array>
#include <type_traits>

namespace keel::agent {

namespace {

constexpr std::uint64_t kPageBytes = 64 * 1024;

// Nanoseconds left until deadline; 0 or less when it has passed.
std::int64_t remainingNs(ModuleInstance::Clock::time_point deadline)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - ModuleInstance::Clock::now()).count();
}

// The deadline as keel_rt takes it: an instant of CLOCK_MONOTONIC, which is libstdc++'s
// steady_clock, in nanoseconds (never 0, which would mean none). No clock is read: a call
// whose deadline has passed traps at once through the runtime's timer.
std::int64_t deadlineNs(ModuleInstance::Clock::time_point deadline)
{
    static_assert(std::is_same_v<ModuleInstance::Clock, std::chrono::steady_clock>);
    return std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count());
}

CallResult trapped(std::string reason)
{
    CallResult result;
    result.kind = CallResult::Kind::Trapped;
    result.trap = std::move(reason);
    return result;
}

} // namespace

AotModuleInstance::AotModuleInstance(std::uint64_t memoryLimitBytes, std::uint32_t tableLimitElements,
                                     std::shared_ptr<AotInstancePool> pool)
    : m_memoryLimitBytes(memoryLimitBytes)
    , m_tableLimitElements(tableLimitElements)
    , m_pool(std::move(pool))
{
}

AotModuleInstance::~AotModuleInstance()
{
    if (!m_pool || !m_instance)
        return;
    // The bindings point at this object and at the request's host functions, both about
    // to go: they must never be called from the pool.
    m_instance->unbind();
    m_pool->give(std::move(m_instance));
}

aot::AotHostFunction AotModuleInstance::bind(const HostImport &import)
{
    // import outlives the instance (CompiledModule::instantiate's contract), and so does
    // this object the AotInstance it owns; both are captured by pointer.
    return [this, &import](aot::AotInstance &instance, const std::uint64_t *args,
                           std::uint64_t *results) -> aot::AotTrapCode {
        // Made per call: memory.grow may have changed the size since the last one.
        GuestMemory memory(instance.memoryBase(), instance.memorySize());
        // The glue packs an i32 argument zero-extended and reads an i32 result from the
        // low half, the same widening HostCallback uses.
        std::array<std::uint64_t, 2> out{}; // no provided function has more than one result
        const HostOutcome outcome = import.call(memory, args, out.data());
        switch (outcome.kind) {
        case HostOutcome::Kind::Continue:
            for (std::size_t i = 0; i < import.results.size() && i < out.size(); ++i)
                results[i] = out[i];
            return aot::AotTrapCode::None;
        case HostOutcome::Kind::Exit:
            m_exitCode = outcome.exitCode;
            return aot::AotTrapCode::Exit;
        case HostOutcome::Kind::Trap:
            break;
        }
        // The interpreter tier's wording, so a trap reads the same on both tiers.
        m_hostTrap = import.module + "." + import.name + ": " + outcome.message;
        return aot::AotTrapCode::HostFailed;
    };
}

bool AotModuleInstance::instantiate(aot::AotObject &object, const std::vector<const HostImport *> &imports,
                                    Clock::time_point deadline, std::string &error)
{
    const std::int64_t timeout = remainingNs(deadline);
    if (timeout <= 0) {
        error = "the deadline passed before instantiation";
        return false;
    }
    // The object asks for its imports in its own order, which is the order of
    // AotModule::imports() and so of the linked list; the name check guards that.
    std::size_t next = 0;
    std::string mismatch;
    const aot::AotImportResolver resolver =
        [&](const aot::AotImport &request) -> std::optional<aot::AotHostFunction> {
        if (next >= imports.size())
            return std::nullopt;
        const HostImport *import = imports[next++];
        if (!import || import->module != request.module || import->name != request.name) {
            mismatch = request.module + "." + request.name;
            return std::nullopt;
        }
        return bind(*import);
    };
    // A reset instance from the pool is as instantiation left it (with the same limits:
    // they are the component's); it only needs this request's host functions.
    if (m_pool) {
        if (auto pooled = m_pool->take()) {
            std::string why;
            if (pooled->rebind(resolver, &why)) {
                m_instance = std::move(pooled);
                return true;
            }
            if (!mismatch.empty()) {
                error = "the host functions were linked out of order at " + mismatch; // a bug, not the guest
                return false;
            }
            error = "cannot bind a reused instance: " + why;
            return false;
        }
    }
    // A limit of 0 would mean "no memory at all" to the runtime; the interpreter tier
    // rounds the same way.
    const aot::AotLimits limits{std::max(kPageBytes, m_memoryLimitBytes), m_tableLimitElements, timeout};
    m_instance = object.instantiate(resolver, limits, &error);
    if (!m_instance) {
        if (!mismatch.empty())
            error = "the host functions were linked out of order at " + mismatch; // a bug, not the guest
        return false;
    }
    return true;
}

bool AotModuleInstance::hasFunction(std::string_view exportName) const
{
    return m_instance && m_instance->findExport(std::string(exportName)) >= 0;
}

const AotModuleInstance::Export *AotModuleInstance::findExport(std::string_view name)
{
    for (std::size_t i = 0; i < m_exportCount; ++i)
        if (m_exports[i].name == name)
            return &m_exports[i];
    const int index = m_instance->findExport(std::string(name));
    if (index < 0)
        return nullptr;
    Export found{m_instance->exportName(index), index, m_instance->exportParams(index), m_instance->exportResults(index)};
    if (m_exportCount == m_exports.size())
        m_exportCount = 0; // a guest called through more names than kept: start over
    m_exports[m_exportCount] = found;
    return &m_exports[m_exportCount++];
}

CallResult AotModuleInstance::call(std::string_view exportName, std::initializer_list<std::uint64_t> args,
                                   Clock::time_point deadline)
{
    if (!m_instance)
        return trapped("the instance was never instantiated");
    if (m_poisoned)
        return trapped("the instance trapped earlier and may not run again");
    const Export *found = findExport(exportName);
    if (!found)
        return trapped("no exported function " + std::string(exportName));
    const int index = found->index;
    const std::string_view params = found->params;
    const std::string_view resultTypes = found->results;
    if (params.size() != args.size())
        return trapped("the export takes " + std::to_string(params.size()) + " arguments");
    for (char letter : params) {
        if (letter != 'i' && letter != 'I')
            return trapped("the export takes a floating-point argument");
    }

    CallResult result;
    std::array<std::uint64_t, 4> results{};
    if (resultTypes.size() > results.size())
        return trapped("the export returns " + std::to_string(resultTypes.size()) + " values");
    m_exitCode.reset();
    m_hostTrap.clear();
    const aot::AotCallResult called =
        m_instance->callUntil(index, std::span<const std::uint64_t>(args.begin(), args.size()),
                              std::span<std::uint64_t>(results.data(), resultTypes.size()), deadlineNs(deadline));

    switch (called.trap) {
    case aot::AotTrapCode::None:
        if (!resultTypes.empty())
            result.value = resultTypes[0] == 'I' ? results[0] : std::uint32_t(results[0]);
        return result;
    case aot::AotTrapCode::Deadline:
        m_poisoned = true;
        result.kind = CallResult::Kind::DeadlineExceeded;
        return result;
    case aot::AotTrapCode::Exit:
        m_poisoned = true; // the guest's own exit: nothing more to run in it
        if (m_exitCode) {
            result.kind = CallResult::Kind::Exited;
            result.exitCode = *m_exitCode;
            return result;
        }
        return trapped(called.message);
    case aot::AotTrapCode::HostFailed:
        m_poisoned = true;
        return trapped(m_hostTrap.empty() ? called.message : m_hostTrap);
    case aot::AotTrapCode::MemoryLimit:
        m_memoryRefused = true;
        [[fallthrough]];
    default:
        m_poisoned = true;
        return trapped(called.message);
    }
}

GuestMemory AotModuleInstance::memory()
{
    if (!m_instance)
        return GuestMemory(nullptr, 0);
    return GuestMemory(m_instance->memoryBase(), m_instance->memorySize());
}

std::uint64_t AotModuleInstance::memoryBytes() const
{
    return m_instance ? m_instance->memorySize() : 0;
}

bool AotModuleInstance::atMemoryLimit() const
{
    if (m_memoryRefused)
        return true;
    if (!m_instance)
        return false;
    // The runtime clamps the module's maximum to the manifest's limit; within 1 MiB of
    // that limit counts as at it, as on the interpreter tier (allocators grow in steps).
    // A module that declares a lower maximum of its own is not seen here.
    const std::uint64_t capPages = std::max<std::uint64_t>(1, m_memoryLimitBytes / kPageBytes);
    return std::uint64_t(m_instance->memoryPages()) + 16 >= capPages;
}

} // namespace keel::agent
