#pragma once

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariantList>

#include <functional>

class QSqlError;

namespace Keel {

// One open database and the few things every Sql*Store needs from it: prepared
// statements that throw StoreError, transactions that roll back when left by an
// exception, and the versioned migrations. Only open() knows the file is SQLite.
class SqlConnection final
{
public:
    // Opens (creating if needed) the SQLite file and migrates its schema. Throws StoreError.
    explicit SqlConnection(const QString &sqlitePath);
    ~SqlConnection();

    SqlConnection(const SqlConnection &) = delete;
    SqlConnection &operator=(const SqlConnection &) = delete;

    // Prepares and runs one statement; positional values in order. Throws StoreError.
    QSqlQuery run(const QString &sql, const QVariantList &values = {});
    // Told how long every statement took (prepare, bind, execute), for the store-latency
    // metric. Called on the connection's thread.
    using StatementObserver = std::function<void(double seconds)>;
    void setStatementObserver(StatementObserver observer) { m_observer = std::move(observer); }
    int schemaVersion();

    // One statement prepared once and run many times: bulk writes (thousands of rows in
    // one transaction) would otherwise pay a prepare per row. Throws StoreError.
    class Statement
    {
    public:
        Statement(SqlConnection &connection, const QString &sql);
        // Binds `values` in order and runs; the query is valid until the next run().
        QSqlQuery &run(const QVariantList &values);

        Statement(const Statement &) = delete;
        Statement &operator=(const Statement &) = delete;

    private:
        SqlConnection &m_connection;
        QString m_sql;
        QSqlQuery m_query;
    };

    // Commits on commit(), rolls back when left by an exception.
    class Transaction
    {
    public:
        explicit Transaction(SqlConnection &connection);
        ~Transaction();
        void commit();

        Transaction(const Transaction &) = delete;
        Transaction &operator=(const Transaction &) = delete;

    private:
        QSqlDatabase &m_db;
        bool m_done = false;
    };

    static qint64 toMs(const QDateTime &t) { return t.isValid() ? t.toMSecsSinceEpoch() : 0; }
    static QDateTime fromMs(qint64 v) { return v > 0 ? QDateTime::fromMSecsSinceEpoch(v, Qt::UTC) : QDateTime(); }

    [[noreturn]] static void fail(const QString &what, const QSqlError &error);

private:
    void migrate();
    static void bind(QSqlQuery &query, const QVariantList &values);
    void observe(double seconds) const
    {
        if (m_observer)
            m_observer(seconds);
    }

    QSqlDatabase m_db;
    QString m_connectionName;
    StatementObserver m_observer;
};

} // namespace Keel
