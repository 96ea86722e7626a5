#include "keelcomponent.h"

#include "host/hostlinker.h"
#include "host/keelhost.h"
#include "keelabi.h"

#include <algorithm>

namespace keel::agent {

namespace {

using Clock = ModuleInstance::Clock;

// Idle instances kept for reuse; more may run at once, the extra ones end with their request.
constexpr std::size_t kMaxIdle = 4;
constexpr std::size_t kKeptEncodedBytes = 64 * 1024;

ComponentResponse callFailure(const CallResult &result, std::string_view what, const ModuleInstance &instance,
                              std::uint32_t deadlineMs)
{
    switch (result.kind) {
    case CallResult::Kind::DeadlineExceeded:
        return ComponentResponse::failure(504, ComponentError::Deadline,
                                          "ran past its deadline of " + std::to_string(deadlineMs) + " ms");
    case CallResult::Kind::Exited:
        return ComponentResponse::failure(500, ComponentError::Trap,
                                          std::string(what) + " called proc_exit(" + std::to_string(result.exitCode) + ")");
    default:
        break;
    }
    const bool memory = instance.atMemoryLimit();
    return ComponentResponse::failure(500, memory ? ComponentError::Memory : ComponentError::Trap,
                                      std::string(what) + (memory ? " at its memory limit: " : ": ") + result.trap);
}

} // namespace

std::unique_ptr<KeelComponent> KeelComponent::create(ComponentConfig config,
                                                     std::unique_ptr<CompiledModule> module,
                                                     LogSink log, std::string &error)
{
    for (const char *name : {"keel_alloc", "keel_free", "keel_handle"}) {
        if (!module->exportsFunction(name)) {
            error = "component " + config.name + " has abi keel but its module exports no " + name
                    + " function: see the Keel handler ABI beside the WIT";
            return nullptr;
        }
    }
    if (!HostLinker::checkPlatformImports(config.name, config.grants, module->imports(), error))
        return nullptr;
    return std::unique_ptr<KeelComponent>(new KeelComponent(std::move(config), std::move(module), std::move(log)));
}

KeelComponent::KeelComponent(ComponentConfig config, std::unique_ptr<CompiledModule> module, LogSink log)
    : m_config(std::move(config))
    , m_module(std::move(module))
    , m_log(std::move(log))
{
    if (m_config.grants.count("kv"))
        m_kv = KvStore::forComponent(m_config.kvDirectory, m_config.name);
}

KeelComponent::~KeelComponent() = default;

std::uint64_t KeelComponent::linearMemoryBytes() const
{
    std::lock_guard lock(m_mutex);
    std::uint64_t total = m_busyMemory.load();
    for (const auto &slot : m_idle)
        total += slot->instance->memoryBytes();
    return total;
}

std::unique_ptr<KeelComponent::Slot> KeelComponent::makeSlot(Clock::time_point deadline, std::string &error)
{
    auto slot = std::make_unique<Slot>();
    WasiHost::Setup setup;
    setup.stdoutMode = WasiHost::StdoutMode::Log; // a reactor answers through keel_handle
    slot->host = HostBindings::link(m_config, *m_module, m_kv.get(), std::move(setup), m_log, error);
    if (!slot->host)
        return nullptr;
    slot->instance = m_module->instantiate(slot->host->imports(), deadline, error);
    if (!slot->instance)
        return nullptr;
    if (slot->instance->hasFunction("_initialize")) {
        const CallResult init = slot->instance->call("_initialize", {}, deadline);
        if (init.kind != CallResult::Kind::Returned) {
            error = init.kind == CallResult::Kind::DeadlineExceeded ? "_initialize ran past the deadline"
                                                                    : "_initialize failed: " + init.trap;
            return nullptr;
        }
    }
    return slot;
}

ComponentResponse KeelComponent::handle(const ComponentRequest &request)
{
    const auto started = request.startedOrNow();
    const auto deadline = started + std::chrono::milliseconds(m_config.deadlineMs);
    std::unique_ptr<Slot> slot;
    {
        std::lock_guard lock(m_mutex);
        if (!m_idle.empty()) {
            slot = std::move(m_idle.back());
            m_idle.pop_back();
        }
    }
    double instantiation = -1;
    bool coldStart = false;
    if (!slot) {
        std::string error;
        slot = makeSlot(deadline, error);
        instantiation = std::chrono::duration<double>(Clock::now() - started).count();
        coldStart = !m_started.exchange(true);
        if (!slot) {
            auto failure = ComponentResponse::failure(500, ComponentError::Instantiation, error);
            failure.instantiationSeconds = instantiation;
            return failure;
        }
    }
    const std::uint64_t memory = slot->instance->memoryBytes();
    m_busyMemory += memory;
    struct Busy
    {
        std::atomic<std::uint64_t> &total;
        std::uint64_t memory;
        ~Busy() { total -= memory; } // also when run throws (out of host memory)
    } busy{m_busyMemory, memory};
    bool poisoned = false;
    ComponentResponse response = run(*slot, request, deadline, poisoned);
    response.instantiationSeconds = instantiation;
    response.coldStart = coldStart;
    response.memoryBytes = slot->instance->memoryBytes();
    if (!poisoned) {
        // An idle slot keeps the buffer of a usual request, not of the largest body seen.
        if (slot->encoded.capacity() > kKeptEncodedBytes)
            std::string().swap(slot->encoded);
        std::lock_guard lock(m_mutex);
        if (m_idle.size() < std::min<std::size_t>(kMaxIdle, m_config.maxInstances))
            m_idle.push_back(std::move(slot));
    }
    return response;
}

ComponentResponse KeelComponent::run(Slot &slot, const ComponentRequest &request, Clock::time_point deadline,
                                     bool &poisoned)
{
    ModuleInstance &instance = *slot.instance;
    std::string &encoded = slot.encoded;
    KeelAbi::encodeRequest(request, encoded);
    if (encoded.size() > UINT32_MAX)
        return ComponentResponse::failure(413, ComponentError::None, "request too large");
    const auto length = std::uint32_t(encoded.size());

    CallResult alloc = instance.call("keel_alloc", {length}, deadline);
    if (alloc.kind != CallResult::Kind::Returned) {
        poisoned = true;
        return callFailure(alloc, "keel_alloc", instance, m_config.deadlineMs);
    }
    const auto requestPtr = std::uint32_t(alloc.value);
    GuestMemory memory = instance.memory();
    if ((requestPtr == 0 && length > 0) || !memory.write(requestPtr, encoded)) {
        poisoned = true;
        const bool atLimit = instance.atMemoryLimit();
        return ComponentResponse::failure(500, atLimit ? ComponentError::Memory : ComponentError::BadOutput,
                                          "keel_alloc(" + std::to_string(length) + ") returned no usable buffer");
    }

    CallResult handled = instance.call("keel_handle", {requestPtr, length}, deadline);
    if (handled.kind != CallResult::Kind::Returned) {
        poisoned = true;
        return callFailure(handled, "keel_handle", instance, m_config.deadlineMs);
    }
    const auto responsePtr = std::uint32_t(handled.value >> 32);
    const auto responseLen = std::uint32_t(handled.value);

    ComponentResponse response;
    std::string error;
    // Header room on top of the body limit, as for WAGI.
    if (responseLen > m_config.maxResponseBytes + 64 * 1024) {
        response = ComponentResponse::failure(502, ComponentError::ResponseTooLarge,
                                              "response over max_response_bytes (" + std::to_string(m_config.maxResponseBytes) + ")");
    } else if (const auto bytes = instance.memory().view(responsePtr, responseLen); !bytes) {
        poisoned = true;
        return ComponentResponse::failure(502, ComponentError::BadOutput, "keel_handle returned a response outside linear memory");
    } else if (!KeelAbi::decodeResponse(*bytes, response, error)) {
        response = ComponentResponse::failure(502, ComponentError::BadOutput, error);
    } else if (response.body.size() > m_config.maxResponseBytes) {
        response = ComponentResponse::failure(502, ComponentError::ResponseTooLarge,
                                              "response over max_response_bytes (" + std::to_string(m_config.maxResponseBytes) + ")");
    }

    for (std::uint32_t ptr : {requestPtr, responsePtr}) {
        const CallResult freed = instance.call("keel_free", {ptr}, deadline);
        if (freed.kind != CallResult::Kind::Returned) {
            poisoned = true; // the answer stands; the instance does not
            break;
        }
    }
    return response;
}

} // namespace keel::agent
