#include "componentmanifest.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace keel::manifest {

namespace {

// The manifest spellings; index = enum value.
constexpr std::array<std::string_view, 2> kAbiNames{"wagi", "keel"};
constexpr std::array<std::string_view, 3> kTierNames{"auto", "interp", "aot"};
constexpr std::array<std::string_view, 4> kGrantNames{"log", "kv", "clock", "config"};

template<typename Enum, std::size_t N>
std::optional<Enum> fromString(const std::array<std::string_view, N> &names, std::string_view text)
{
    const auto it = std::find(names.begin(), names.end(), text);
    if (it == names.end())
        return std::nullopt;
    return static_cast<Enum>(it - names.begin());
}

} // namespace

std::string_view abiName(Abi abi) { return kAbiNames.at(static_cast<std::size_t>(abi)); }
std::string_view tierName(Tier tier) { return kTierNames.at(static_cast<std::size_t>(tier)); }
std::string_view grantName(Grant grant) { return kGrantNames.at(static_cast<std::size_t>(grant)); }

std::optional<Abi> abiFromString(std::string_view text) { return fromString<Abi>(kAbiNames, text); }
std::optional<Tier> tierFromString(std::string_view text) { return fromString<Tier>(kTierNames, text); }
std::optional<Grant> grantFromString(std::string_view text)
{
    return fromString<Grant>(kGrantNames, text);
}

bool ComponentManifest::hasGrant(Grant grant) const
{
    return std::find(grants.begin(), grants.end(), grant) != grants.end();
}

} // namespace keel::manifest
