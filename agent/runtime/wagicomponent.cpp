#include "wagicomponent.h"

#include "cgi.h"
#include "host/hostlinker.h"

#include <algorithm>

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
}

ComponentResponse WagiComponent::handle(const ComponentRequest &request)
{
    using Clock = ModuleInstance::Clock;
    const auto started = request.startedOrNow();
    const auto deadline = started + std::chrono::milliseconds(m_config.deadlineMs);

    std::string error;
    std::unique_ptr<HostBindings> host = takeHost(error);
    if (!host)
        return ComponentResponse::failure(500, ComponentError::Instantiation, error);
    WasiHost &wasi = host->wasi();
    Cgi::environment(request, m_config.name, wasi.requestEnvironment());
    wasi.startRequest(request.body);
    auto instance = m_module->instantiate(host->imports(), deadline, error);
    const double instantiation = std::chrono::duration<double>(Clock::now() - started).count();
    if (!instance) {
        giveBack(std::move(host));
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
    instance.reset(); // its imports point into the host: gone before the host is reused
    wasi.flushPartialLines();
    giveBack(std::move(host));
    return response;
}

std::unique_ptr<HostBindings> WagiComponent::takeHost(std::string &error)
{
    {
        std::lock_guard lock(m_hostsMutex);
        if (!m_idleHosts.empty()) {
            auto host = std::move(m_idleHosts.back());
            m_idleHosts.pop_back();
            return host;
        }
    }
    WasiHost::Setup setup;
    setup.stdoutMode = WasiHost::StdoutMode::Capture;
    setup.maxStdoutBytes = std::size_t(m_config.maxResponseBytes) + kHeaderRoom;
    return HostBindings::link(m_config, *m_module, m_kv.get(), std::move(setup), m_log, error);
}

void WagiComponent::giveBack(std::unique_ptr<HostBindings> host)
{
    std::lock_guard lock(m_hostsMutex);
    if (m_idleHosts.size() < std::max<std::uint32_t>(1, m_config.maxInstances))
        m_idleHosts.push_back(std::move(host));
}

} // namespace keel::agent
