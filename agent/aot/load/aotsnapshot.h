#pragma once

#include "rt/keelrt.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace keel::aot {

// What instantiation made of one instance, to put back between requests (instance reuse,
// docs/aot.md): its storage (the wasm2c instance struct: globals, the memory and table
// descriptors, the host pointer, dropped-segment flags), each table's elements, and each
// memory's initial bytes as runs of 4 KiB blocks that are either zero or copied (only the
// copied runs are stored: in practice the data segments). The descriptors it points at
// live inside the storage, which never moves.
class AotSnapshot final
{
public:
    // nullptr when the layout has more memories or tables than the runtime records.
    static std::unique_ptr<AotSnapshot> take(const void *storage, std::size_t storageSize,
                                             const keel_rt_layout &layout);

    // Puts storage (the same one) back as it was taken, whatever ran since: memory shrinks
    // to its initial pages (the rest decommitted and inaccessible again), the storage is
    // copied back, tables are resized and refilled, the initial memory gets its image
    // back. false when the kernel or the allocator refused: then destroy the instance.
    bool restore(void *storage) const;

    // Bytes kept for reuse: the snapshot plus the resident initial memory and tables.
    std::size_t retainedBytes() const;

private:
    struct Run
    {
        std::uint64_t offset = 0;
        std::uint64_t length = 0;
        bool zero = false;
        std::size_t image = 0; // offset into Memory::bytes, for a run that is not zero
    };
    struct Memory
    {
        wasm_rt_memory_t *memory = nullptr;
        std::uint32_t pages = 0;
        std::vector<Run> runs;
        std::vector<std::uint8_t> bytes; // the non-zero runs, one after another
    };
    struct Table
    {
        void *table = nullptr; // wasm_rt_funcref_table_t or wasm_rt_externref_table_t
        std::uint32_t elementSize = 0;
        std::uint32_t elements = 0;
        std::vector<std::uint8_t> image;
    };

    std::vector<std::uint8_t> m_storage;
    std::vector<Memory> m_memories;
    std::vector<Table> m_tables;
};

} // namespace keel::aot
