#pragma once

#include "hostimport.h"

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace keel::agent {

class KvStore;

// The keel:platform interfaces (log, kv, clock, config) as core-module imports, one
// module per interface ("keel:platform/kv", ...). The ABI is documented beside the WIT.
// Provides every function; which ones a component may link is the linker's business.
class KeelHost final
{
public:
    using LogSink = std::function<void(int level, std::string_view message)>;
    // keel:platform/log's levels: 0 debug, 1 info, 2 warn, anything else error.
    static std::string_view levelName(int level);

    // kv may be null when the component is not granted kv.
    KeelHost(const std::map<std::string, std::string> &config, KvStore *kv, LogSink log);
    KeelHost(const KeelHost &) = delete;
    KeelHost &operator=(const KeelHost &) = delete;

    static constexpr std::string_view kModulePrefix = "keel:platform/";
    // The interfaces a manifest may grant.
    static const std::vector<std::string> &interfaces();

    const std::vector<HostImport> &imports() const { return m_imports; }

    // Typed entry points, for tiers that call host functions directly.
    HostOutcome log(GuestMemory &m, std::int32_t level, std::uint32_t ptr, std::uint32_t len);
    HostOutcome kvGet(GuestMemory &m, std::uint32_t keyPtr, std::uint32_t keyLen,
                      std::uint32_t bufPtr, std::uint32_t cap, std::int32_t &result);
    HostOutcome kvSet(GuestMemory &m, std::uint32_t keyPtr, std::uint32_t keyLen,
                      std::uint32_t valuePtr, std::uint32_t valueLen, std::int32_t &result);
    HostOutcome kvDelete(GuestMemory &m, std::uint32_t keyPtr, std::uint32_t keyLen,
                         std::int32_t &result);
    static std::int64_t nowMs();
    static std::int64_t monotonicNs();
    HostOutcome configGet(GuestMemory &m, std::uint32_t keyPtr, std::uint32_t keyLen,
                          std::uint32_t bufPtr, std::uint32_t cap, std::int32_t &result);

private:
    void bindImports();
    // The "copy only if it fits, always answer the length" rule of kv.get and config.get.
    static HostOutcome copyOut(GuestMemory &m, const std::string *value, std::uint32_t bufPtr,
                               std::uint32_t cap, std::int32_t &result);

    const std::map<std::string, std::string> &m_config;
    KvStore *m_kv;
    LogSink m_log;
    std::vector<HostImport> m_imports;
};

} // namespace keel::agent
