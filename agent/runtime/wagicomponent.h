#pragma once

#include "compiledmodule.h"
#include "component.h"
#include "host/hostbindings.h"
#include "host/kvstore.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace keel::agent {

// WAGI: a wasm32-wasi command module run once per request, CGI over WASI preview 1.
// Every request starts from the state instantiation makes (memory, globals, tables), so
// nothing survives from one request to the next and a trap costs only that request. The
// AOT tier gets there by resetting a pooled instance rather than making a new one
// (AotInstancePool; docs/aot.md, "Instance reuse"); the interpreter makes a new one.
class WagiComponent final : public Component
{
public:
    using LogSink = std::function<void(std::string_view line)>;

    // nullptr with error when the module does not fit the ABI or asks for imports the
    // manifest does not grant.
    static std::unique_ptr<WagiComponent> create(ComponentConfig config,
                                                 std::unique_ptr<CompiledModule> module,
                                                 LogSink log, std::string &error);

    const ComponentConfig &config() const override { return m_config; }
    std::string_view tier() const override { return m_module->tier(); }
    ComponentResponse handle(const ComponentRequest &request) override;
    // Running requests' memory, plus what idle instances kept for reuse hold.
    std::uint64_t linearMemoryBytes() const override { return m_memoryBytes.load() + m_module->retainedBytes(); }

private:
    WagiComponent(ComponentConfig config, std::unique_ptr<CompiledModule> module, LogSink log);
    // The host side of a request, kept from one request to the next
    // (WasiHost::startRequest gives each its own environment and streams).
    std::unique_ptr<HostBindings> takeHost(std::string &error);
    void giveBack(std::unique_ptr<HostBindings> host);

    ComponentConfig m_config;
    std::unique_ptr<CompiledModule> m_module;
    LogSink m_log;
    std::unique_ptr<KvStore> m_kv;
    std::atomic<bool> m_started{false};
    std::mutex m_hostsMutex;
    std::vector<std::unique_ptr<HostBindings>> m_idleHosts; // at most max_instances
    std::atomic<std::uint64_t> m_memoryBytes{0}; // held by requests running now
};

} // namespace keel::agent
