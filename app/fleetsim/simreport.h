#pragma once

#include "reportledger.h"
#include "simoptions.h"

#include <QJsonArray>
#include <QJsonObject>

namespace keel::fleetsim {

class SimStats;

// What a run saw, as JSON (--report FILE, '-' for stdout) and as a few lines for people.
class SimReport final
{
public:
    explicit SimReport(const SimOptions &options);

    void setRun(quint32 agents, quint32 admitted, quint32 readyAtEnd, double readySeconds, quint64 heapPerAgent,
                quint64 rssPerAgent);
    void setScenario(const QJsonObject &scenario, const QJsonArray &storms, const QJsonObject &steady);
    void setOutcome(const SimStats &stats, const ReportLedger::Latencies &latencies, quint64 lost, const QString &error);

    QJsonObject json() const { return m_json; }
    // False when the file cannot be written (said on stderr). No file given: nothing to do.
    bool write(const QString &file) const;
    QString summary() const;

private:
    QJsonObject m_json;
};

} // namespace keel::fleetsim
