#include "keelhost.h"

#include "kvstore.h"

#include <chrono>

namespace keel::agent {

namespace {

HostOutcome outOfBounds(std::string_view what)
{
    return HostOutcome::trap(std::string(what) + ": pointer out of bounds of linear memory");
}

std::uint32_t u32(std::uint64_t v) { return std::uint32_t(v); }

} // namespace

KeelHost::KeelHost(const std::map<std::string, std::string> &config, KvStore *kv, LogSink log)
    : m_config(config)
    , m_kv(kv)
    , m_log(std::move(log))
{
    bindImports();
}

const std::vector<std::string> &KeelHost::interfaces()
{
    static const std::vector<std::string> names{"log", "kv", "clock", "config"};
    return names;
}

void KeelHost::bindImports()
{
    const auto I = ValType::I32;
    const auto L = ValType::I64;
    auto add = [this](const char *interface, std::string name, std::vector<ValType> params,
                      std::vector<ValType> results, HostCallback call) {
        m_imports.push_back({std::string(kModulePrefix) + interface, std::move(name),
                             std::move(params), std::move(results), std::move(call)});
    };
    add("log", "log", {I, I, I}, {}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *) {
        return log(m, std::int32_t(a[0]), u32(a[1]), u32(a[2]));
    });
    add("kv", "get", {I, I, I, I}, {I}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *r) {
        std::int32_t result = -1;
        auto outcome = kvGet(m, u32(a[0]), u32(a[1]), u32(a[2]), u32(a[3]), result);
        r[0] = std::uint32_t(result);
        return outcome;
    });
    add("kv", "set", {I, I, I, I}, {I}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *r) {
        std::int32_t result = -1;
        auto outcome = kvSet(m, u32(a[0]), u32(a[1]), u32(a[2]), u32(a[3]), result);
        r[0] = std::uint32_t(result);
        return outcome;
    });
    add("kv", "delete", {I, I}, {I}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *r) {
        std::int32_t result = 0;
        auto outcome = kvDelete(m, u32(a[0]), u32(a[1]), result);
        r[0] = std::uint32_t(result);
        return outcome;
    });
    add("clock", "now_ms", {}, {L}, [](GuestMemory &, const std::uint64_t *, std::uint64_t *r) {
        r[0] = std::uint64_t(nowMs());
        return HostOutcome::ok();
    });
    add("clock", "monotonic_ns", {}, {L}, [](GuestMemory &, const std::uint64_t *, std::uint64_t *r) {
        r[0] = std::uint64_t(monotonicNs());
        return HostOutcome::ok();
    });
    add("config", "get", {I, I, I, I}, {I}, [this](GuestMemory &m, const std::uint64_t *a, std::uint64_t *r) {
        std::int32_t result = -1;
        auto outcome = configGet(m, u32(a[0]), u32(a[1]), u32(a[2]), u32(a[3]), result);
        r[0] = std::uint32_t(result);
        return outcome;
    });
}

HostOutcome KeelHost::log(GuestMemory &m, std::int32_t level, std::uint32_t ptr, std::uint32_t len)
{
    const auto text = m.view(ptr, len);
    if (!text)
        return outOfBounds("log");
    if (m_log)
        m_log(level, text->substr(0, 4096)); // one log line, not a disk filler
    return HostOutcome::ok();
}

HostOutcome KeelHost::copyOut(GuestMemory &m, const std::string *value, std::uint32_t bufPtr,
                              std::uint32_t cap, std::int32_t &result)
{
    if (!value) {
        result = -1;
        return HostOutcome::ok();
    }
    if (value->size() > INT32_MAX)
        return HostOutcome::trap("value too large for the guest");
    if (value->size() <= cap && !m.write(bufPtr, *value))
        return outOfBounds("get");
    result = std::int32_t(value->size());
    return HostOutcome::ok();
}

HostOutcome KeelHost::kvGet(GuestMemory &m, std::uint32_t keyPtr, std::uint32_t keyLen,
                            std::uint32_t bufPtr, std::uint32_t cap, std::int32_t &result)
{
    const auto key = m.view(keyPtr, keyLen);
    if (!key)
        return outOfBounds("kv.get");
    const auto value = m_kv ? m_kv->get(*key) : std::nullopt;
    return copyOut(m, value ? &*value : nullptr, bufPtr, cap, result);
}

HostOutcome KeelHost::kvSet(GuestMemory &m, std::uint32_t keyPtr, std::uint32_t keyLen,
                            std::uint32_t valuePtr, std::uint32_t valueLen, std::int32_t &result)
{
    const auto key = m.view(keyPtr, keyLen);
    const auto value = m.view(valuePtr, valueLen);
    if (!key || !value)
        return outOfBounds("kv.set");
    result = m_kv && m_kv->set(*key, *value) ? 0 : -1;
    return HostOutcome::ok();
}

HostOutcome KeelHost::kvDelete(GuestMemory &m, std::uint32_t keyPtr, std::uint32_t keyLen,
                               std::int32_t &result)
{
    const auto key = m.view(keyPtr, keyLen);
    if (!key)
        return outOfBounds("kv.delete");
    result = m_kv && m_kv->remove(*key) ? 1 : 0;
    return HostOutcome::ok();
}

std::int64_t KeelHost::nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::int64_t KeelHost::monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

HostOutcome KeelHost::configGet(GuestMemory &m, std::uint32_t keyPtr, std::uint32_t keyLen,
                                std::uint32_t bufPtr, std::uint32_t cap, std::int32_t &result)
{
    const auto key = m.view(keyPtr, keyLen);
    if (!key)
        return outOfBounds("config.get");
    const auto it = m_config.find(std::string(*key));
    return copyOut(m, it == m_config.end() ? nullptr : &it->second, bufPtr, cap, result);
}

std::string_view KeelHost::levelName(int level)
{
    switch (level) {
    case 0: return "debug";
    case 1: return "info";
    case 2: return "warn";
    default: return "error";
    }
}

} // namespace keel::agent
