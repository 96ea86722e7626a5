#include "rolloutcommands.h"

#include "keelctl.h"
#include "outputformat.h"
#include "rolloutjson.h"
#include "timeargument.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>

namespace Keel {

namespace {

QString percent(double share)
{
    return QString::number(share * 100, 'g', 3) + u'%';
}

QString gateText(const GateResult &gate)
{
    if (gate.name == QLatin1String("ack"))
        return QStringLiteral("ack %1/%2").arg(gate.value).arg(gate.threshold);
    if (!gate.measured)
        return QStringLiteral("%1 –").arg(gate.name);
    const QString mark = gate.passed ? QStringLiteral("ok") : QStringLiteral("FAILED");
    if (gate.name == QLatin1String("error_rate"))
        return QStringLiteral("errors %1 ≤ %2 %3").arg(percent(gate.value), percent(gate.threshold), mark);
    if (gate.name == QLatin1String("p99_ms"))
        return QStringLiteral("p99 %1 ms ≤ %2 ms %3").arg(gate.value, 0, 'f', 1).arg(gate.threshold).arg(mark);
    if (gate.name == QLatin1String("p99_regression"))
        return QStringLiteral("p99 %1× ≤ %2× %3").arg(gate.value, 0, 'f', 2).arg(gate.threshold).arg(mark);
    if (gate.name == QLatin1String("min_requests"))
        return QStringLiteral("requests %1/%2").arg(quint64(gate.value)).arg(quint64(gate.threshold));
    return QStringLiteral("%1 %2 %3").arg(gate.name).arg(gate.value).arg(mark);
}

std::optional<double> number(const QCommandLineParser &parser, const QString &name, QString *error)
{
    if (!parser.isSet(name))
        return std::nullopt;
    bool ok = false;
    const QString text = parser.value(name);
    const double value = text.endsWith(u'%') ? text.chopped(1).toDouble(&ok) / 100 : text.toDouble(&ok);
    if (!ok)
        *error = QStringLiteral("--%1 \"%2\" is not a number").arg(name, text);
    return value;
}

} // namespace

QList<QCommandLineOption> RolloutCommands::options()
{
    auto valued = [](const char *name, const char *value) {
        return QCommandLineOption(QLatin1String(name), {}, QLatin1String(value));
    };
    return {valued("strategy", "rolling|canary"), valued("batch", "N|P%"), valued("bake", "DURATION"),
            valued("steps", "S,..."), QCommandLineOption(QStringLiteral("pause-after-step")), valued("order", "R,...|by-jurisdiction"),
            valued("max-error-rate", "F"), valued("max-p99-ms", "MS"), valued("max-p99-regression", "R"),
            valued("min-requests", "N"), valued("on-failure", "rollback|pause"), valued("deadline", "DURATION"),
            QCommandLineOption(QStringLiteral("watch"))};
}

QString RolloutCommands::usage()
{
    return QStringLiteral(
        "  rollout start NAME@VERSION --to SELECTOR [--strategy rolling|canary] [--batch N|P%]\n"
        "                 [--steps 1,10%,50%,100%] [--bake DURATION] [--pause-after-step]\n"
        "                 [--order R1,R2,...|by-jurisdiction] [--max-error-rate F] [--max-p99-ms MS]\n"
        "                 [--max-p99-regression R] [--min-requests N] [--on-failure rollback|pause]\n"
        "                 [--deadline DURATION] [--skip-disallowed]\n"
        "                                     replace the version the selected nodes run, wave by wave,\n"
        "                                     each baked and judged by its health gates (operator);\n"
        "                                     defaults: rolling, --batch 25%, --bake 30s, errors ≤ 5%,\n"
        "                                     --min-requests 10, --on-failure rollback, --deadline 1h;\n"
        "                                     refused when the residency policy forbids the version on\n"
        "                                     some selected nodes, unless --skip-disallowed leaves them out\n"
        "  rollout status ID [--watch]        waves, gates and failure; --watch follows it to the end\n"
        "                                     (exit 0 when it succeeds, 1 when it does not)\n"
        "  rollout list [--component C]       rollouts, newest first\n"
        "  rollout pause|resume|abort|rollback ID\n"
        "                                     hold, go on, stop and return switched nodes to the\n"
        "                                     baseline, or return every node to it (operator)\n");
}

std::optional<QString> RolloutCommands::read(const QCommandLineParser &parser, CtlInvocation &inv)
{
    RolloutSpec &spec = inv.rollout;
    QString error;
    if (parser.isSet(QStringLiteral("strategy"))) {
        const auto strategy = rolloutStrategyFromText(parser.value(QStringLiteral("strategy")));
        if (!strategy)
            return QStringLiteral("--strategy \"%1\" is not a strategy: use rolling or canary").arg(parser.value(QStringLiteral("strategy")));
        spec.strategy = *strategy;
    }
    if (parser.isSet(QStringLiteral("batch"))) {
        const auto batch = RolloutStep::parse(parser.value(QStringLiteral("batch")), &error);
        if (!batch)
            return QStringLiteral("--batch: ") + error;
        spec.batch = *batch;
    }
    if (parser.isSet(QStringLiteral("steps"))) {
        if (!parser.isSet(QStringLiteral("strategy")))
            spec.strategy = RolloutStrategy::Canary;
        if (spec.strategy != RolloutStrategy::Canary)
            return QStringLiteral("--steps belongs to --strategy canary; a rolling rollout takes --batch");
        for (const QString &text : parser.value(QStringLiteral("steps")).split(u',', Qt::SkipEmptyParts)) {
            const auto step = RolloutStep::parse(text, &error);
            if (!step)
                return QStringLiteral("--steps: ") + error;
            spec.steps.append(*step);
        }
    }
    for (auto [name, target] : {std::pair{"bake", &spec.bakeSeconds}, std::pair{"deadline", &spec.deadlineSeconds}}) {
        if (!parser.isSet(QLatin1String(name)))
            continue;
        const auto seconds = TimeArgument::seconds(parser.value(QLatin1String(name)));
        if (!seconds || *seconds > 30LL * 86400)
            return QStringLiteral("--%1 \"%2\" is not a duration: use 10s, 5m, 1h").arg(QLatin1String(name), parser.value(QLatin1String(name)));
        *target = int(*seconds);
    }
    spec.pauseAfterStep = parser.isSet(QStringLiteral("pause-after-step"));
    if (parser.isSet(QStringLiteral("order"))) {
        const QString order = parser.value(QStringLiteral("order"));
        if (order == QLatin1String("by-jurisdiction"))
            spec.orderByJurisdiction = true;
        else
            spec.regionOrder = order.split(u',', Qt::SkipEmptyParts);
    }
    spec.gates.maxErrorRate = parser.isSet(QStringLiteral("max-error-rate")) ? number(parser, QStringLiteral("max-error-rate"), &error)
                                                                               : spec.gates.maxErrorRate;
    spec.gates.maxP99Ms = number(parser, QStringLiteral("max-p99-ms"), &error);
    spec.gates.maxP99Regression = number(parser, QStringLiteral("max-p99-regression"), &error);
    if (!error.isEmpty())
        return error;
    if (parser.isSet(QStringLiteral("min-requests"))) {
        bool ok = false;
        spec.gates.minRequests = parser.value(QStringLiteral("min-requests")).toULongLong(&ok);
        if (!ok)
            return QStringLiteral("--min-requests \"%1\" is not a whole number").arg(parser.value(QStringLiteral("min-requests")));
    }
    if (parser.isSet(QStringLiteral("on-failure"))) {
        const auto action = rolloutFailureActionFromText(parser.value(QStringLiteral("on-failure")));
        if (!action)
            return QStringLiteral("--on-failure \"%1\": use rollback or pause").arg(parser.value(QStringLiteral("on-failure")));
        spec.onFailure = *action;
    }
    inv.watch = parser.isSet(QStringLiteral("watch"));
    return std::nullopt;
}

RolloutCommands::RolloutCommands(KeelClient &client, const CtlInvocation &invocation, Succeed succeed, Fail fail)
    : m_client(client)
    , m_invocation(invocation)
    , m_succeed(std::move(succeed))
    , m_fail(std::move(fail))
{
}

void RolloutCommands::start()
{
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.startRollout(m_invocation.rollout, [this](const Result<Rollout> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const Rollout &r = std::get<Rollout>(result);
        if (m_invocation.json)
            return m_succeed(OutputFormat::jsonText(QJsonObject{{QStringLiteral("id"), r.id}}));
        m_succeed(QStringLiteral("%1\n").arg(r.id));
    });
}

void RolloutCommands::status()
{
    const QString id = m_invocation.command.at(2);
    m_client.open(m_invocation.server, m_invocation.token);
    if (m_invocation.watch)
        return watch(id);
    m_client.getRollout(id, [this](const Result<Rollout> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const Rollout &r = std::get<Rollout>(result);
        m_succeed(m_invocation.json ? OutputFormat::jsonText(RolloutJson::toJson(r)) : statusText(r));
    });
}

void RolloutCommands::watch(const QString &id)
{
    QObject::connect(&m_client, &KeelClient::rolloutProgressed, &m_client, [this, id](const RolloutEvent &event) {
        if (event.rollout.id == id)
            show(event.rollout, event.event);
    });
    // Watch first, then read: no transition can fall between the two.
    m_client.watch({WatchTopic::Rollouts}, 0, [this, id](const Result<quint64> &watching) {
        if (const auto *error = std::get_if<WireError>(&watching))
            return m_fail(error->message);
        m_client.getRollout(id, [this](const Result<Rollout> &result) {
            if (const auto *error = std::get_if<WireError>(&result))
                return m_fail(error->message);
            const Rollout &rollout = std::get<Rollout>(result);
            show(rollout, rollout.message);
        });
    });
}

void RolloutCommands::show(const Rollout &rollout, const QString &event)
{
    const bool evaluation = event.endsWith(QLatin1String("gates evaluated"));
    if (m_invocation.json) {
        QJsonObject object = RolloutJson::toJson(rollout);
        object.insert(QStringLiteral("event"), event);
        std::fputs(qPrintable(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)) + u'\n'), stdout);
    } else if (!evaluation && event != m_lastEvent) {
        const QString when = QDateTime::currentDateTimeUtc().toString(QStringLiteral("HH:mm:ss"));
        std::fputs(qPrintable(QStringLiteral("%1  %2  %3  %4\n").arg(when, rollout.id, toText(rollout.state), event)), stdout);
        m_lastEvent = event;
    }
    std::fflush(stdout);
    if (isActive(rollout.state))
        return;
    if (rollout.state == RolloutState::Succeeded)
        return m_succeed(m_invocation.json ? QString() : statusText(rollout));
    std::fputs(qPrintable(m_invocation.json ? QString() : statusText(rollout)), stdout);
    m_fail(rollout.failure.isSet() ? QStringLiteral("rollout %1 %2: %3").arg(rollout.id, toText(rollout.state), rollout.failure.sentence)
                                   : QStringLiteral("rollout %1 %2: %3").arg(rollout.id, toText(rollout.state), rollout.message));
}

void RolloutCommands::list()
{
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.listRollouts(m_invocation.manifest.name, [this](const Result<QList<Rollout>> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const auto &rollouts = std::get<QList<Rollout>>(result);
        if (!m_invocation.json)
            return m_succeed(listTable(rollouts));
        QJsonArray array;
        for (const Rollout &r : rollouts)
            array.append(RolloutJson::toJson(r));
        m_succeed(OutputFormat::jsonText(array));
    });
}

void RolloutCommands::control(RolloutAction action)
{
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.controlRollout(m_invocation.command.at(2), action, [this](const Result<Rollout> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const Rollout &r = std::get<Rollout>(result);
        m_succeed(m_invocation.json ? OutputFormat::jsonText(RolloutJson::toJson(r))
                                    : QStringLiteral("rollout %1 %2: %3\n").arg(r.id, toText(r.state), r.message));
    });
}

QString RolloutCommands::statusText(const Rollout &r)
{
    QString out = QStringLiteral("rollout %1: %2 %3 → %4 to %5, %6\n")
                      .arg(r.id, r.spec.component, r.baselineVersion.isEmpty() ? QStringLiteral("(none)") : r.baselineVersion,
                           r.spec.version, r.spec.selector, toText(r.state));
    out += QStringLiteral("  %1\n").arg(r.message);
    if (r.failure.isSet() && !r.message.contains(r.failure.sentence))
        out += QStringLiteral("  %1\n").arg(r.failure.sentence);
    if (!r.skippedNodes.isEmpty())
        out += QStringLiteral("  skipped (the residency policy forbids %1@%2 there): %3\n")
                   .arg(r.spec.component, r.spec.version, r.skippedNodes.join(QStringLiteral(", ")));
    QList<QStringList> rows;
    for (const RolloutWave &wave : r.waves) {
        QStringList gates;
        for (const GateResult &gate : wave.gates)
            gates.append(gateText(gate));
        rows.append({QString::number(wave.index), wave.regions.join(u','), wave.nodes.join(u','), toText(wave.state),
                     gates.join(QStringLiteral(", "))});
    }
    return out + OutputFormat::table({QStringLiteral("WAVE"), QStringLiteral("REGION"), QStringLiteral("NODES"),
                                      QStringLiteral("STATE"), QStringLiteral("GATES")},
                                     rows);
}

QString RolloutCommands::listTable(const QList<Rollout> &rollouts)
{
    QList<QStringList> rows;
    for (const Rollout &r : rollouts) {
        rows.append({r.id, r.spec.component, r.baselineVersion.isEmpty() ? QStringLiteral("-") : r.baselineVersion, r.spec.version,
                     r.spec.selector, toText(r.state), QStringLiteral("%1/%2").arg(r.nodesDone()).arg(r.nodesTotal()),
                     r.created.toUTC().toString(Qt::ISODate), r.createdBy});
    }
    return OutputFormat::table({QStringLiteral("ID"), QStringLiteral("COMPONENT"), QStringLiteral("FROM"), QStringLiteral("TO"),
                                QStringLiteral("SELECTOR"), QStringLiteral("STATE"), QStringLiteral("NODES"),
                                QStringLiteral("CREATED"), QStringLiteral("BY")},
                               rows);
}

} // namespace Keel
