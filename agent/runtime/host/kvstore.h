#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;

namespace keel::agent {

// One component's node-local key-value store: a SQLite file of its own under
// <data-dir>/kv/, so namespaces cannot meet and a component's data goes with its file.
// WAL mode keeps every committed set across a crash of the agent. Quotas bound what a
// component can make the node store. Thread-safe: instances of one component may run on
// several workers at once.
class KvStore final
{
public:
    struct Quota
    {
        std::size_t keyBytes = 256;
        std::size_t valueBytes = 64 * 1024;
        std::uint64_t totalBytes = 4 * 1024 * 1024; // keys plus values
    };

    KvStore(std::filesystem::path file, Quota quota);
    ~KvStore();
    // A component's own namespace: <directory>/<component>.sqlite; nullptr without a directory.
    static std::unique_ptr<KvStore> forComponent(const std::string &directory, const std::string &component);
    KvStore(const KvStore &) = delete;
    KvStore &operator=(const KvStore &) = delete;

    // The file is opened at first use, keeping agent start-up free of disk work.
    // Errors (disk full, unreadable file) answer as absent / refused and set lastError().
    std::optional<std::string> get(std::string_view key);
    bool set(std::string_view key, std::string_view value);
    bool remove(std::string_view key); // true when the key existed

    std::string lastError() const;

private:
    bool open();
    std::optional<std::string> getLocked(std::string_view key);
    void fail(std::string what);

    std::filesystem::path m_file;
    Quota m_quota;
    mutable std::mutex m_mutex;
    sqlite3 *m_db = nullptr;
    std::uint64_t m_totalBytes = 0;
    std::string m_lastError;
};

} // namespace keel::agent
