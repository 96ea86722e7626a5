#include "rolloutengine.h"

#include "deploymentservice.h"
#include "fleetmetrics.h"
#include "fleetservice.h"
#include "nodeselector.h"
#include "registryservice.h"
#include "rolloutplanner.h"
#include "rolloutstore.h"
#include "servermetrics.h"
#include "storeerror.h"

#include <QLoggingCategory>
#include <QRandomGenerator>

#include <cmath>

namespace Keel {

Q_LOGGING_CATEGORY(lcRollout, "keel.rollout")

namespace {

constexpr int kTickMs = 1000;
constexpr int kMaxBakeSeconds = 24 * 3600;
constexpr int kMaxDeadlineSeconds = 30 * 24 * 3600;

WireError badSpec(QString message, const char *field)
{
    return WireError{ErrorCode::BadRequest, std::move(message), QLatin1String(field)};
}

bool isSwitchedState(WaveState state)
{
    return state == WaveState::Switching || state == WaveState::Baking || state == WaveState::WaitingForTraffic
        || state == WaveState::Passed || state == WaveState::Failed;
}

// Every wave whose nodes were switched is returned to the baseline; a failed one stays
// failed, so the reason remains where it happened.
void markReverted(Rollout &rollout)
{
    for (RolloutWave &wave : rollout.waves) {
        if (isSwitchedState(wave.state) && wave.state != WaveState::Failed)
            wave.state = WaveState::Reverted;
    }
}

std::optional<WireError> checkSpec(const RolloutSpec &spec)
{
    if (spec.bakeSeconds < 0 || spec.bakeSeconds > kMaxBakeSeconds)
        return badSpec(QStringLiteral("--bake %1 s is outside 0 s to 24 h").arg(spec.bakeSeconds), "bake_seconds");
    if (spec.deadlineSeconds <= 0 || spec.deadlineSeconds > kMaxDeadlineSeconds)
        return badSpec(QStringLiteral("--deadline %1 s is outside 1 s to 30 days").arg(spec.deadlineSeconds), "deadline_seconds");
    const RolloutGates &g = spec.gates;
    if (g.maxErrorRate && !(*g.maxErrorRate >= 0 && *g.maxErrorRate <= 1))
        return badSpec(QStringLiteral("--max-error-rate %1 is not a share in [0, 1] (0.05 is 5%)").arg(*g.maxErrorRate), "gates");
    if (g.maxP99Ms && !(*g.maxP99Ms > 0 && std::isfinite(*g.maxP99Ms)))
        return badSpec(QStringLiteral("--max-p99-ms %1 must be above 0").arg(*g.maxP99Ms), "gates");
    if (g.maxP99Regression && !(*g.maxP99Regression >= 1 && std::isfinite(*g.maxP99Regression)))
        return badSpec(QStringLiteral("--max-p99-regression %1 must be at least 1 (new p99 / baseline p99)").arg(*g.maxP99Regression),
                       "gates");
    if (g.minRequests > 1000000000)
        return badSpec(QStringLiteral("--min-requests %1 is over 1e9").arg(g.minRequests), "gates");
    if (spec.orderByJurisdiction && !spec.regionOrder.isEmpty())
        return badSpec(QStringLiteral("--order is either a list of regions or by-jurisdiction, not both"), "region_order");
    return std::nullopt;
}

} // namespace

RolloutEngine::RolloutEngine(RolloutStore &store, DeploymentService &deployments, FleetService &fleet,
                             RegistryService &registry, FleetMetrics &metrics, ServerMetrics &serverMetrics, Clock clock,
                             QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_deployments(deployments)
    , m_fleet(fleet)
    , m_registry(registry)
    , m_serverMetrics(serverMetrics)
    , m_clock(std::move(clock))
{
    QStringList damaged;
    for (Rollout &rollout : m_store.rollouts(&damaged))
        m_rollouts.insert(rollout.id, rollout);
    for (const QString &line : damaged)
        qCCritical(lcRollout, "a stored rollout cannot be read and is ignored: %s", qPrintable(line));
    m_deployments.setHolder([this](const QString &component) { return holderOf(component); });

    // Resume: the pins first (before any agent connects), then each baking wave bakes again.
    for (auto it = m_rollouts.begin(); it != m_rollouts.end(); ++it) {
        if (!isActive(it->state))
            continue;
        applyPins(*it);
        const int w = currentWave(*it);
        if (w < 0)
            continue;
        const WaveState state = it->waves[w].state;
        if (state == WaveState::Switching)
            recordSwitchGenerations(*it, it->waves[w]);
        if (it->state == RolloutState::Progressing && (state == WaveState::Baking || state == WaveState::WaitingForTraffic)) {
            Rollout next = *it;
            startBake(next, w, QStringLiteral("the control plane restarted: wave %1 bakes again from now").arg(w + 1));
            commit(next, next.message);
        }
    }
    connect(&m_deployments, &DeploymentService::stateAckRecorded, this,
            [this](const StateAckRecord &record) { onAck(record.node); });
    connect(&metrics, &FleetMetrics::reportTaken, this, &RolloutEngine::onReport);
    connect(&m_timer, &QTimer::timeout, this, &RolloutEngine::tick);
    m_timer.start(kTickMs);
}

QDateTime RolloutEngine::now() const
{
    return m_clock ? m_clock() : QDateTime::currentDateTimeUtc();
}

QString RolloutEngine::newId() const
{
    for (;;) {
        const QString id = QStringLiteral("r-%1").arg(QRandomGenerator::system()->bounded(0x1000000), 6, 16, QLatin1Char('0'));
        if (!m_rollouts.contains(id))
            return id;
    }
}

int RolloutEngine::currentWave(const Rollout &rollout)
{
    for (int i = 0; i < rollout.waves.size(); ++i) {
        if (rollout.waves[i].state != WaveState::Passed)
            return i;
    }
    return -1;
}

QString RolloutEngine::holderOf(const QString &component) const
{
    for (const Rollout &rollout : m_rollouts) {
        if (rollout.spec.component == component && isActive(rollout.state))
            return rollout.id;
    }
    return {};
}

std::optional<Rollout> RolloutEngine::rollout(const QString &id) const
{
    const auto it = m_rollouts.constFind(id);
    return it == m_rollouts.cend() ? std::nullopt : std::optional(*it);
}

QList<Rollout> RolloutEngine::rollouts(const QString &component) const
{
    QList<Rollout> list;
    for (const Rollout &rollout : m_rollouts) {
        if (component.isEmpty() || rollout.spec.component == component)
            list.append(rollout);
    }
    std::sort(list.begin(), list.end(), [](const Rollout &a, const Rollout &b) {
        return a.created != b.created ? a.created > b.created : a.id > b.id;
    });
    return list;
}

bool RolloutEngine::commit(Rollout next, const QString &event)
{
    next.updated = now();
    const bool transition = !m_rollouts.contains(next.id) || m_rollouts.value(next.id).state != next.state;
    try {
        m_store.putRollout(next);
    } catch (const StoreError &error) {
        m_serverMetrics.storeError();
        qCCritical(lcRollout, "cannot store rollout %s (%s): %s; it will be tried again", qPrintable(next.id), qPrintable(event),
                   error.what());
        return false;
    }
    if (transition)
        m_serverMetrics.rolloutTransition(toText(next.state).toStdString());
    qCInfo(lcRollout, "rollout %s of %s@%s: %s", qPrintable(next.id), qPrintable(next.spec.component),
           qPrintable(next.spec.version), qPrintable(event));
    if (!isActive(next.state))
        m_live.remove(next.id);
    m_rollouts.insert(next.id, next);
    emit progressed({next, event});
    return true;
}

std::variant<Rollout, WireError> RolloutEngine::start(RolloutSpec spec, const QString &principal)
{
    const auto record = m_registry.find(spec.component, spec.version);
    if (!record) {
        return WireError{ErrorCode::NotFound,
                         QStringLiteral("no component %1@%2 in the registry: push it first (keelctl component push)")
                             .arg(spec.component.left(64), spec.version.left(64)),
                         QStringLiteral("version")};
    }
    if (const QString holder = holderOf(spec.component); !holder.isEmpty()) {
        return WireError{ErrorCode::FailedPrecondition,
                         QStringLiteral("rollout %1 of %2 is running: one rollout per component at a time (keelctl rollout status %1)")
                             .arg(holder, spec.component),
                         QStringLiteral("component")};
    }
    if (auto error = checkSpec(spec))
        return *error;
    auto parsed = NodeSelector::parse(spec.selector);
    if (const auto *error = std::get_if<QString>(&parsed))
        return WireError{ErrorCode::BadRequest, *error, QStringLiteral("selector")};
    const NodeSelector &selector = std::get<NodeSelector>(parsed);
    spec.selector = selector.text();

    // Nodes the residency policy forbids the new version: refused, or left out with
    // skip_disallowed (and by the rule the rollout writes when it succeeds).
    QStringList skipped;
    auto decided = m_deployments.placements(spec.component, spec.version, spec.selector);
    if (auto *error = std::get_if<WireError>(&decided))
        return *error;
    QList<PlacementDecision> forbidden;
    for (const PlacementDecision &d : std::get<QList<PlacementDecision>>(decided)) {
        if (!d.allowed) {
            forbidden.append(d);
            skipped.append(d.node);
        }
    }
    if (!forbidden.isEmpty() && !spec.skipDisallowed)
        return DeploymentService::forbiddenError(spec.component, spec.version, spec.selector, forbidden);

    QList<Node> nodes;
    QMap<QString, QStringList> baselines; // version -> nodes that run it by the rules
    for (const Node &node : m_fleet.nodes()) {
        if (!selector.matches(node) || skipped.contains(node.name))
            continue;
        nodes.append(node);
        const QString version = m_deployments.ruleVersion(node, spec.component);
        if (!version.isEmpty())
            baselines[version].append(node.name);
    }
    if (baselines.size() > 1) {
        QStringList groups;
        for (auto it = baselines.cbegin(); it != baselines.cend(); ++it)
            groups.append(QStringLiteral("%1 on %2").arg(it.key(), it->mid(0, 3).join(QStringLiteral(", "))
                                                                     + (it->size() > 3 ? QStringLiteral(", ...") : QString())));
        return WireError{ErrorCode::FailedPrecondition,
                         QStringLiteral("the selected nodes run different versions of %1 (%2): roll out to each group with its own --to")
                             .arg(spec.component, groups.join(QStringLiteral("; "))),
                         QStringLiteral("selector")};
    }
    const QString baseline = baselines.isEmpty() ? QString() : baselines.firstKey();
    if (baseline == spec.version) {
        return WireError{ErrorCode::FailedPrecondition,
                         QStringLiteral("the nodes %1 matches already run %2@%3").arg(spec.selector, spec.component, spec.version),
                         QStringLiteral("version")};
    }
    auto planned = RolloutPlanner::plan(spec, nodes, m_fleet.regions());
    if (auto *error = std::get_if<WireError>(&planned))
        return *error;

    Rollout rollout;
    rollout.id = newId();
    rollout.spec = spec;
    rollout.baselineVersion = baseline;
    rollout.skippedNodes = skipped;
    rollout.state = RolloutState::Pending;
    rollout.waves = std::get<QList<RolloutWave>>(std::move(planned));
    rollout.created = now();
    rollout.createdBy = principal;
    rollout.deadline = rollout.created.addSecs(spec.deadlineSeconds);
    rollout.message = QStringLiteral("starting: %1 node(s) in %2 wave(s)").arg(rollout.nodesTotal()).arg(rollout.waves.size());
    if (!commit(rollout, QStringLiteral("started by %1: %2@%3 → %4, %5 wave(s)")
                             .arg(principal, spec.component, baseline.isEmpty() ? QStringLiteral("(none)") : baseline,
                                  spec.version)
                             .arg(rollout.waves.size())))
        return WireError{ErrorCode::Internal, QStringLiteral("the control plane's store failed; see its log"), {}};
    advance(rollout.id);
    return m_rollouts.value(rollout.id);
}

void RolloutEngine::tick()
{
    for (const QString &id : m_rollouts.keys()) {
        if (isActive(m_rollouts.value(id).state))
            advance(id);
    }
}

void RolloutEngine::advance(const QString &id)
{
    const Rollout &r = m_rollouts[id];
    switch (r.state) {
    case RolloutState::Pending: {
        if (now() >= r.deadline) {
            fail(id, -1, {QStringLiteral("deadline"), {}, 0, double(r.spec.deadlineSeconds),
                          QStringLiteral("the deadline passed before %1@%2 could start").arg(r.spec.component, r.spec.version)},
                 true);
            return;
        }
        // Baseline and new version on the same tier: a wave judged on the interpreter
        // against a baseline on AOT would fail its latency gates for nothing.
        const auto record = m_registry.find(r.spec.component, r.spec.version);
        if (record && (record->version.aotState == AotState::Pending || record->version.aotState == AotState::Building)) {
            const QString message = QStringLiteral("waiting for the AOT build of %1@%2").arg(r.spec.component, r.spec.version);
            if (r.message != message) {
                Rollout next = r;
                next.message = message;
                commit(next, message);
            }
            return;
        }
        Rollout next = r;
        next.state = RolloutState::Progressing;
        next.message = QStringLiteral("progressing");
        if (!commit(next, QStringLiteral("progressing")))
            return;
        advanceWaves(id);
        return;
    }
    case RolloutState::Progressing:
        advanceWaves(id);
        return;
    case RolloutState::Failed:
        convergeRollback(id);
        return;
    default:
        return;
    }
}

void RolloutEngine::applyPins(const Rollout &rollout)
{
    QHash<QString, DeploymentService::Pin> pins;
    const bool holding = rollout.state == RolloutState::Pending || rollout.state == RolloutState::Progressing
                         || rollout.state == RolloutState::Paused;
    if (holding) {
        for (const RolloutWave &wave : rollout.waves) {
            if (!isSwitchedState(wave.state))
                continue;
            for (const QString &node : wave.nodes)
                pins.insert(node, {rollout.spec.version, rollout.baselineVersion});
        }
    }
    m_deployments.setPins(rollout.spec.component, pins);
}

void RolloutEngine::recordSwitchGenerations(const Rollout &rollout, const RolloutWave &wave)
{
    Live &live = m_live[rollout.id];
    for (const QString &name : wave.nodes) {
        if (const auto node = m_fleet.node(name))
            live.switchGenerations.insert(name, m_deployments.desiredFor(*node).generation);
    }
}

RolloutEngine::NodeSwitch RolloutEngine::switchState(const Rollout &rollout, const QString &node, QString *reason) const
{
    const NodeStateRecord state = m_deployments.reportedState(node);
    for (const ComponentStatus &status : state.applied) {
        if (status.name == rollout.spec.component && status.version == rollout.spec.version
            && status.state == ComponentStatus::State::Running)
            return NodeSwitch::Switched;
    }
    const quint64 since = m_live.value(rollout.id).switchGenerations.value(node, 0);
    if (state.rejectedGeneration != 0 && state.rejectedGeneration >= since && !state.rejected.isEmpty()) {
        QStringList reasons;
        for (const ComponentStatus &status : state.rejected)
            reasons.append(QStringLiteral("%1@%2: %3").arg(status.name, status.version, status.error));
        *reason = QStringLiteral("%1 refused generation %2 (%3)").arg(node).arg(state.rejectedGeneration).arg(reasons.join(QStringLiteral("; ")));
        return NodeSwitch::Refused;
    }
    return NodeSwitch::Waiting;
}

bool RolloutEngine::runsBaseline(const Rollout &rollout, const QString &node) const
{
    const NodeStateRecord state = m_deployments.reportedState(node);
    for (const ComponentStatus &status : state.applied) {
        if (status.name == rollout.spec.component)
            return status.version == rollout.baselineVersion;
    }
    return rollout.baselineVersion.isEmpty();
}

QSet<QString> RolloutEngine::pendingNodes(const Rollout &rollout) const
{
    QSet<QString> nodes;
    for (const RolloutWave &wave : rollout.waves) {
        if (wave.state == WaveState::Pending)
            nodes.unite(QSet<QString>(wave.nodes.cbegin(), wave.nodes.cend()));
    }
    return nodes;
}

void RolloutEngine::startBake(Rollout &next, int w, const QString &why)
{
    RolloutWave &wave = next.waves[w];
    wave.state = WaveState::Baking;
    wave.bakeStarted = now();
    wave.gates.clear();
    next.message = why;
    m_live[next.id].meter.reset({next.spec.component, next.spec.version, next.baselineVersion,
                                 QSet<QString>(wave.nodes.cbegin(), wave.nodes.cend()), pendingNodes(next), wave.bakeStarted});
}

void RolloutEngine::advanceWaves(const QString &id)
{
    for (int guard = 0; guard < 3 * m_rollouts.value(id).waves.size() + 3; ++guard) {
        const Rollout &r = m_rollouts[id];
        if (r.state != RolloutState::Progressing)
            return;
        const int w = currentWave(r);
        if (w < 0) {
            finish(id);
            return;
        }
        const RolloutWave &wave = r.waves[w];
        const QDateTime t = now();
        if (t >= r.deadline) {
            const bool starved = wave.state == WaveState::WaitingForTraffic;
            if (starved) {
                const auto gates = m_live[id].meter.evaluate(r.spec.gates, t);
                fail(id, w, m_live[id].meter.explain(gates.front(), t), true);
            } else {
                fail(id, w, {QStringLiteral("deadline"), wave.nodes, double(r.created.secsTo(t)), double(r.spec.deadlineSeconds),
                             QStringLiteral("the rollout's deadline of %1 s passed in wave %2 (%3)")
                                 .arg(r.spec.deadlineSeconds).arg(w + 1).arg(toText(wave.state))},
                     true);
            }
            return;
        }
        switch (wave.state) {
        case WaveState::Pending: {
            Rollout next = r;
            next.waves[w].state = WaveState::Switching;
            next.waves[w].started = t;
            next.message = QStringLiteral("wave %1 of %2: switching %3 in %4")
                               .arg(w + 1).arg(r.waves.size()).arg(wave.nodes.join(QStringLiteral(", ")), wave.regions.join(u','));
            if (!commit(next, next.message))
                return;
            applyPins(m_rollouts[id]);
            recordSwitchGenerations(m_rollouts[id], m_rollouts[id].waves[w]);
            continue;
        }
        case WaveState::Switching: {
            QStringList waiting;
            for (const QString &node : wave.nodes) {
                QString reason;
                const NodeSwitch s = switchState(r, node, &reason);
                if (s == NodeSwitch::Refused) {
                    fail(id, w, {QStringLiteral("ack"), {node}, 0, 0, reason}, false);
                    return;
                }
                if (s == NodeSwitch::Waiting)
                    waiting.append(node);
            }
            if (!waiting.isEmpty())
                return;
            Rollout next = r;
            startBake(next, w, QStringLiteral("wave %1 of %2: baking for %3 s on %4")
                                   .arg(w + 1).arg(r.waves.size()).arg(r.spec.bakeSeconds).arg(wave.nodes.join(QStringLiteral(", "))));
            if (!commit(next, next.message) || next.spec.bakeSeconds > 0)
                return; // the tick judges the bake
            // No bake: judged now, and the next wave switches on this wave's last ack
            // rather than a tick later (ten waves would take ten ticks otherwise).
            continue;
        }
        case WaveState::Baking:
        case WaveState::WaitingForTraffic: {
            Live &live = m_live[id];
            QList<GateResult> gates = live.meter.evaluate(r.spec.gates, t, live.lastBaselineP99Ms);
            gates.prepend({QStringLiteral("ack"), double(wave.nodes.size()), double(wave.nodes.size()), true, true, 0,
                           QStringLiteral("every node of the wave runs %1@%2").arg(r.spec.component, r.spec.version)});
            const quint64 requests = live.meter.requests();
            const bool enough = requests >= std::max<quint64>(1, r.spec.gates.minRequests);
            if (enough) {
                for (const GateResult &gate : gates) {
                    if (gate.measured && !gate.passed) {
                        Rollout next = r;
                        next.waves[w].gates = gates;
                        m_rollouts.insert(id, next); // the failing values go with the failure below
                        fail(id, w, live.meter.explain(gate, t), false);
                        return;
                    }
                }
            }
            Rollout next = r;
            next.waves[w].gates = gates;
            const bool baked = wave.bakeStarted.secsTo(t) >= r.spec.bakeSeconds;
            if (!baked) {
                m_rollouts.insert(id, next);
                emit progressed({next, QStringLiteral("wave %1: gates evaluated").arg(w + 1)});
                return;
            }
            if (requests < r.spec.gates.minRequests) {
                if (wave.state != WaveState::WaitingForTraffic) {
                    next.waves[w].state = WaveState::WaitingForTraffic;
                    next.message = QStringLiteral("wave %1 of %2: waiting for traffic (%3 of %4 requests)")
                                       .arg(w + 1).arg(r.waves.size()).arg(requests).arg(r.spec.gates.minRequests);
                    commit(next, next.message);
                } else {
                    next.message = QStringLiteral("wave %1 of %2: waiting for traffic (%3 of %4 requests)")
                                       .arg(w + 1).arg(r.waves.size()).arg(requests).arg(r.spec.gates.minRequests);
                    m_rollouts.insert(id, next);
                    emit progressed({next, QStringLiteral("wave %1: gates evaluated").arg(w + 1)});
                }
                return;
            }
            next.waves[w].state = WaveState::Passed;
            next.waves[w].finished = t;
            const bool endOfStep = w + 1 < r.waves.size() && r.waves[w + 1].step != wave.step;
            if (r.spec.pauseAfterStep && endOfStep) {
                next.state = RolloutState::Paused;
                next.paused = t;
                next.message = QStringLiteral("paused after step %1 (wave %2 passed): keelctl rollout resume %3 to go on")
                                   .arg(wave.step).arg(w + 1).arg(id);
            } else {
                next.message = QStringLiteral("wave %1 of %2 passed").arg(w + 1).arg(r.waves.size());
            }
            if (const auto base = live.meter.baselineP99Ms())
                live.lastBaselineP99Ms = base;
            if (!commit(next, QStringLiteral("wave %1 passed (%2 requests)").arg(w + 1).arg(requests)))
                return;
            continue;
        }
        case WaveState::Passed:
        case WaveState::Failed:
        case WaveState::Reverted:
            return;
        }
    }
}

void RolloutEngine::fail(const QString &id, int w, RolloutFailure failure, bool forceRollback)
{
    Rollout next = m_rollouts.value(id);
    if (w >= 0) {
        next.waves[w].state = WaveState::Failed;
        next.waves[w].finished = now();
        if (failure.nodes.isEmpty())
            failure.nodes = next.waves[w].nodes;
    }
    next.failure = failure;
    m_serverMetrics.rolloutGateFailed(failure.gate.toStdString());
    if (next.spec.onFailure == RolloutFailureAction::Pause && !forceRollback) {
        next.state = RolloutState::Paused;
        next.paused = now();
        next.message = QStringLiteral("paused: %1. Resume to bake the wave again, or roll back").arg(failure.sentence);
        commit(next, QStringLiteral("wave %1 failed: %2").arg(w + 1).arg(failure.sentence));
        return;
    }
    next.state = RolloutState::Failed;
    markReverted(next);
    next.message = QStringLiteral("rolling back to %1: %2")
                       .arg(next.baselineVersion.isEmpty() ? QStringLiteral("no version") : next.baselineVersion, failure.sentence);
    if (!commit(next, QStringLiteral("failed: %1").arg(failure.sentence)))
        return;
    applyPins(m_rollouts[id]);
    convergeRollback(id);
}

void RolloutEngine::convergeRollback(const QString &id)
{
    const Rollout &r = m_rollouts[id];
    QStringList waiting;
    QStringList unreachable;
    for (const RolloutWave &wave : r.waves) {
        if (wave.state != WaveState::Reverted && wave.state != WaveState::Failed)
            continue;
        for (const QString &name : wave.nodes) {
            const auto node = m_fleet.node(name);
            if (!node || node->status != NodeStatus::Ready)
                unreachable.append(name); // it gets the baseline when it connects again
            else if (!runsBaseline(r, name))
                waiting.append(name);
        }
    }
    if (!waiting.isEmpty())
        return;
    Rollout next = r;
    next.state = RolloutState::RolledBack;
    next.message = QStringLiteral("rolled back: %1").arg(r.failure.sentence);
    if (!unreachable.isEmpty())
        next.message += QStringLiteral(" (%1 unreachable: back on the baseline when it reconnects)").arg(unreachable.join(QStringLiteral(", ")));
    commit(next, QStringLiteral("rolled back"));
}

std::variant<Rollout, WireError> RolloutEngine::revert(const QString &id, RolloutState final, const QString &message,
                                                       const QString &event)
{
    Rollout next = m_rollouts.value(id);
    next.state = final;
    next.paused = {};
    markReverted(next);
    next.message = message;
    if (!commit(next, event))
        return WireError{ErrorCode::Internal, QStringLiteral("the control plane's store failed; see its log"), {}};
    applyPins(m_rollouts[id]);
    return m_rollouts.value(id);
}

void RolloutEngine::finish(const QString &id)
{
    const Rollout r = m_rollouts.value(id);
    // The new version becomes the rule before the pins go: no node ever falls back.
    auto deployed = m_deployments.deployHeld(r.spec.component, r.spec.version, r.spec.selector,
                                            QStringLiteral("rollout %1 (%2)").arg(id, r.createdBy), r.skippedNodes);
    if (const auto *error = std::get_if<WireError>(&deployed)) {
        qCCritical(lcRollout, "rollout %s: cannot write the rule %s@%s to %s: %s", qPrintable(id), qPrintable(r.spec.component),
                   qPrintable(r.spec.version), qPrintable(r.spec.selector), qPrintable(error->message));
        return;
    }
    Rollout next = r;
    next.state = RolloutState::Succeeded;
    next.message = QStringLiteral("%1@%2 runs on all %3 node(s)").arg(r.spec.component, r.spec.version).arg(r.nodesTotal());
    if (commit(next, QStringLiteral("succeeded")))
        applyPins(m_rollouts[id]);
}

std::variant<Rollout, WireError> RolloutEngine::control(const QString &id, RolloutAction action, const QString &principal)
{
    const auto it = m_rollouts.constFind(id);
    if (it == m_rollouts.cend())
        return WireError{ErrorCode::NotFound, QStringLiteral("no rollout %1: see keelctl rollout list").arg(id.left(64)), QStringLiteral("id")};
    const Rollout r = *it;
    auto refuse = [&](const QString &what) {
        return WireError{ErrorCode::FailedPrecondition,
                         QStringLiteral("rollout %1 is %2: %3").arg(id, toText(r.state), what), QStringLiteral("action")};
    };
    switch (action) {
    case RolloutAction::Pause: {
        if (r.state != RolloutState::Pending && r.state != RolloutState::Progressing)
            return refuse(QStringLiteral("only a pending or progressing rollout can be paused"));
        Rollout next = r;
        next.state = RolloutState::Paused;
        next.paused = now();
        next.message = QStringLiteral("paused by %1: keelctl rollout resume %2 to go on").arg(principal, id);
        if (!commit(next, QStringLiteral("paused by %1").arg(principal)))
            return WireError{ErrorCode::Internal, QStringLiteral("the control plane's store failed; see its log"), {}};
        return m_rollouts.value(id);
    }
    case RolloutAction::Resume: {
        if (r.state != RolloutState::Paused)
            return refuse(QStringLiteral("only a paused rollout can be resumed"));
        Rollout next = r;
        next.state = RolloutState::Progressing;
        // Time spent paused does not count against the deadline.
        if (r.paused.isValid())
            next.deadline = r.deadline.addMSecs(std::max<qint64>(0, r.paused.msecsTo(now())));
        next.paused = {};
        next.failure = {};
        const int w = currentWave(next);
        if (w >= 0 && next.waves[w].state != WaveState::Pending && next.waves[w].state != WaveState::Switching)
            startBake(next, w, QStringLiteral("resumed by %1: wave %2 bakes again from now").arg(principal).arg(w + 1));
        else
            next.message = QStringLiteral("resumed by %1").arg(principal);
        if (!commit(next, next.message))
            return WireError{ErrorCode::Internal, QStringLiteral("the control plane's store failed; see its log"), {}};
        advance(id);
        return m_rollouts.value(id);
    }
    case RolloutAction::Abort:
        if (r.state != RolloutState::Pending && r.state != RolloutState::Progressing && r.state != RolloutState::Paused)
            return refuse(QStringLiteral("only a pending, progressing or paused rollout can be aborted"));
        return revert(id, RolloutState::Aborted,
                      QStringLiteral("aborted by %1: switched nodes return to %2").arg(principal, r.baselineVersion.isEmpty() ? QStringLiteral("no version") : r.baselineVersion),
                      QStringLiteral("aborted by %1").arg(principal));
    case RolloutAction::Rollback:
        if (r.state == RolloutState::Pending || r.state == RolloutState::Progressing || r.state == RolloutState::Paused) {
            return revert(id, RolloutState::RolledBack,
                          QStringLiteral("rolled back by %1: switched nodes return to %2").arg(principal, r.baselineVersion.isEmpty() ? QStringLiteral("no version") : r.baselineVersion),
                          QStringLiteral("rolled back by %1").arg(principal));
        }
        if (r.state == RolloutState::Succeeded) {
            // Only while the rule it wrote is still the one that applies.
            bool current = false;
            for (const DeploymentRule &rule : m_deployments.rules(r.spec.component))
                current = rule.deployment.selector == r.spec.selector ? rule.deployment.version == r.spec.version : current;
            if (!current || !holderOf(r.spec.component).isEmpty())
                return refuse(QStringLiteral("%1 on %2 has changed since; deploy or roll out the version you want instead")
                                  .arg(r.spec.component, r.spec.selector));
            auto written = m_deployments.deployHeld(r.spec.component, r.baselineVersion, r.spec.selector,
                                                   QStringLiteral("rollback of %1 by %2").arg(id, principal));
            if (auto *error = std::get_if<WireError>(&written))
                return *error;
            Rollout next = r;
            next.state = RolloutState::RolledBack;
            for (RolloutWave &wave : next.waves)
                wave.state = WaveState::Reverted;
            next.message = QStringLiteral("rolled back by %1 after it succeeded: %2 runs %3 again")
                               .arg(principal, r.spec.selector, r.baselineVersion.isEmpty() ? QStringLiteral("no version") : r.baselineVersion);
            commit(next, QStringLiteral("rolled back by %1").arg(principal));
            return m_rollouts.value(id);
        }
        return refuse(QStringLiteral("there is nothing to roll back"));
    }
    Q_UNREACHABLE();
}

void RolloutEngine::onAck(const QString &node)
{
    for (const QString &id : m_rollouts.keys()) {
        const Rollout &r = m_rollouts[id];
        if (r.state != RolloutState::Progressing && r.state != RolloutState::Failed)
            continue;
        for (const RolloutWave &wave : r.waves) {
            if (wave.nodes.contains(node)) {
                advance(id);
                break;
            }
        }
    }
}

void RolloutEngine::onReport(const QString &node, const MetricsReport &report)
{
    for (Live &live : m_live) // active rollouts only (commit drops the others)
        live.meter.add(node, report);
}

} // namespace Keel
