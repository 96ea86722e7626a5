#include "aotinstance.h"

#include "load/aotobject.h"
#include "load/aotsnapshot.h"
#include "rt/keelrt.h"

#include <cstdlib>

namespace keel::aot {

struct AotInstance::Binding
{
    AotInstance *instance;
    AotHostFunction fn;
};

AotInstance::AotInstance(std::shared_ptr<AotObject> object, const keel_aot_module *module)
    : m_object(std::move(object))
    , m_module(module)
    , m_host(std::make_unique<keel_aot_host>())
{
}

AotInstance::~AotInstance()
{
    // Also after a trapped instantiation: the generated free() skips what is still zero.
    if (m_instantiated)
        m_module->free_instance(m_storage);
    std::free(m_storage);
}

void AotInstance::bind(AotHostFunction fn)
{
    m_bindings.push_back(std::make_unique<Binding>(Binding{this, std::move(fn)}));
    m_table.push_back({&AotInstance::thunk, m_bindings.back().get()});
}

bool AotInstance::start(const AotLimits &limits, std::string *error)
{
    m_storage = std::calloc(1, m_module->instance_size);
    if (!m_storage) {
        *error = "out of memory";
        return false;
    }
    m_host->bindings = m_table.data();
    m_host->count = static_cast<uint32_t>(m_table.size());
    const uint64_t pages = limits.memoryBytes / 65536;
    keel_rt_layout layout{};
    m_instantiated = true;
    const int code = keel_rt_instantiate(m_module, m_storage, m_host.get(),
                                         pages > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(pages),
                                         limits.tableElements, limits.instantiateTimeoutNs, &layout);
    m_memory = layout.memory_count ? layout.memories[0] : nullptr;
    if (code != 0) {
        *error = keel_rt_trap_message(code);
        if (code == KEEL_RT_TRAP_MEMORY_LIMIT)
            *error += " (the module needs more initial memory than the manifest's memory_mb allows)";
        if (code == KEEL_RT_TRAP_TABLE_LIMIT)
            *error += " (a table starts larger than the manifest's max_table_elements allows)";
        return false;
    }
    m_snapshot = AotSnapshot::take(m_storage, m_module->instance_size, layout);
    return true;
}

bool AotInstance::reset()
{
    return m_snapshot && m_snapshot->restore(m_storage);
}

bool AotInstance::rebind(const AotImportResolver &resolver, std::string *error)
{
    const std::vector<AotImport> &imports = m_object->imports();
    if (imports.size() != m_bindings.size()) {
        *error = "the instance has " + std::to_string(m_bindings.size()) + " bindings for "
                 + std::to_string(imports.size()) + " imports";
        return false;
    }
    for (size_t i = 0; i < imports.size(); ++i) {
        std::optional<AotHostFunction> fn = resolver(imports[i]);
        if (!fn) {
            unbind();
            *error = "'" + imports[i].module + "' '" + imports[i].name + "' was refused";
            return false;
        }
        m_bindings[i]->fn = std::move(*fn);
    }
    return true;
}

void AotInstance::unbind()
{
    for (auto &binding : m_bindings)
        binding->fn = [](AotInstance &, const uint64_t *, uint64_t *) { return AotTrapCode::HostFailed; };
}

size_t AotInstance::retainedBytes() const
{
    return m_snapshot ? m_snapshot->retainedBytes() : 0;
}

int32_t AotInstance::thunk(void *user, const uint64_t *args, uint64_t *results)
{
    auto *binding = static_cast<Binding *>(user);
    try {
        return static_cast<int32_t>(binding->fn(*binding->instance, args, results));
    } catch (...) {
        // Never let an exception unwind into generated C code.
        return KEEL_RT_TRAP_HOST;
    }
}

int AotInstance::findExport(const std::string &name) const
{
    for (uint32_t i = 0; i < m_module->export_count; ++i)
        if (name == m_module->exports[i].name)
            return static_cast<int>(i);
    return -1;
}

std::string_view AotInstance::exportName(int index) const
{
    return m_module->exports[index].name;
}

std::string_view AotInstance::exportParams(int index) const
{
    return m_module->exports[index].params;
}

std::string_view AotInstance::exportResults(int index) const
{
    return m_module->exports[index].results;
}

AotCallResult AotInstance::result(int code)
{
    AotCallResult r;
    r.trap = static_cast<AotTrapCode>(code);
    if (code)
        r.message = keel_rt_trap_message(code);
    return r;
}

AotCallResult AotInstance::call(int index, std::span<const uint64_t> args, std::span<uint64_t> results,
                                int64_t timeoutNs)
{
    return callUntil(index, args, results, keel_rt_deadline_after(timeoutNs));
}

AotCallResult AotInstance::callUntil(int index, std::span<const uint64_t> args, std::span<uint64_t> results,
                                     int64_t deadlineNs)
{
    if (index < 0 || static_cast<uint32_t>(index) >= m_module->export_count) {
        return {AotTrapCode::HostFailed, "no export with index " + std::to_string(index)};
    }
    const keel_aot_export &e = m_module->exports[index];
    if (args.size() != std::char_traits<char>::length(e.params)
        || results.size() < std::char_traits<char>::length(e.results)) {
        return {AotTrapCode::HostFailed, std::string("export '") + e.name + "' takes (" + e.params + ") and returns ("
                                             + e.results + "); the call does not match"};
    }
    uint64_t none = 0;
    return result(keel_rt_invoke_until(e.call, m_storage, args.empty() ? &none : args.data(),
                                       results.empty() ? &none : results.data(), deadlineNs));
}

uint8_t *AotInstance::memoryBase() const
{
    return m_memory ? static_cast<wasm_rt_memory_t *>(m_memory)->data : nullptr;
}

size_t AotInstance::memorySize() const
{
    return m_memory ? static_cast<wasm_rt_memory_t *>(m_memory)->size : 0;
}

uint32_t AotInstance::memoryPages() const
{
    return m_memory ? static_cast<wasm_rt_memory_t *>(m_memory)->pages : 0;
}

} // namespace keel::aot
