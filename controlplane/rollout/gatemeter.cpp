#include "gatemeter.h"

#include <algorithm>
#include <cmath>

namespace Keel {

namespace {

// "100%", "5%", "2.5%", "0.1%"
QString percent(double share)
{
    const double p = share * 100;
    return QString::number(p, 'f', p >= 10 || p == std::floor(p) ? 0 : (p >= 1 ? 1 : 2)) + u'%';
}

QString milliseconds(double ms)
{
    return QString::number(ms, 'f', ms >= 100 ? 0 : (ms >= 10 ? 1 : 2)) + QStringLiteral(" ms");
}

QString duration(double seconds)
{
    if (seconds < 120)
        return QString::number(std::lround(seconds)) + QStringLiteral(" s");
    if (seconds < 7200)
        return QString::number(std::lround(seconds / 60)) + QStringLiteral(" min");
    return QString::number(seconds / 3600, 'f', 1) + QStringLiteral(" h");
}

QString ratio(double r)
{
    // "10×", "3.8×", "3×": two significant digits, whole numbers from ten on.
    return (r >= 9.95 ? QString::number(std::lround(r)) : QString::number(r, 'g', 2)) + QStringLiteral("×");
}

} // namespace

void GateMeter::Tally::add(const ComponentMetricsDelta &delta)
{
    if (!latency.add(delta.latency))
        return; // other buckets: FleetMetrics counts and refuses these too
    requests += delta.requests;
    errors += delta.errors;
}

void GateMeter::reset(Window window)
{
    m_window = std::move(window);
    m_nodes.clear();
    m_total = {};
    m_baseline = {};
    m_baselineSeen.clear();
}

void GateMeter::add(const QString &node, const MetricsReport &report)
{
    if (!m_window.since.isValid() || report.windowEnd <= m_window.since)
        return;
    const bool wave = m_window.waveNodes.contains(node);
    const bool baseline = !wave && !m_window.baselineVersion.isEmpty() && m_window.baselineNodes.contains(node);
    if (!wave && !baseline)
        return;
    for (const ComponentMetricsDelta &delta : report.components) {
        if (delta.component != m_window.component)
            continue;
        if (wave && delta.version == m_window.version) {
            m_nodes[node].add(delta);
            m_total.add(delta);
        } else if (baseline && delta.version == m_window.baselineVersion) {
            m_baseline.add(delta);
            if (delta.requests > 0)
                m_baselineSeen.insert(node);
        }
    }
}

double GateMeter::seconds(const QDateTime &now) const
{
    return std::max(0.0, m_window.since.msecsTo(now) / 1000.0);
}

std::optional<double> GateMeter::baselineP99Ms() const
{
    if (m_baseline.latency.count() == 0)
        return std::nullopt;
    return m_baseline.latency.quantile(0.99) * 1000;
}

QList<GateResult> GateMeter::evaluate(const RolloutGates &gates, const QDateTime &now,
                                      std::optional<double> fallbackBaselineP99Ms) const
{
    QList<GateResult> results;
    const quint64 requests = m_total.requests;
    const bool measured = requests > 0;
    const QString over = QStringLiteral("over %1 (%2 requests)").arg(duration(seconds(now))).arg(requests);
    results.append({QStringLiteral("min_requests"), double(requests), double(gates.minRequests), requests >= gates.minRequests,
                    true, requests, QStringLiteral("%1 of %2 requests on the wave's nodes").arg(requests).arg(gates.minRequests)});
    if (gates.maxErrorRate) {
        const double rate = measured ? double(m_total.errors) / double(requests) : 0;
        results.append({QStringLiteral("error_rate"), rate, *gates.maxErrorRate, rate <= *gates.maxErrorRate + 1e-12, measured,
                        requests, QStringLiteral("%1 5xx answers %2").arg(m_total.errors).arg(over)});
    }
    const double p99 = measured ? m_total.latency.quantile(0.99) * 1000 : 0;
    if (gates.maxP99Ms) {
        results.append({QStringLiteral("p99_ms"), p99, *gates.maxP99Ms, p99 <= *gates.maxP99Ms, measured, requests,
                        QStringLiteral("p99 %1 %2").arg(milliseconds(p99), over)});
    }
    if (gates.maxP99Regression) {
        GateResult gate{QStringLiteral("p99_regression"), 0, *gates.maxP99Regression, true, false, requests, {}};
        std::optional<double> base = baselineP99Ms();
        QString from = QStringLiteral("%1@%2 on %3 node(s) over the same window")
                           .arg(m_window.component, m_window.baselineVersion)
                           .arg(m_baselineSeen.size());
        if (!base && fallbackBaselineP99Ms) {
            base = fallbackBaselineP99Ms;
            from = QStringLiteral("%1@%2 as last measured (no node runs it now)").arg(m_window.component, m_window.baselineVersion);
        }
        if (m_window.baselineVersion.isEmpty()) {
            gate.detail = QStringLiteral("no baseline version to compare with");
        } else if (!base) {
            gate.detail = QStringLiteral("no baseline traffic to compare with yet");
        } else if (measured) {
            // A baseline faster than the smallest bucket would make any ratio meaningless.
            const double floorMs = 0.5;
            gate.value = p99 / std::max(*base, floorMs);
            gate.measured = true;
            gate.passed = gate.value <= gate.threshold;
            gate.detail = QStringLiteral("p99 %1 against %2 for %3").arg(milliseconds(p99), milliseconds(*base), from);
        }
        results.append(gate);
    }
    return results;
}

QStringList GateMeter::worstNodes(const GateResult &gate) const
{
    QStringList nodes;
    for (auto it = m_nodes.cbegin(); it != m_nodes.cend(); ++it) {
        const Tally &t = it.value();
        if (t.requests == 0)
            continue;
        bool breaks = false;
        if (gate.name == QLatin1String("error_rate"))
            breaks = double(t.errors) / double(t.requests) > gate.threshold;
        else if (gate.name == QLatin1String("p99_ms"))
            breaks = t.latency.quantile(0.99) * 1000 > gate.threshold;
        else if (gate.name == QLatin1String("p99_regression"))
            breaks = gate.value > 0 && t.latency.quantile(0.99) * 1000 / (m_total.latency.quantile(0.99) * 1000 / gate.value) > gate.threshold;
        if (breaks)
            nodes.append(it.key());
    }
    if (nodes.isEmpty()) // the wave as a whole broke it
        nodes = QStringList(m_window.waveNodes.cbegin(), m_window.waveNodes.cend());
    nodes.sort();
    return nodes;
}

RolloutFailure GateMeter::explain(const GateResult &gate, const QDateTime &now) const
{
    RolloutFailure failure{gate.name, worstNodes(gate), gate.value, gate.threshold, {}};
    const QString on = failure.nodes.join(QStringLiteral(", "));
    const QString over = QStringLiteral("over %1 (%2 requests)").arg(duration(seconds(now))).arg(m_total.requests);
    if (gate.name == QLatin1String("error_rate")) {
        failure.sentence = QStringLiteral("error rate %1 on %2 %3 exceeded %4")
                               .arg(percent(gate.value), on, over, percent(gate.threshold));
    } else if (gate.name == QLatin1String("p99_ms")) {
        failure.sentence = QStringLiteral("p99 latency %1 on %2 %3 exceeded %4")
                               .arg(milliseconds(gate.value), on, over, milliseconds(gate.threshold));
    } else if (gate.name == QLatin1String("p99_regression")) {
        failure.sentence = QStringLiteral("p99 latency %1 the baseline's on %2 %3 exceeded %4 (%5)")
                               .arg(ratio(gate.value), on, over, ratio(gate.threshold), gate.detail);
    } else if (gate.name == QLatin1String("min_requests")) {
        failure.sentence = QStringLiteral("only %1 requests reached %2@%3 on %4 in %5 (at least %6 needed to judge it) before the deadline")
                               .arg(quint64(gate.value))
                               .arg(m_window.component, m_window.version, on, duration(seconds(now)))
                               .arg(quint64(gate.threshold));
    } else {
        failure.sentence = gate.detail;
    }
    return failure;
}

} // namespace Keel
