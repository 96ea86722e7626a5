#pragma once

#include "metricsstore.h"

namespace Keel {

class SqlConnection;

// MetricsStore over the control plane's SQL connection (owned by SqlStore).
class SqlMetricsStore final : public MetricsStore
{
public:
    explicit SqlMetricsStore(SqlConnection &sql);

    int addMinutes(const QList<MetricsMinute> &minutes, qint64 newFromMs) override;
    QList<MetricsMinute> minutes(const QString &scope, const QString &key, const QString &component, qint64 sinceMs,
                                 qint64 untilMs) override;
    int pruneMinutes(qint64 beforeMs) override;

private:
    SqlConnection &m_sql;
};

} // namespace Keel
