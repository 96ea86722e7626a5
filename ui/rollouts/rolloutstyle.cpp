#include "rolloutstyle.h"

#include "common/statuscolors.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QLocale>
#include <QPalette>

#include <cmath>

namespace Keel::RolloutStyle {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Keel::RolloutStyle", text);
}

// At most two decimals, none that say nothing: "0.8", "12.5", "100".
QString number(double value)
{
    const double magnitude = std::abs(value);
    QString text = QLocale().toString(value, 'f', magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2);
    const QString point = QLocale().decimalPoint();
    if (text.contains(point)) {
        while (text.endsWith(u'0'))
            text.chop(1);
        if (text.endsWith(point))
            text.chop(point.size());
    }
    return text;
}

} // namespace

QColor inProgress()
{
    return qobject_cast<QGuiApplication *>(QCoreApplication::instance())
        ? QGuiApplication::palette().color(QPalette::Highlight)
        : QColor(0x30, 0x7f, 0xd9);
}

bool isRunning(WaveState state)
{
    return state == WaveState::Switching || state == WaveState::Baking;
}

QColor color(RolloutState state)
{
    switch (state) {
    case RolloutState::Pending: return StatusColors::inactive();
    case RolloutState::Progressing: return inProgress();
    case RolloutState::Paused: return StatusColors::degraded();
    case RolloutState::Succeeded: return StatusColors::healthy();
    case RolloutState::Failed:
    case RolloutState::RolledBack: return StatusColors::failing();
    case RolloutState::Aborted: return StatusColors::inactive();
    }
    return StatusColors::inactive();
}

QColor color(WaveState state)
{
    switch (state) {
    case WaveState::Pending: return StatusColors::inactive();
    case WaveState::Switching:
    case WaveState::Baking: return inProgress();
    case WaveState::WaitingForTraffic: return StatusColors::degraded();
    case WaveState::Passed: return StatusColors::healthy();
    case WaveState::Failed:
    case WaveState::Reverted: return StatusColors::failing();
    }
    return StatusColors::inactive();
}

QString word(RolloutState state)
{
    switch (state) {
    case RolloutState::Pending: return tr("pending");
    case RolloutState::Progressing: return tr("progressing");
    case RolloutState::Paused: return tr("paused");
    case RolloutState::Succeeded: return tr("succeeded");
    case RolloutState::Failed: return tr("failed");
    case RolloutState::RolledBack: return tr("rolled back");
    case RolloutState::Aborted: return tr("aborted");
    }
    return tr("unknown");
}

QString word(WaveState state)
{
    switch (state) {
    case WaveState::Pending: return tr("pending");
    case WaveState::Switching: return tr("switching");
    case WaveState::Baking: return tr("baking");
    case WaveState::WaitingForTraffic: return tr("waiting for traffic");
    case WaveState::Passed: return tr("passed");
    case WaveState::Failed: return tr("failed");
    case WaveState::Reverted: return tr("reverted");
    }
    return tr("unknown");
}

QString gateLabel(const QString &gate)
{
    if (gate == QLatin1String("error_rate"))
        return tr("Error rate");
    if (gate == QLatin1String("p99_ms"))
        return tr("p99 latency");
    if (gate == QLatin1String("p99_regression"))
        return tr("p99 regression");
    if (gate == QLatin1String("min_requests"))
        return tr("Requests");
    if (gate == QLatin1String("ack"))
        return tr("Nodes switched");
    return gate;
}

QString gateUnit(const QString &gate)
{
    if (gate == QLatin1String("error_rate"))
        return QStringLiteral("%");
    if (gate == QLatin1String("p99_ms"))
        return QStringLiteral("ms");
    if (gate == QLatin1String("p99_regression"))
        return QStringLiteral("×");
    if (gate == QLatin1String("min_requests"))
        return tr("requests");
    if (gate == QLatin1String("ack"))
        return tr("nodes");
    return {};
}

double gateScale(const QString &gate, double value)
{
    return gate == QLatin1String("error_rate") ? value * 100 : value;
}

QString gateValueText(const QString &gate, double value)
{
    const QString unit = gateUnit(gate);
    const QString text = number(gateScale(gate, value));
    // "1.3×" and "5%" read as one token; the other units are words apart.
    return unit == QStringLiteral("×") ? text + unit : text + u' ' + unit;
}

QString gateText(const GateResult &gate)
{
    const QString label = gateLabel(gate.name);
    if (!gate.measured)
        return tr("%1: not measured yet%2").arg(label, gate.detail.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(gate.detail));
    // min_requests and ack pass at or above their threshold; the others at or below.
    // Their values are counts the label names already: "Requests 40 ≥ 10".
    const bool atLeast = gate.name == QLatin1String("min_requests") || gate.name == QLatin1String("ack");
    const auto value = [&](double v) { return atLeast ? number(v) : gateValueText(gate.name, v); };
    return tr("%1 %2 %3 %4 — %5")
        .arg(label, value(gate.value), atLeast ? QStringLiteral("≥") : QStringLiteral("≤"), value(gate.threshold),
             gate.passed ? tr("ok") : atLeast ? tr("not yet") : tr("FAILED"));
}

QString durationText(int seconds)
{
    if (seconds >= 3600 && seconds % 3600 == 0)
        return tr("%1 h").arg(seconds / 3600);
    if (seconds >= 60 && seconds % 60 == 0)
        return tr("%1 min").arg(seconds / 60);
    return tr("%1 s").arg(seconds);
}

QString specText(const RolloutSpec &spec)
{
    QStringList parts;
    if (spec.strategy == RolloutStrategy::Rolling) {
        parts << (spec.batch.nodes > 0 ? (spec.batch.nodes == 1 ? tr("rolling, 1 node a wave") : tr("rolling, %1 nodes a wave").arg(spec.batch.nodes))
                                       : tr("rolling, %1 of the nodes a wave").arg(spec.batch.text()));
    } else {
        QStringList steps;
        for (const RolloutStep &step : spec.steps)
            steps << step.text();
        parts << tr("canary, steps %1").arg(steps.join(QStringLiteral(", ")));
        if (spec.pauseAfterStep)
            parts.last() += tr(", pausing after each");
    }
    parts << tr("bake %1").arg(durationText(spec.bakeSeconds));
    QStringList gates;
    if (spec.gates.maxErrorRate)
        gates << tr("errors ≤ %1").arg(gateValueText(QStringLiteral("error_rate"), *spec.gates.maxErrorRate));
    if (spec.gates.maxP99Ms)
        gates << tr("p99 ≤ %1").arg(gateValueText(QStringLiteral("p99_ms"), *spec.gates.maxP99Ms));
    if (spec.gates.maxP99Regression)
        gates << tr("p99 ≤ %1 the baseline's").arg(gateValueText(QStringLiteral("p99_regression"), *spec.gates.maxP99Regression));
    gates << (spec.gates.minRequests == 0 ? tr("no minimum of requests") : tr("at least %1 requests").arg(spec.gates.minRequests));
    parts << tr("gates: %1").arg(gates.join(QStringLiteral(", ")));
    parts << (spec.onFailure == RolloutFailureAction::Rollback ? tr("on failure roll back") : tr("on failure pause"));
    parts << tr("deadline %1").arg(durationText(spec.deadlineSeconds));
    return parts.join(QStringLiteral(" · "));
}

QString changeText(const Rollout &rollout)
{
    return tr("%1 %2 → %3")
        .arg(rollout.spec.component, rollout.baselineVersion.isEmpty() ? tr("(none)") : rollout.baselineVersion,
             rollout.spec.version);
}

QString failureSentence(const Rollout &rollout)
{
    if (!rollout.failure.isSet())
        return {};
    QString what = rollout.failure.sentence;
    while (what.endsWith(u'.'))
        what.chop(1);
    switch (rollout.state) {
    case RolloutState::RolledBack: return tr("Rolled back: %1.").arg(what);
    case RolloutState::Failed: return tr("Failed, rolling back: %1.").arg(what);
    case RolloutState::Paused: return tr("Paused by a failed gate: %1.").arg(what);
    case RolloutState::Aborted: return tr("Aborted after a failed gate: %1.").arg(what);
    default: return {};
    }
}

} // namespace Keel::RolloutStyle
