#include "simreport.h"

#include "processsampler.h"
#include "simstats.h"

#include <QFile>
#include <QJsonDocument>

#include <sys/resource.h>

#include <cstdio>

namespace keel::fleetsim {

SimReport::SimReport(const SimOptions &options)
{
    const SimConfig &c = options.config;
    m_json.insert(QStringLiteral("config"),
                  QJsonObject{{QStringLiteral("server"), options.server},
                              {QStringLiteral("agents"), options.agents},
                              {QStringLiteral("regions"), QJsonArray::fromStringList(options.regions)},
                              {QStringLiteral("prefix"), options.prefix},
                              {QStringLiteral("threads"), options.threads},
                              {QStringLiteral("connect_rate"), c.connectRate},
                              {QStringLiteral("heartbeat_ms"), c.heartbeatMs},
                              {QStringLiteral("metrics_ms"), c.metricsMs},
                              {QStringLiteral("scenario"), SimOptions::scenarioName(options.scenario)},
                              {QStringLiteral("duration_seconds"), options.durationSeconds},
                              {QStringLiteral("nack_rate"), c.nackRate},
                              {QStringLiteral("drop_rate"), c.dropRate},
                              {QStringLiteral("delay_ms"), c.delayMs},
                              {QStringLiteral("fetch"), c.fetch}});
}

void SimReport::setRun(quint32 agents, quint32 admitted, quint32 readyAtEnd, double readySeconds, quint64 heapPerAgent,
                       quint64 rssPerAgent)
{
    m_json.insert(QStringLiteral("agents"), int(agents));
    m_json.insert(QStringLiteral("admitted"), int(admitted));
    m_json.insert(QStringLiteral("ready_at_end"), int(readyAtEnd));
    m_json.insert(QStringLiteral("ready_seconds"), readySeconds);
    m_json.insert(QStringLiteral("heap_bytes_per_agent"), double(heapPerAgent));
    m_json.insert(QStringLiteral("rss_bytes_per_agent"), double(rssPerAgent));
}

void SimReport::setScenario(const QJsonObject &scenario, const QJsonArray &storms, const QJsonObject &steady)
{
    m_json.insert(QStringLiteral("scenario"), scenario);
    m_json.insert(QStringLiteral("storms"), storms);
    m_json.insert(QStringLiteral("steady"), steady);
}

void SimReport::setOutcome(const SimStats &stats, const ReportLedger::Latencies &latencies, quint64 lost, const QString &error)
{
    auto n = [](const std::atomic<std::uint64_t> &v) { return double(v.load()); };
    m_json.insert(QStringLiteral("connects"), n(stats.connects));
    m_json.insert(QStringLiteral("welcomes"), n(stats.welcomes));
    m_json.insert(QStringLiteral("heartbeats_sent"), n(stats.heartbeats));
    m_json.insert(QStringLiteral("reports_sent"), n(stats.reportsSent));
    m_json.insert(QStringLiteral("reports_dropped"), n(stats.reportsDropped));
    m_json.insert(QStringLiteral("reports_seen"), double(latencies.seen));
    m_json.insert(QStringLiteral("reports_lost"), double(lost));
    m_json.insert(QStringLiteral("windows_unmatched"), double(latencies.unmatched));
    m_json.insert(QStringLiteral("desired_states_received"), n(stats.statesReceived));
    m_json.insert(QStringLiteral("acks_sent"), n(stats.acks));
    m_json.insert(QStringLiteral("nacks_sent"), n(stats.nacks));
    m_json.insert(QStringLiteral("artifacts_fetched"), n(stats.artifactsFetched));
    m_json.insert(QStringLiteral("fetch_chunks"), n(stats.fetchChunks));
    m_json.insert(QStringLiteral("fetch_bytes"), n(stats.fetchBytes));
    m_json.insert(QStringLiteral("frames_ignored"), n(stats.ignoredFrames));
    m_json.insert(QStringLiteral("report_to_watch_ms"),
                  QJsonObject{{QStringLiteral("samples"), double(latencies.samples)},
                              {QStringLiteral("p50"), latencies.p50Ms},
                              {QStringLiteral("p90"), latencies.p90Ms},
                              {QStringLiteral("p99"), latencies.p99Ms},
                              {QStringLiteral("max"), latencies.maxMs}});
    QJsonObject errors;
    for (const auto &[kind, count] : stats.errors())
        errors.insert(QString::fromStdString(kind), double(count));
    m_json.insert(QStringLiteral("errors"), errors);
    struct rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    const double cpu = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    const auto self = ProcessSampler::sample(0);
    m_json.insert(QStringLiteral("sim"), QJsonObject{{QStringLiteral("cpu_seconds"), cpu},
                                                     {QStringLiteral("peak_rss_bytes"), double(self.peakRssBytes)},
                                                     {QStringLiteral("rss_bytes"), double(self.rssBytes)}});
    m_json.insert(QStringLiteral("ok"), error.isEmpty());
    if (!error.isEmpty())
        m_json.insert(QStringLiteral("error"), error);
}

bool SimReport::write(const QString &file) const
{
    if (file.isEmpty())
        return true;
    const QByteArray text = QJsonDocument(m_json).toJson(QJsonDocument::Indented);
    if (file == QLatin1String("-")) {
        std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
        std::fflush(stdout);
        return true;
    }
    QFile out(file);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(text) != text.size()) {
        std::fprintf(stderr, "keel-fleetsim: cannot write the report to %s: %s\n", qPrintable(file), qPrintable(out.errorString()));
        return false;
    }
    return true;
}

QString SimReport::summary() const
{
    const auto j = m_json;
    auto num = [&](const char *key) { return j.value(QLatin1String(key)).toDouble(); };
    const QJsonObject latency = j.value(QStringLiteral("report_to_watch_ms")).toObject();
    QString text = QStringLiteral("keel-fleetsim: %1 of %2 agents admitted, ready after %3 s; heap %4 B per agent\n")
                       .arg(num("admitted")).arg(num("agents")).arg(num("ready_seconds"), 0, 'f', 2).arg(num("heap_bytes_per_agent"));
    text += QStringLiteral("  sent: %1 heartbeats, %2 reports (%3 dropped on purpose), %4 acks, %5 nacks; %6 desired states received\n")
                .arg(num("heartbeats_sent")).arg(num("reports_sent")).arg(num("reports_dropped")).arg(num("acks_sent"))
                .arg(num("nacks_sent")).arg(num("desired_states_received"));
    text += QStringLiteral("  report->watch: p50 %1 ms, p90 %2 ms, p99 %3 ms, max %4 ms over %5; lost %6\n")
                .arg(latency.value(QStringLiteral("p50")).toDouble(), 0, 'f', 1).arg(latency.value(QStringLiteral("p90")).toDouble(), 0, 'f', 1)
                .arg(latency.value(QStringLiteral("p99")).toDouble(), 0, 'f', 1).arg(latency.value(QStringLiteral("max")).toDouble(), 0, 'f', 1)
                .arg(latency.value(QStringLiteral("samples")).toDouble()).arg(num("reports_lost"));
    const QJsonObject sim = j.value(QStringLiteral("sim")).toObject();
    text += QStringLiteral("  sim: %1 CPU s, peak RSS %2 MiB\n")
                .arg(sim.value(QStringLiteral("cpu_seconds")).toDouble(), 0, 'f', 2)
                .arg(sim.value(QStringLiteral("peak_rss_bytes")).toDouble() / 1048576.0, 0, 'f', 1);
    const QJsonObject errors = j.value(QStringLiteral("errors")).toObject();
    if (!errors.isEmpty()) {
        QStringList parts;
        for (auto it = errors.begin(); it != errors.end(); ++it)
            parts.append(QStringLiteral("%1 %2").arg(it.key()).arg(it.value().toDouble()));
        text += QStringLiteral("  errors: ") + parts.join(QStringLiteral(", ")) + u'\n';
    }
    if (j.contains(QStringLiteral("error")))
        text += QStringLiteral("  FAILED: ") + j.value(QStringLiteral("error")).toString() + u'\n';
    return text;
}

} // namespace keel::fleetsim
