#include "kvstore.h"

#include <sqlite3.h>

namespace keel::agent {

namespace {

// A prepared statement that finalizes itself.
struct Statement
{
    sqlite3_stmt *stmt = nullptr;
    Statement(sqlite3 *db, const char *sql) { sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr); }
    ~Statement() { sqlite3_finalize(stmt); }
    explicit operator bool() const { return stmt != nullptr; }
    void bind(int index, std::string_view bytes)
    {
        sqlite3_bind_blob(stmt, index, bytes.data(), int(bytes.size()), SQLITE_TRANSIENT);
    }
};

} // namespace

KvStore::KvStore(std::filesystem::path file, Quota quota)
    : m_file(std::move(file))
    , m_quota(quota)
{
}

KvStore::~KvStore()
{
    if (m_db)
        sqlite3_close(m_db);
}

std::string KvStore::lastError() const
{
    std::lock_guard lock(m_mutex);
    return m_lastError;
}

void KvStore::fail(std::string what)
{
    m_lastError = m_file.string() + ": " + what + (m_db ? std::string(": ") + sqlite3_errmsg(m_db) : "");
}

bool KvStore::open()
{
    if (m_db)
        return true;
    std::error_code ec;
    std::filesystem::create_directories(m_file.parent_path(), ec);
    if (sqlite3_open_v2(m_file.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr)
        != SQLITE_OK) {
        fail("cannot open");
        sqlite3_close(m_db);
        m_db = nullptr;
        return false;
    }
    // WAL + NORMAL: a committed set survives an agent crash; only power loss can take
    // the last few, and never corrupts the file.
    const char *setup = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                        "CREATE TABLE IF NOT EXISTS kv(key BLOB PRIMARY KEY, value BLOB NOT NULL)"
                        " WITHOUT ROWID;";
    if (sqlite3_exec(m_db, setup, nullptr, nullptr, nullptr) != SQLITE_OK) {
        fail("cannot set up");
        sqlite3_close(m_db);
        m_db = nullptr;
        return false;
    }
    Statement total(m_db, "SELECT coalesce(sum(length(key) + length(value)), 0) FROM kv");
    if (total && sqlite3_step(total.stmt) == SQLITE_ROW)
        m_totalBytes = std::uint64_t(sqlite3_column_int64(total.stmt, 0));
    return true;
}

std::optional<std::string> KvStore::getLocked(std::string_view key)
{
    Statement get(m_db, "SELECT value FROM kv WHERE key = ?1");
    if (!get)
        return std::nullopt;
    get.bind(1, key);
    if (sqlite3_step(get.stmt) != SQLITE_ROW)
        return std::nullopt;
    const auto *data = static_cast<const char *>(sqlite3_column_blob(get.stmt, 0));
    return std::string(data ? data : "", std::size_t(sqlite3_column_bytes(get.stmt, 0)));
}

std::optional<std::string> KvStore::get(std::string_view key)
{
    std::lock_guard lock(m_mutex);
    if (key.size() > m_quota.keyBytes || !open())
        return std::nullopt;
    return getLocked(key);
}

bool KvStore::set(std::string_view key, std::string_view value)
{
    std::lock_guard lock(m_mutex);
    if (key.size() > m_quota.keyBytes || value.size() > m_quota.valueBytes || !open())
        return false;
    const auto old = getLocked(key);
    const std::uint64_t oldBytes = old ? key.size() + old->size() : 0;
    const std::uint64_t total = m_totalBytes - oldBytes + key.size() + value.size();
    if (total > m_quota.totalBytes)
        return false;
    Statement put(m_db, "INSERT INTO kv(key, value) VALUES(?1, ?2)"
                        " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!put)
        return false;
    put.bind(1, key);
    put.bind(2, value);
    if (sqlite3_step(put.stmt) != SQLITE_DONE) {
        fail("cannot write");
        return false;
    }
    m_totalBytes = total;
    return true;
}

bool KvStore::remove(std::string_view key)
{
    std::lock_guard lock(m_mutex);
    if (key.size() > m_quota.keyBytes || !open())
        return false;
    const auto old = getLocked(key);
    if (!old)
        return false;
    Statement del(m_db, "DELETE FROM kv WHERE key = ?1");
    if (!del)
        return false;
    del.bind(1, key);
    if (sqlite3_step(del.stmt) != SQLITE_DONE) {
        fail("cannot delete");
        return false;
    }
    m_totalBytes -= key.size() + old->size();
    return true;
}

std::unique_ptr<KvStore> KvStore::forComponent(const std::string &directory, const std::string &component)
{
    if (directory.empty())
        return nullptr;
    return std::make_unique<KvStore>(std::filesystem::path(directory) / (component + ".sqlite"), Quota{});
}

} // namespace keel::agent
