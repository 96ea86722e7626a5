#pragma once

#include "compiledmodule.h"
#include "component.h"
#include "host/hostbindings.h"
#include "host/keelhost.h"
#include "host/kvstore.h"
#include "host/wasihost.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace keel::agent {

// Keel handler: a reactor module kept alive across requests (keel_alloc / keel_handle /
// keel_free, see the ABI beside the WIT). Instances sit in a small pool so concurrent
// requests do not queue behind one another; an instance that traps or times out is
// dropped (its state is unknown) and the next request makes a fresh one.
class KeelComponent final : public Component
{
public:
    using LogSink = std::function<void(std::string_view line)>;

    static std::unique_ptr<KeelComponent> create(ComponentConfig config,
                                                 std::unique_ptr<CompiledModule> module,
                                                 LogSink log, std::string &error);
    ~KeelComponent() override;

    const ComponentConfig &config() const override { return m_config; }
    std::string_view tier() const override { return m_module->tier(); }
    ComponentResponse handle(const ComponentRequest &request) override;
    std::uint64_t linearMemoryBytes() const override;

private:
    // One live instance and the host objects its imports are bound to (declared first:
    // the instance goes before what it calls).
    struct Slot
    {
        std::unique_ptr<HostBindings> host;
        std::unique_ptr<ModuleInstance> instance;
        std::string encoded; // the request in the ABI's bytes, reused (up to kKeptEncodedBytes)
    };

    KeelComponent(ComponentConfig config, std::unique_ptr<CompiledModule> module, LogSink log);
    std::unique_ptr<Slot> makeSlot(ModuleInstance::Clock::time_point deadline, std::string &error);
    ComponentResponse run(Slot &slot, const ComponentRequest &request,
                          ModuleInstance::Clock::time_point deadline, bool &poisoned);

    ComponentConfig m_config;
    std::unique_ptr<CompiledModule> m_module;
    LogSink m_log;
    std::unique_ptr<KvStore> m_kv;
    mutable std::mutex m_mutex;
    std::vector<std::unique_ptr<Slot>> m_idle;
    std::atomic<bool> m_started{false};
    std::atomic<std::uint64_t> m_busyMemory{0};
};

} // namespace keel::agent
