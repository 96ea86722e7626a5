#include "auditlog.h"

#include "accessstore.h"
#include "eventhub.h"
#include "servermetrics.h"
#include "storeerror.h"

#include <QLoggingCategory>

namespace Keel {

Q_LOGGING_CATEGORY(lcAudit, "keel.audit")

AuditLog::AuditLog(AccessStore &store, EventHub &events, ServerMetrics &metrics, int retentionDays, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_events(events)
    , m_metrics(metrics)
    , m_retentionDays(retentionDays)
    , m_sequence(store.lastAuditSequence())
{
    prune();
    m_pruneTimer.setInterval(std::chrono::hours(6));
    connect(&m_pruneTimer, &QTimer::timeout, this, &AuditLog::prune);
    m_pruneTimer.start();
}

void AuditLog::record(const QString &principal, const QString &principalId, const QString &action, const QString &target,
                      const QString &result)
{
    // A request may name a thousand regions; the record keeps the start of the list.
    constexpr qsizetype kMaxText = 512;
    auto bounded = [](const QString &text) {
        return text.size() <= kMaxText ? text : text.left(kMaxText - 1) + QChar(0x2026);
    };
    AuditRecord record{++m_sequence, QDateTime::currentDateTimeUtc(), bounded(principal), principalId, action,
                       bounded(target), bounded(result)};
    try {
        m_store.appendAudit(record);
    } catch (const StoreError &error) {
        m_metrics.storeError();
        m_metrics.auditWriteFailure();
        qCCritical(lcAudit, "cannot store audit record %llu (%s %s %s: %s): %s", record.sequence, qPrintable(principal),
                   qPrintable(action), qPrintable(target), qPrintable(result), error.what());
    }
    m_metrics.auditRecorded(result.startsWith(QLatin1String("ok")) ? "ok"
                            : result.startsWith(QLatin1String("denied")) ? "denied" : "error");
    m_events.publish(record);
}

QList<AuditRecord> AuditLog::read(const QDateTime &since, quint64 afterSequence, int limit)
{
    return m_store.audit(since, afterSequence, limit);
}

void AuditLog::prune()
{
    try {
        const int dropped = m_store.pruneAudit(QDateTime::currentDateTimeUtc().addDays(-m_retentionDays));
        if (dropped > 0)
            qCInfo(lcAudit, "dropped %d audit records older than %d days", dropped, m_retentionDays);
    } catch (const StoreError &error) {
        m_metrics.storeError();
        qCWarning(lcAudit, "cannot prune the audit log: %s", error.what());
    }
}

} // namespace Keel
