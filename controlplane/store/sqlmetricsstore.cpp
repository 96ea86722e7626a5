#include "sqlmetricsstore.h"

#include "sqlconnection.h"

#include <QStringList>
#include <QVariant>

#include <algorithm>
#include <QVariant>

namespace Keel {

namespace {

// Buckets as text: "b1,b2,...;c1,c2,..." (bounds with full precision, counts as integers).
QString histogramToText(const HistogramDelta &h)
{
    QStringList bounds;
    for (double b : h.upperBounds)
        bounds.append(QString::number(b, 'g', 17));
    QStringList counts;
    for (quint64 c : h.counts)
        counts.append(QString::number(c));
    return bounds.join(u',') + u';' + counts.join(u',');
}

HistogramDelta histogramFromText(const QString &text, double sum)
{
    HistogramDelta h;
    const QStringList parts = text.split(u';');
    if (parts.size() != 2)
        return h;
    for (const QString &b : parts[0].split(u',', Qt::SkipEmptyParts))
        h.upperBounds.append(b.toDouble());
    for (const QString &c : parts[1].split(u',', Qt::SkipEmptyParts)) {
        h.counts.append(c.toULongLong());
        h.count += h.counts.last();
    }
    h.sum = sum;
    return h;
}

} // namespace

SqlMetricsStore::SqlMetricsStore(SqlConnection &sql)
    : m_sql(sql)
{
}

int SqlMetricsStore::addMinutes(const QList<MetricsMinute> &minutes, qint64 newFromMs)
{
    if (minutes.isEmpty())
        return 0;
    int refused = 0;
    SqlConnection::Transaction tx(m_sql);
    // Prepared once: a fleet's minute is tens of thousands of rows.
    SqlConnection::Statement select(m_sql, QStringLiteral("SELECT buckets, latency_sum, requests, errors, rss_bytes FROM metric_minutes"
                                                          " WHERE scope = ? AND scope_key = ? AND component = ? AND minute_ms = ?"));
    SqlConnection::Statement update(m_sql, QStringLiteral("UPDATE metric_minutes SET buckets = ?, latency_sum = ?, requests = ?,"
                                                          " errors = ?, rss_bytes = ?"
                                                          " WHERE scope = ? AND scope_key = ? AND component = ? AND minute_ms = ?"));
    SqlConnection::Statement insert(m_sql, QStringLiteral("INSERT INTO metric_minutes (scope, scope_key, component, minute_ms,"
                                                          " buckets, latency_sum, requests, errors, rss_bytes)"
                                                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (MetricsMinute m : minutes) {
        if (m.minuteMs >= newFromMs) {
            insert.run({m.scope, m.key, m.component, m.minuteMs, histogramToText(m.latency), m.latency.sum, qint64(m.requests),
                        qint64(m.errors), qint64(m.rssBytes)});
            continue;
        }
        QSqlQuery &existing = select.run({m.scope, m.key, m.component, m.minuteMs});
        if (existing.next()) {
            // A late report for a minute already written: add to it.
            const HistogramDelta stored = histogramFromText(existing.value(0).toString(), existing.value(1).toDouble());
            if (m.latency.count > 0 && stored.count > 0 && stored.upperBounds != m.latency.upperBounds) {
                ++refused;
                continue;
            }
            if (stored.count > 0) {
                if (m.latency.count == 0) {
                    m.latency = stored;
                } else {
                    for (qsizetype i = 0; i < m.latency.counts.size() && i < stored.counts.size(); ++i)
                        m.latency.counts[i] += stored.counts[i];
                    m.latency.count += stored.count;
                    m.latency.sum += stored.sum;
                }
            }
            m.requests += quint64(existing.value(2).toLongLong());
            m.errors += quint64(existing.value(3).toLongLong());
            m.rssBytes = std::max(m.rssBytes, quint64(existing.value(4).toLongLong()));
            existing.finish();
            update.run({histogramToText(m.latency), m.latency.sum, qint64(m.requests), qint64(m.errors), qint64(m.rssBytes),
                        m.scope, m.key, m.component, m.minuteMs});
            continue;
        }
        existing.finish();
        insert.run({m.scope, m.key, m.component, m.minuteMs, histogramToText(m.latency), m.latency.sum, qint64(m.requests),
                    qint64(m.errors), qint64(m.rssBytes)});
    }
    tx.commit();
    return refused;
}

QList<MetricsMinute> SqlMetricsStore::minutes(const QString &scope, const QString &key, const QString &component,
                                              qint64 sinceMs, qint64 untilMs)
{
    QList<MetricsMinute> result;
    QSqlQuery q = m_sql.run(QStringLiteral("SELECT minute_ms, buckets, latency_sum, requests, errors, rss_bytes FROM metric_minutes"
                                           " WHERE scope = ? AND scope_key = ? AND component = ? AND minute_ms >= ? AND minute_ms < ?"
                                           " ORDER BY minute_ms"),
                            {scope, key, component, sinceMs, untilMs});
    while (q.next()) {
        MetricsMinute m{scope, key, component, q.value(0).toLongLong(), histogramFromText(q.value(1).toString(), q.value(2).toDouble()),
                        quint64(q.value(3).toLongLong()), quint64(q.value(4).toLongLong()), quint64(q.value(5).toLongLong())};
        result.append(m);
    }
    return result;
}

int SqlMetricsStore::pruneMinutes(qint64 beforeMs)
{
    return m_sql.run(QStringLiteral("DELETE FROM metric_minutes WHERE minute_ms < ?"), {beforeMs}).numRowsAffected();
}

} // namespace Keel
