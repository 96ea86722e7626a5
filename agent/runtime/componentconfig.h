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
    // The classes of data it processes (pii, health, ...): the agent's residency rules
    // over them decide per request whether it may run here. The runtime never reads them.
    std::vector<std::string> dataClasses;
    std::string modulePath;             // absolute
    std::string aotPath;                // absolute; the keel-aot object of modulePath, empty when none
    std::set<std::string> grants;       // keel:platform interfaces: log, kv, clock, config
    std::map<std::string, std::string> config;
    std::uint64_t memoryBytes = 64ull * 1024 * 1024;
    std::uint32_t deadlineMs = 2000;
    std::uint64_t maxResponseBytes = 8ull * 1024 * 1024;
    // Every table's initial size and maximum (a 100M-entry table would be ~800 MB that
    // memoryBytes does not see).
    std::uint32_t maxTableElements = 65536;
    // Live instances at once (busy and idle): the component's linear memory is at most
    // maxInstances * memoryBytes, and its requests beyond that many wait in its queue.
    std::uint32_t maxInstances = 4;
    // Sent one GET (HealthCheck) before traffic switches to a newly loaded component;
    // empty: none. The runtime itself never calls it.
    std::string healthPath;
    std::string kvDirectory; // <data-dir>/kv; empty: kv refuses every set
};

} // namespace keel::agent
