#include "guestmemory.h"

#include <cstring>

namespace keel::agent {

std::optional<std::string_view> GuestMemory::view(std::uint32_t ptr, std::uint32_t len) const
{
    if (!contains(ptr, len))
        return std::nullopt;
    return std::string_view(reinterpret_cast<const char *>(m_data) + ptr, len);
}

std::uint8_t *GuestMemory::writable(std::uint32_t ptr, std::uint32_t len)
{
    return contains(ptr, len) ? m_data + ptr : nullptr;
}

bool GuestMemory::readU32(std::uint32_t ptr, std::uint32_t &out) const
{
    if (!contains(ptr, 4))
        return false;
    const std::uint8_t *p = m_data + ptr;
    out = std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16
          | std::uint32_t(p[3]) << 24;
    return true;
}

namespace {

template<typename T>
bool storeLe(std::uint8_t *p, T value)
{
    if (!p)
        return false;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        p[i] = std::uint8_t(value >> (8 * i));
    return true;
}

} // namespace

bool GuestMemory::writeU8(std::uint32_t ptr, std::uint8_t value)
{
    return storeLe(writable(ptr, 1), value);
}

bool GuestMemory::writeU16(std::uint32_t ptr, std::uint16_t value)
{
    return storeLe(writable(ptr, 2), value);
}

bool GuestMemory::writeU32(std::uint32_t ptr, std::uint32_t value)
{
    return storeLe(writable(ptr, 4), value);
}

bool GuestMemory::writeU64(std::uint32_t ptr, std::uint64_t value)
{
    return storeLe(writable(ptr, 8), value);
}

bool GuestMemory::write(std::uint32_t ptr, std::string_view bytes)
{
    if (bytes.size() > UINT32_MAX)
        return false;
    std::uint8_t *p = writable(ptr, std::uint32_t(bytes.size()));
    if (!p)
        return false;
    std::memcpy(p, bytes.data(), bytes.size());
    return true;
}

} // namespace keel::agent
