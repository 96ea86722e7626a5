#include "wagicomponent.h"

#include "cgi.h"
#include "host/hostlinker.h"
#include "host/keelhost.h"
#include "host/wasihost.h"

#include <optional>

namespace keel::agent {

namespace {

// Room for the CGI header lines on top of the body limit.
constexpr std::size_t kHeaderRoom = 64 * 1024;

std::unique_ptr<KvStore> makeKv(const ComponentConfig &config)
{
    return config.grants.count("kv") ? KvStore::forComponent(config.kvDirectory, config.name) : nullptr;
}

} // namespace

std::unique_ptr<WagiComponent> WagiComponent::create(ComponentConfig config,
                                                     std::unique_ptr<CompiledModule> module,
                                                     LogSink log, std::string &error)
{
    if (!module->exportsFunction("_start")) {
        error = "component " + config.name + " has abi wagi but its module exports no _start "
                "function: build it as a wasm32-wasi command";
        return nullptr;
    }
    if (!HostLinker::checkPlatformImports(config.name, config.grants, module->imports(), error))
        return nullptr;
    return std::unique_ptr<WagiComponent>(new WagiComponent(std::move(config), std::move(module), std::move(log)));
}

WagiComponent::WagiComponent(ComponentConfig config, std::unique_ptr<CompiledModule> module, LogSink log)
    : m_config(std::move(config))
    , m_module(std::move(module))
    , m_log(std::move(log))
    , m_kv(makeKv(m_config))
{
    for (const ImportRequest &import : m_module->imports()) {
        if (std::string_view(import.module).substr(0, KeelHost::kModulePrefix.size()) == KeelHost::kModulePrefix)
            m_importsPlatform = true;
    }
}

ComponentResponse WagiComponent::handle(const ComponentRequest &request)
{
    using Clock = ModuleInstance::Clock;
    const auto started = Clock::now();
    const auto deadline = started + std::chrono::milliseconds(m_config.deadlineMs);

    std::string error;
    std::unique_ptr<HostSlot> slot = takeSlot(error);
    if (!slot)
        return ComponentResponse::failure(500, ComponentError::Instantiation, error);
    WasiHost &wasi = *slot->wasi;
    wasi.startRequest(Cgi::environment(request, m_config.name), request.body);
    const auto &linked = slot->linked;
    auto instance = m_module->instantiate(linked, deadline, error);
    const double instantiation = std::chrono::duration<double>(Clock::now() - started).count();
    if (!instance) {
        giveBack(std::move(slot));
        return ComponentResponse::failure(500, ComponentError::Instantiation, error);
    }

    const std::uint64_t memory = instance->memoryBytes();
    m_memoryBytes += memory;
    const CallResult result = instance->call("_start", {}, deadline);
    const std::uint64_t peak = instance->memoryBytes();
    m_memoryBytes -= memory;

    ComponentResponse response;
    if (result.kind == CallResult::Kind::DeadlineExceeded) {
        response = ComponentResponse::failure(504, ComponentError::Deadline,
                                              "ran past its deadline of " + std::to_string(m_config.deadlineMs) + " ms");
    } else if (wasi.stdoutOverflowed()) {
        response = ComponentResponse::failure(502, ComponentError::ResponseTooLarge,
                                              "response over max_response_bytes ("
                                                  + std::to_string(m_config.maxResponseBytes) + ")");
    } else if (result.kind == CallResult::Kind::Trapped) {
        const bool memoryLimit = instance->atMemoryLimit();
        response = ComponentResponse::failure(500, memoryLimit ? ComponentError::Memory : ComponentError::Trap,
                                              memoryLimit ? "at its memory limit; trap: " + result.trap : result.trap);
    } else if (result.kind == CallResult::Kind::Exited && result.exitCode != 0 && wasi.stdoutBytes().empty()) {
        const bool memoryLimit = instance->atMemoryLimit();
        response = ComponentResponse::failure(500, memoryLimit ? ComponentError::Memory : ComponentError::Trap,
                                              "exited with status " + std::to_string(result.exitCode)
                                                  + (memoryLimit ? " at its memory limit" : ""));
    } else if (!Cgi::parseOutput(wasi.stdoutBytes(), response, error)) {
        response = ComponentResponse::failure(502, ComponentError::BadOutput, error);
    } else if (response.body.size() > m_config.maxResponseBytes) {
        response = ComponentResponse::failure(502, ComponentError::ResponseTooLarge,
                                              "response over max_response_bytes ("
                                                  + std::to_string(m_config.maxResponseBytes) + ")");
    }
    response.instantiationSeconds = instantiation;
    response.coldStart = !m_started.exchange(true);
    response.memoryBytes = peak;
    instance.reset(); // its imports point into the slot: gone before the slot is reused
    wasi.flushPartialLines();
    giveBack(std::move(slot));
    return response;
}

std::unique_ptr<WagiComponent::HostSlot> WagiComponent::makeSlot(std::string &error)
{
    auto slot = std::make_unique<HostSlot>();
    WasiHost::Setup setup;
    setup.args = {m_config.name};
    setup.stdoutMode = WasiHost::StdoutMode::Capture;
    setup.maxStdoutBytes = std::size_t(m_config.maxResponseBytes) + kHeaderRoom;
    setup.logLine = m_log;
    slot->wasi = std::make_unique<WasiHost>(std::move(setup));
    HostLinker linker(m_config.name, m_config.grants);
    linker.provide(slot->wasi->imports());
    // Most WAGI modules import only WASI: a KeelHost and its bound functions would be
    // allocated for nothing.
    if (m_importsPlatform) {
        slot->keel = std::make_unique<KeelHost>(m_config.config, m_kv.get(), [this](int level, std::string_view message) {
            if (m_log)
                m_log(std::string(KeelHost::levelName(level)) + ": " + std::string(message));
        });
        linker.provide(slot->keel->imports());
    }
    auto linked = linker.link(m_module->imports(), slot->stubs, error);
    if (!linked)
        return nullptr;
    slot->linked = std::move(*linked);
    return slot;
}

std::unique_ptr<WagiComponent::HostSlot> WagiComponent::takeSlot(std::string &error)
{
    {
        std::lock_guard lock(m_slotsMutex);
        if (!m_idleSlots.empty()) {
            auto slot = std::move(m_idleSlots.back());
            m_idleSlots.pop_back();
            return slot;
        }
    }
    return makeSlot(error);
}

void WagiComponent::giveBack(std::unique_ptr<HostSlot> slot)
{
    std::lock_guard lock(m_slotsMutex);
    if (m_idleSlots.size() < std::max<std::uint32_t>(1, m_config.maxInstances))
        m_idleSlots.push_back(std::move(slot));
}

} // namespace keel::agent
