#pragma once

#include "accesstypes.h"

#include <QObject>
#include <QTimer>

namespace Keel {

class AccessStore;
class EventHub;
class ServerMetrics;

// The audit log: one record per mutating operator request, allowed or denied, and per
// refused credential. Records are numbered without gaps, stored, published on the watch
// stream (topic audit) and pruned after the retention period.
class AuditLog final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kDefaultRetentionDays = 365;

    // Throws StoreError (reading the last sequence, first prune).
    AuditLog(AccessStore &store, EventHub &events, ServerMetrics &metrics, int retentionDays = kDefaultRetentionDays,
             QObject *parent = nullptr);

    // Never throws: a record that cannot be stored is logged and counted
    // (keel_audit_write_failures_total) and still published.
    void record(const QString &principal, const QString &principalId, const QString &action, const QString &target,
                const QString &result);

    // Oldest first. Throws StoreError.
    QList<AuditRecord> read(const QDateTime &since, quint64 afterSequence, int limit);

private:
    void prune();

    AccessStore &m_store;
    EventHub &m_events;
    ServerMetrics &m_metrics;
    int m_retentionDays;
    quint64 m_sequence = 0;
    QTimer m_pruneTimer;
};

} // namespace Keel
