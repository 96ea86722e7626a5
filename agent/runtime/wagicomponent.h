#pragma once

#include "compiledmodule.h"
#include "component.h"
#include "host/keelhost.h"
#include "host/kvstore.h"
#include "host/wasihost.h"

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
    // The host side of one request: the WASI (and keel:platform) functions bound to their
    // host objects and linked to the module's imports. Building and linking them cost
    // about a tenth of a WAGI request, so they are kept from one request to the next
    // (WasiHost::startRequest gives each request its own environment and streams).
    struct HostSlot
    {
        std::unique_ptr<WasiHost> wasi;
        std::unique_ptr<KeelHost> keel;
        std::vector<HostImport> stubs;
        std::vector<const HostImport *> linked;
    };

    WagiComponent(ComponentConfig config, std::unique_ptr<CompiledModule> module, LogSink log);
    std::unique_ptr<HostSlot> makeSlot(std::string &error);
    std::unique_ptr<HostSlot> takeSlot(std::string &error);
    void giveBack(std::unique_ptr<HostSlot> slot);

    ComponentConfig m_config;
    std::unique_ptr<CompiledModule> m_module;
    LogSink m_log;
    std::unique_ptr<KvStore> m_kv;
    bool m_importsPlatform = false; // any keel:platform import: the request needs a KeelHost
    std::atomic<bool> m_started{false};
    std::mutex m_slotsMutex;
    std::vector<std::unique_ptr<HostSlot>> m_idleSlots; // at most max_instances
    std::atomic<std::uint64_t> m_memoryBytes{0}; // held by requests running now
};

} // namespace keel::agent
