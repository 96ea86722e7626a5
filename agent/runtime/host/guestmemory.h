#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace keel::agent {

// A bounds-checked view of one instance's linear memory, made fresh for each host call
// (memory.grow may move the bytes between calls). Every host function reads and writes
// guest memory only through it, so both tiers share one place that checks guest pointers.
// Wasm is little-endian; the accessors convert explicitly.
class GuestMemory final
{
public:
    GuestMemory(std::uint8_t *data, std::uint64_t size)
        : m_data(data)
        , m_size(size)
    {
    }

    std::uint64_t size() const { return m_size; }
    bool contains(std::uint32_t ptr, std::uint32_t len) const
    {
        return std::uint64_t(ptr) + len <= m_size;
    }

    // nullopt / nullptr when [ptr, ptr+len) is not inside the memory.
    std::optional<std::string_view> view(std::uint32_t ptr, std::uint32_t len) const;
    std::uint8_t *writable(std::uint32_t ptr, std::uint32_t len);

    bool readU32(std::uint32_t ptr, std::uint32_t &out) const;
    bool writeU8(std::uint32_t ptr, std::uint8_t value);
    bool writeU16(std::uint32_t ptr, std::uint16_t value);
    bool writeU32(std::uint32_t ptr, std::uint32_t value);
    bool writeU64(std::uint32_t ptr, std::uint64_t value);
    bool write(std::uint32_t ptr, std::string_view bytes);

private:
    std::uint8_t *m_data;
    std::uint64_t m_size;
};

} // namespace keel::agent
