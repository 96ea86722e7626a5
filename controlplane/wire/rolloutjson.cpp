#include "rolloutjson.h"

#include <QJsonArray>

namespace Keel {

namespace {

QJsonValue time(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

QDateTime timeFrom(const QJsonValue &v)
{
    return v.isString() ? QDateTime::fromString(v.toString(), Qt::ISODateWithMs) : QDateTime();
}

QJsonArray array(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QStringList list(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &item : v.toArray())
        out.append(item.toString());
    return out;
}

void optionalNumber(QJsonObject &object, const char *key, const std::optional<double> &value)
{
    if (value)
        object.insert(QLatin1String(key), *value);
}

std::optional<double> optionalNumber(const QJsonObject &object, const char *key)
{
    const QJsonValue v = object.value(QLatin1String(key));
    return v.isDouble() ? std::optional(v.toDouble()) : std::nullopt;
}

} // namespace

QJsonObject RolloutJson::toJson(const RolloutSpec &spec)
{
    QJsonObject gates;
    optionalNumber(gates, "max_error_rate", spec.gates.maxErrorRate);
    optionalNumber(gates, "max_p99_ms", spec.gates.maxP99Ms);
    optionalNumber(gates, "max_p99_regression", spec.gates.maxP99Regression);
    gates.insert(QStringLiteral("min_requests"), double(spec.gates.minRequests));
    QJsonArray steps;
    for (const RolloutStep &step : spec.steps)
        steps.append(step.text());
    QJsonObject out{
        {QStringLiteral("component"), spec.component},
        {QStringLiteral("version"), spec.version},
        {QStringLiteral("selector"), spec.selector},
        {QStringLiteral("strategy"), toText(spec.strategy)},
        {QStringLiteral("batch"), spec.batch.text()},
        {QStringLiteral("steps"), steps},
        {QStringLiteral("bake_seconds"), spec.bakeSeconds},
        {QStringLiteral("pause_after_step"), spec.pauseAfterStep},
        {QStringLiteral("order"), spec.orderByJurisdiction ? QJsonValue(QStringLiteral("by-jurisdiction"))
                                                           : QJsonValue(array(spec.regionOrder))},
        {QStringLiteral("gates"), gates},
        {QStringLiteral("on_failure"), toText(spec.onFailure)},
        {QStringLiteral("deadline_seconds"), spec.deadlineSeconds},
        {QStringLiteral("skip_disallowed"), spec.skipDisallowed},
    };
    return out;
}

std::optional<RolloutSpec> RolloutJson::specFromJson(const QJsonObject &o, QString *error)
{
    RolloutSpec spec;
    spec.component = o.value(QStringLiteral("component")).toString();
    spec.version = o.value(QStringLiteral("version")).toString();
    spec.selector = o.value(QStringLiteral("selector")).toString();
    const auto strategy = rolloutStrategyFromText(o.value(QStringLiteral("strategy")).toString());
    const auto onFailure = rolloutFailureActionFromText(o.value(QStringLiteral("on_failure")).toString());
    QString stepError;
    const auto batch = RolloutStep::parse(o.value(QStringLiteral("batch")).toString(), &stepError);
    if (spec.component.isEmpty() || !strategy || !onFailure || !batch) {
        *error = QStringLiteral("rollout spec: missing or unknown component, strategy, on_failure or batch");
        return std::nullopt;
    }
    spec.strategy = *strategy;
    spec.onFailure = *onFailure;
    spec.batch = *batch;
    for (const QJsonValue &step : o.value(QStringLiteral("steps")).toArray()) {
        const auto parsed = RolloutStep::parse(step.toString(), error);
        if (!parsed)
            return std::nullopt;
        spec.steps.append(*parsed);
    }
    spec.bakeSeconds = o.value(QStringLiteral("bake_seconds")).toInt();
    spec.pauseAfterStep = o.value(QStringLiteral("pause_after_step")).toBool();
    const QJsonValue order = o.value(QStringLiteral("order"));
    spec.orderByJurisdiction = order.toString() == QLatin1String("by-jurisdiction");
    spec.regionOrder = list(order);
    const QJsonObject gates = o.value(QStringLiteral("gates")).toObject();
    spec.gates.maxErrorRate = optionalNumber(gates, "max_error_rate");
    spec.gates.maxP99Ms = optionalNumber(gates, "max_p99_ms");
    spec.gates.maxP99Regression = optionalNumber(gates, "max_p99_regression");
    spec.gates.minRequests = quint64(gates.value(QStringLiteral("min_requests")).toDouble());
    spec.deadlineSeconds = o.value(QStringLiteral("deadline_seconds")).toInt();
    spec.skipDisallowed = o.value(QStringLiteral("skip_disallowed")).toBool();
    return spec;
}

QJsonObject RolloutJson::toJson(const Rollout &rollout)
{
    QJsonArray waves;
    for (const RolloutWave &wave : rollout.waves) {
        QJsonArray gates;
        for (const GateResult &gate : wave.gates) {
            gates.append(QJsonObject{
                {QStringLiteral("name"), gate.name},
                {QStringLiteral("value"), gate.value},
                {QStringLiteral("threshold"), gate.threshold},
                {QStringLiteral("passed"), gate.passed},
                {QStringLiteral("measured"), gate.measured},
                {QStringLiteral("requests"), double(gate.requests)},
                {QStringLiteral("detail"), gate.detail},
            });
        }
        QJsonObject w{
            {QStringLiteral("index"), wave.index},
            {QStringLiteral("step"), wave.step},
            {QStringLiteral("regions"), array(wave.regions)},
            {QStringLiteral("nodes"), array(wave.nodes)},
            {QStringLiteral("state"), toText(wave.state)},
            {QStringLiteral("gates"), gates},
        };
        for (const auto &[key, t] : {std::pair{"started", wave.started}, std::pair{"bake_started", wave.bakeStarted},
                                     std::pair{"finished", wave.finished}}) {
            if (t.isValid())
                w.insert(QLatin1String(key), time(t));
        }
        waves.append(w);
    }
    QJsonObject out{
        {QStringLiteral("id"), rollout.id},
        {QStringLiteral("component"), rollout.spec.component},
        {QStringLiteral("version"), rollout.spec.version},
        {QStringLiteral("baseline_version"), rollout.baselineVersion},
        {QStringLiteral("state"), toText(rollout.state)},
        {QStringLiteral("message"), rollout.message},
        {QStringLiteral("created_by"), rollout.createdBy},
        {QStringLiteral("nodes_total"), rollout.nodesTotal()},
        {QStringLiteral("nodes_done"), rollout.nodesDone()},
        {QStringLiteral("spec"), toJson(rollout.spec)},
        {QStringLiteral("waves"), waves},
    };
    for (const auto &[key, t] : {std::pair{"created", rollout.created}, std::pair{"updated", rollout.updated},
                                 std::pair{"deadline", rollout.deadline},
                                 std::pair{"paused", rollout.paused}}) {
        if (t.isValid())
            out.insert(QLatin1String(key), time(t));
    }
    if (!rollout.skippedNodes.isEmpty())
        out.insert(QStringLiteral("skipped_nodes"), array(rollout.skippedNodes));
    if (rollout.failure.isSet()) {
        out.insert(QStringLiteral("failure"), QJsonObject{
            {QStringLiteral("gate"), rollout.failure.gate},
            {QStringLiteral("nodes"), array(rollout.failure.nodes)},
            {QStringLiteral("value"), rollout.failure.value},
            {QStringLiteral("threshold"), rollout.failure.threshold},
            {QStringLiteral("sentence"), rollout.failure.sentence},
        });
    }
    return out;
}

std::optional<Rollout> RolloutJson::fromJson(const QJsonObject &o, QString *error)
{
    Rollout rollout;
    rollout.id = o.value(QStringLiteral("id")).toString();
    const auto spec = specFromJson(o.value(QStringLiteral("spec")).toObject(), error);
    const auto state = rolloutStateFromText(o.value(QStringLiteral("state")).toString());
    if (rollout.id.isEmpty() || !spec || !state) {
        *error = QStringLiteral("rollout %1: not a stored rollout (id, spec or state missing)").arg(rollout.id.left(64));
        return std::nullopt;
    }
    rollout.spec = *spec;
    rollout.state = *state;
    rollout.baselineVersion = o.value(QStringLiteral("baseline_version")).toString();
    rollout.message = o.value(QStringLiteral("message")).toString();
    rollout.createdBy = o.value(QStringLiteral("created_by")).toString();
    rollout.created = timeFrom(o.value(QStringLiteral("created")));
    rollout.updated = timeFrom(o.value(QStringLiteral("updated")));
    rollout.deadline = timeFrom(o.value(QStringLiteral("deadline")));
    rollout.paused = timeFrom(o.value(QStringLiteral("paused")));
    rollout.skippedNodes = list(o.value(QStringLiteral("skipped_nodes")));
    for (const QJsonValue &value : o.value(QStringLiteral("waves")).toArray()) {
        const QJsonObject w = value.toObject();
        RolloutWave wave;
        wave.index = w.value(QStringLiteral("index")).toInt();
        wave.step = w.value(QStringLiteral("step")).toInt();
        wave.regions = list(w.value(QStringLiteral("regions")));
        wave.nodes = list(w.value(QStringLiteral("nodes")));
        const auto waveState = waveStateFromText(w.value(QStringLiteral("state")).toString());
        if (!waveState) {
            *error = QStringLiteral("rollout %1: wave %2 has no known state").arg(rollout.id).arg(wave.index);
            return std::nullopt;
        }
        wave.state = *waveState;
        wave.started = timeFrom(w.value(QStringLiteral("started")));
        wave.bakeStarted = timeFrom(w.value(QStringLiteral("bake_started")));
        wave.finished = timeFrom(w.value(QStringLiteral("finished")));
        for (const QJsonValue &g : w.value(QStringLiteral("gates")).toArray()) {
            const QJsonObject gate = g.toObject();
            wave.gates.append({gate.value(QStringLiteral("name")).toString(), gate.value(QStringLiteral("value")).toDouble(),
                               gate.value(QStringLiteral("threshold")).toDouble(), gate.value(QStringLiteral("passed")).toBool(),
                               gate.value(QStringLiteral("measured")).toBool(),
                               quint64(gate.value(QStringLiteral("requests")).toDouble()),
                               gate.value(QStringLiteral("detail")).toString()});
        }
        rollout.waves.append(std::move(wave));
    }
    if (const QJsonObject f = o.value(QStringLiteral("failure")).toObject(); !f.isEmpty()) {
        rollout.failure = {f.value(QStringLiteral("gate")).toString(), list(f.value(QStringLiteral("nodes"))),
                           f.value(QStringLiteral("value")).toDouble(), f.value(QStringLiteral("threshold")).toDouble(),
                           f.value(QStringLiteral("sentence")).toString()};
    }
    return rollout;
}

} // namespace Keel
