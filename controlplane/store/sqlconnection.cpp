#include "sqlconnection.h"

#include "migrations.h"
#include "store.h"

#include <QElapsedTimer>
#include <QSqlError>
#include <QUuid>
#include <QVariant>

namespace Keel {

void SqlConnection::fail(const QString &what, const QSqlError &error)
{
    throw StoreError(QStringLiteral("%1: %2").arg(what, error.text()).toStdString());
}

SqlConnection::SqlConnection(const QString &sqlitePath)
    : m_connectionName(QStringLiteral("keel-store-%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces)))
{
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(sqlitePath);
    if (!m_db.open())
        fail(QStringLiteral("opening the SQLite store %1").arg(sqlitePath), m_db.lastError());
    // SQLite-specific tuning lives here and nowhere else: WAL so a killed process loses
    // nothing committed; NORMAL sync is durable in WAL mode except on power loss.
    run(QStringLiteral("PRAGMA journal_mode=WAL"));
    run(QStringLiteral("PRAGMA synchronous=NORMAL"));
    run(QStringLiteral("PRAGMA foreign_keys=ON"));
    run(QStringLiteral("PRAGMA busy_timeout=5000"));
    migrate();
}

SqlConnection::~SqlConnection()
{
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

QSqlQuery SqlConnection::run(const QString &sql, const QVariantList &values)
{
    QElapsedTimer timer;
    timer.start();
    struct Report
    {
        const StatementObserver &observer;
        QElapsedTimer &timer;
        ~Report()
        {
            if (observer)
                observer(double(timer.nsecsElapsed()) / 1e9);
        }
    } report{m_observer, timer};
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        fail(QStringLiteral("preparing \"%1\"").arg(sql.left(60)), query.lastError());
    bind(query, values);
    if (!query.exec())
        fail(QStringLiteral("running \"%1\"").arg(sql.left(60)), query.lastError());
    return query;
}

void SqlConnection::bind(QSqlQuery &query, const QVariantList &values)
{
    for (qsizetype i = 0; i < values.size(); ++i) {
        const QVariant &value = values.at(i);
        // A null QString would bind as SQL NULL; our text columns mean "empty" by it.
        if (value.typeId() == QMetaType::QString && value.toString().isNull())
            query.bindValue(int(i), QStringLiteral(""));
        else
            query.bindValue(int(i), value);
    }
}

SqlConnection::Statement::Statement(SqlConnection &connection, const QString &sql)
    : m_connection(connection)
    , m_sql(sql)
    , m_query(connection.m_db)
{
    QElapsedTimer timer;
    timer.start();
    m_query.setForwardOnly(true);
    if (!m_query.prepare(sql))
        fail(QStringLiteral("preparing \"%1\"").arg(sql.left(60)), m_query.lastError());
    m_connection.observe(double(timer.nsecsElapsed()) / 1e9);
}

QSqlQuery &SqlConnection::Statement::run(const QVariantList &values)
{
    QElapsedTimer timer;
    timer.start();
    bind(m_query, values);
    if (!m_query.exec())
        fail(QStringLiteral("running \"%1\"").arg(m_sql.left(60)), m_query.lastError());
    m_connection.observe(double(timer.nsecsElapsed()) / 1e9);
    return m_query;
}

int SqlConnection::schemaVersion()
{
    QSqlQuery q = run(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    return q.next() ? q.value(0).toInt() : 0;
}

void SqlConnection::migrate()
{
    run(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                       " version INTEGER PRIMARY KEY,"
                       " description TEXT NOT NULL,"
                       " applied_ms BIGINT NOT NULL)"));
    const int current = schemaVersion();
    const int newest = schemaMigrations().isEmpty() ? 0 : schemaMigrations().constLast().version;
    if (current > newest) {
        throw StoreError(QStringLiteral("the store's schema is version %1 but this keel-controlplane knows "
                                        "only up to %2: run a newer keel-controlplane")
                             .arg(current).arg(newest).toStdString());
    }
    for (const Migration &migration : schemaMigrations()) {
        if (migration.version <= current)
            continue;
        Transaction tx(*this);
        for (const QString &statement : migration.statements)
            run(statement);
        run(QStringLiteral("INSERT INTO schema_migrations (version, description, applied_ms) VALUES (?, ?, ?)"),
            {migration.version, migration.description, QDateTime::currentMSecsSinceEpoch()});
        tx.commit();
    }
}

SqlConnection::Transaction::Transaction(SqlConnection &connection)
    : m_db(connection.m_db)
{
    if (!m_db.transaction())
        fail(QStringLiteral("beginning a transaction"), m_db.lastError());
}

SqlConnection::Transaction::~Transaction()
{
    if (!m_done)
        m_db.rollback();
}

void SqlConnection::Transaction::commit()
{
    if (!m_db.commit())
        fail(QStringLiteral("committing a transaction"), m_db.lastError());
    m_done = true;
}

} // namespace Keel
