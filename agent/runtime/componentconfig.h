#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace keel::agent {

// What the runtime needs to know about one component, taken from its manifest. The
// runtime does not parse manifests: the agent maps a loaded manifest onto this.
struct ComponentConfig
{
    enum class Abi { Wagi, Keel };

    std::string name;    // served under /<name>/
    std::string version;
    Abi abi = Abi::Wagi;
    std::string modulePath;             // absolute
    std::string aotPath;                // absolute; the keel-aot object of modulePath, empty when none
    std::set<std::string> grants;       // keel:platform interfaces: log, kv, clock, config
    std::map<std::string, std::string> config;
    std::uint64_t memoryBytes = 64ull * 1024 * 1024;
    std::uint32_t deadlineMs = 2000;
    std::uint64_t maxResponseBytes = 8ull * 1024 * 1024;
    std::string kvDirectory; // <data-dir>/kv; empty: kv refuses every set
};

} // namespace keel::agent
