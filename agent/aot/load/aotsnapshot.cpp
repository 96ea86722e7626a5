#include "aotsnapshot.h"

#include <algorithm>
#include <cstring>

namespace keel::aot {

namespace {

// The memory image is kept in blocks of this size: each is all zero or copied.
constexpr std::uint64_t kBlock = 4096;
// Zero runs at least this long are given back to the kernel (cost: the pages the request
// touched, and a fault when touched again); shorter ones are cleared with memset, which
// is cheaper than a system call and a fault for the few pages a short run has.
constexpr std::uint64_t kMadviseRun = 256 * 1024;
constexpr std::uint64_t kPageBytes = 65536;

bool allZero(const std::uint8_t *bytes, std::uint64_t length)
{
    for (std::uint64_t i = 0; i < length; ++i)
        if (bytes[i])
            return false;
    return true;
}

// Both table types are {data, max_size, size}; only the element type differs (the
// runtime asserts the layout).
wasm_rt_funcref_table_t *descriptor(void *table)
{
    return static_cast<wasm_rt_funcref_table_t *>(table);
}

} // namespace

std::unique_ptr<AotSnapshot> AotSnapshot::take(const void *storage, std::size_t storageSize,
                                               const keel_rt_layout &layout)
{
    if (layout.memory_count > KEEL_RT_MAX_PARTS || layout.table_count > KEEL_RT_MAX_PARTS)
        return nullptr;
    auto snapshot = std::unique_ptr<AotSnapshot>(new AotSnapshot);
    const auto *bytes = static_cast<const std::uint8_t *>(storage);
    snapshot->m_storage.assign(bytes, bytes + storageSize);
    for (std::uint32_t i = 0; i < layout.memory_count; ++i) {
        Memory memory;
        memory.memory = layout.memories[i];
        memory.pages = memory.memory->pages;
        const std::uint8_t *data = memory.memory->data;
        const std::uint64_t size = memory.memory->size;
        for (std::uint64_t offset = 0; offset < size; offset += kBlock) {
            const std::uint64_t length = std::min(kBlock, size - offset);
            const bool zero = allZero(data + offset, length);
            if (!memory.runs.empty() && memory.runs.back().zero == zero)
                memory.runs.back().length += length;
            else
                memory.runs.push_back({offset, length, zero, memory.bytes.size()});
            if (!zero)
                memory.bytes.insert(memory.bytes.end(), data + offset, data + offset + length);
        }
        snapshot->m_memories.push_back(std::move(memory));
    }
    for (std::uint32_t i = 0; i < layout.table_count; ++i) {
        Table table;
        table.table = layout.tables[i];
        table.elementSize = layout.table_element_sizes[i];
        const wasm_rt_funcref_table_t *live = descriptor(table.table);
        table.elements = live->size;
        const auto *elements = reinterpret_cast<const std::uint8_t *>(live->data);
        table.image.assign(elements, elements + std::size_t(table.elements) * table.elementSize);
        snapshot->m_tables.push_back(std::move(table));
    }
    return snapshot;
}

bool AotSnapshot::restore(void *storage) const
{
    // Memories first, while their descriptors still say how far they grew.
    for (const Memory &memory : m_memories) {
        if (keel_rt_memory_shrink(memory.memory, memory.pages) != 0)
            return false;
    }
    // The tables' data may have moved (table.grow reallocates): keep what they hold now
    // across the copy of the descriptors.
    struct Live
    {
        wasm_rt_funcref_t *data;
        std::uint32_t size;
    };
    std::vector<Live> live;
    live.reserve(m_tables.size());
    for (const Table &table : m_tables)
        live.push_back({descriptor(table.table)->data, descriptor(table.table)->size});
    // Globals, descriptors, the host pointer, dropped-segment flags: all of the storage.
    std::memcpy(storage, m_storage.data(), m_storage.size());
    bool ok = true;
    for (std::size_t i = 0; i < m_tables.size(); ++i) {
        const Table &table = m_tables[i];
        descriptor(table.table)->data = live[i].data;
        descriptor(table.table)->size = live[i].size;
        // On failure the descriptor still owns its (old) data; the destructor frees it.
        if (keel_rt_table_restore(table.table, table.elementSize, live[i].size, table.image.data(), table.elements)
            != 0)
            ok = false;
    }
    for (const Memory &memory : m_memories) {
        std::uint8_t *data = memory.memory->data;
        for (const Run &run : memory.runs) {
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

std::size_t AotSnapshot::retainedBytes() const
{
    std::size_t bytes = m_storage.size();
    for (const Memory &memory : m_memories)
        bytes += memory.bytes.size() + std::uint64_t(memory.pages) * kPageBytes;
    for (const Table &table : m_tables)
        bytes += 2 * table.image.size(); // the image and the live table
    return bytes;
}

} // namespace keel::aot
