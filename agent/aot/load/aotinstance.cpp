#include "aotinstance.h"

#include "load/aotobject.h"
#include "rt/keelrt.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace keel::aot {

namespace {

// The memory image is kept in blocks of this size: each is all zero or copied.
constexpr uint64_t kBlock = 4096;
// Zero runs at least this long are given back to the kernel (cost: the pages the request
// touched, and a fault when touched again); shorter ones are cleared with memset, which
// is cheaper than a system call and a fault for the few pages a short run has.
constexpr uint64_t kMadviseRun = 256 * 1024;

bool allZero(const uint8_t *bytes, uint64_t length)
{
    for (uint64_t i = 0; i < length; ++i)
        if (bytes[i])
            return false;
    return true;
}

} // namespace

struct AotInstance::Binding
{
    AotInstance *instance;
    AotHostFunction fn;
};

// What instantiation made, to restore on reset(). Pointers point into m_storage (the
// memory and table descriptors), which never moves.
struct AotInstance::Snapshot
{
    struct Run
    {
        uint64_t offset = 0;
        uint64_t length = 0;
        bool zero = false;
        size_t image = 0; // offset into bytes, for a run that is not zero
    };
    struct Memory
    {
        wasm_rt_memory_t *memory = nullptr;
        uint32_t pages = 0;
        std::vector<Run> runs;
        std::vector<uint8_t> bytes; // the non-zero runs, one after another
    };
    struct Table
    {
        void *table = nullptr; // wasm_rt_funcref_table_t or wasm_rt_externref_table_t
        uint32_t elementSize = 0;
        uint32_t elements = 0;
        std::vector<uint8_t> image;
    };

    std::vector<uint8_t> storage;
    std::vector<Memory> memories;
    std::vector<Table> tables;
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
    takeSnapshot(&layout);
    return true;
}

void AotInstance::takeSnapshot(const void *layoutPtr)
{
    const auto &layout = *static_cast<const keel_rt_layout *>(layoutPtr);
    // More parts than the runtime records: such an instance is simply not reused.
    if (layout.memory_count > KEEL_RT_MAX_PARTS || layout.table_count > KEEL_RT_MAX_PARTS)
        return;
    auto snapshot = std::make_unique<Snapshot>();
    const auto *storage = static_cast<const uint8_t *>(m_storage);
    snapshot->storage.assign(storage, storage + m_module->instance_size);
    for (uint32_t i = 0; i < layout.memory_count; ++i) {
        Snapshot::Memory memory;
        memory.memory = layout.memories[i];
        memory.pages = memory.memory->pages;
        const uint64_t size = memory.memory->size;
        for (uint64_t offset = 0; offset < size; offset += kBlock) {
            const uint64_t length = std::min(kBlock, size - offset);
            const bool zero = allZero(memory.memory->data + offset, length);
            if (!memory.runs.empty() && memory.runs.back().zero == zero) {
                memory.runs.back().length += length;
            } else {
                memory.runs.push_back({offset, length, zero, memory.bytes.size()});
            }
            if (!zero)
                memory.bytes.insert(memory.bytes.end(), memory.memory->data + offset,
                                    memory.memory->data + offset + length);
        }
        snapshot->memories.push_back(std::move(memory));
    }
    for (uint32_t i = 0; i < layout.table_count; ++i) {
        Snapshot::Table table;
        table.table = layout.tables[i];
        table.elementSize = layout.table_element_sizes[i];
        const auto *descriptor = static_cast<const wasm_rt_funcref_table_t *>(table.table); // same layout for both
        table.elements = descriptor->size;
        const auto *data = reinterpret_cast<const uint8_t *>(descriptor->data);
        table.image.assign(data, data + size_t(table.elements) * table.elementSize);
        snapshot->tables.push_back(std::move(table));
    }
    m_snapshot = std::move(snapshot);
}

bool AotInstance::reset()
{
    if (!m_snapshot)
        return false;
    Snapshot &snapshot = *m_snapshot;
    // Memories first, while their descriptors still say how far they grew.
    for (const Snapshot::Memory &memory : snapshot.memories) {
        if (keel_rt_memory_shrink(memory.memory, memory.pages) != 0)
            return false;
    }
    // The tables' data may have moved (table.grow reallocates): keep what they hold now
    // across the copy of the descriptors.
    struct Live
    {
        void *data;
        uint32_t size;
    };
    std::vector<Live> live;
    live.reserve(snapshot.tables.size());
    for (const Snapshot::Table &table : snapshot.tables) {
        const auto *descriptor = static_cast<const wasm_rt_funcref_table_t *>(table.table);
        live.push_back({descriptor->data, descriptor->size});
    }
    // Globals, descriptors, the host pointer, dropped-segment flags: all of the storage.
    std::memcpy(m_storage, snapshot.storage.data(), snapshot.storage.size());
    bool ok = true;
    for (size_t i = 0; i < snapshot.tables.size(); ++i) {
        const Snapshot::Table &table = snapshot.tables[i];
        auto *descriptor = static_cast<wasm_rt_funcref_table_t *>(table.table);
        descriptor->data = static_cast<wasm_rt_funcref_t *>(live[i].data);
        descriptor->size = live[i].size;
        // On failure the descriptor still owns its (old) data; the destructor frees it.
        if (keel_rt_table_restore(table.table, table.elementSize, live[i].size, table.image.data(), table.elements)
            != 0)
            ok = false;
    }
    for (const Snapshot::Memory &memory : snapshot.memories) {
        uint8_t *data = memory.memory->data;
        for (const Snapshot::Run &run : memory.runs) {
            if (!run.zero)
                std::memcpy(data + run.offset, memory.bytes.data() + run.image, run.length);
            else if (run.length < kMadviseRun)
                std::memset(data + run.offset, 0, run.length);
            else if (keel_rt_memory_zero(memory.memory, run.offset, run.length) != 0)
                ok = false;
        }
    }
    return ok;
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
    if (!m_snapshot)
        return 0;
    size_t bytes = m_snapshot->storage.size();
    for (const Snapshot::Memory &memory : m_snapshot->memories)
        bytes += memory.bytes.size() + uint64_t(memory.pages) * 65536;
    for (const Snapshot::Table &table : m_snapshot->tables)
        bytes += 2 * table.image.size(); // the image and the live table
    return bytes;
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
    return result(keel_rt_invoke(e.call, m_storage, args.empty() ? &none : args.data(),
                                 results.empty() ? &none : results.data(), timeoutNs));
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
