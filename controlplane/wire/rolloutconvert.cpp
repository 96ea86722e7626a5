// keel.v1 <-> domain for rollouts (declared in protoconvert_p.h).
#include "protoconvert_p.h"

namespace Keel::Proto {

namespace pb = keel::v1;

namespace {

template<typename Enum, typename Pb, size_t N>
std::optional<Enum> fromPb(Pb value, const std::pair<Enum, Pb> (&map)[N])
{
    for (const auto &[domain, proto] : map) {
        if (proto == value)
            return domain;
    }
    return std::nullopt;
}

template<typename Enum, typename Pb, size_t N>
Pb toPb(Enum value, const std::pair<Enum, Pb> (&map)[N])
{
    for (const auto &[domain, proto] : map) {
        if (domain == value)
            return proto;
    }
    Q_UNREACHABLE();
}

const std::pair<RolloutStrategy, pb::RolloutStrategy> kStrategies[] = {
    {RolloutStrategy::Rolling, pb::ROLLOUT_STRATEGY_ROLLING}, {RolloutStrategy::Canary, pb::ROLLOUT_STRATEGY_CANARY}};
const std::pair<RolloutFailureAction, pb::RolloutFailureAction> kFailureActions[] = {
    {RolloutFailureAction::Rollback, pb::ROLLOUT_FAILURE_ACTION_ROLLBACK},
    {RolloutFailureAction::Pause, pb::ROLLOUT_FAILURE_ACTION_PAUSE}};
const std::pair<RolloutState, pb::RolloutState> kStates[] = {
    {RolloutState::Pending, pb::ROLLOUT_STATE_PENDING},         {RolloutState::Progressing, pb::ROLLOUT_STATE_PROGRESSING},
    {RolloutState::Paused, pb::ROLLOUT_STATE_PAUSED},           {RolloutState::Succeeded, pb::ROLLOUT_STATE_SUCCEEDED},
    {RolloutState::Failed, pb::ROLLOUT_STATE_FAILED},           {RolloutState::RolledBack, pb::ROLLOUT_STATE_ROLLED_BACK},
    {RolloutState::Aborted, pb::ROLLOUT_STATE_ABORTED}};
const std::pair<WaveState, pb::WaveState> kWaveStates[] = {
    {WaveState::Pending, pb::WAVE_STATE_PENDING},   {WaveState::Switching, pb::WAVE_STATE_SWITCHING},
    {WaveState::Baking, pb::WAVE_STATE_BAKING},     {WaveState::WaitingForTraffic, pb::WAVE_STATE_WAITING_FOR_TRAFFIC},
    {WaveState::Passed, pb::WAVE_STATE_PASSED},     {WaveState::Failed, pb::WAVE_STATE_FAILED},
    {WaveState::Reverted, pb::WAVE_STATE_REVERTED}};
const std::pair<RolloutAction, pb::RolloutAction> kActions[] = {
    {RolloutAction::Pause, pb::ROLLOUT_ACTION_PAUSE},   {RolloutAction::Resume, pb::ROLLOUT_ACTION_RESUME},
    {RolloutAction::Abort, pb::ROLLOUT_ACTION_ABORT},   {RolloutAction::Rollback, pb::ROLLOUT_ACTION_ROLLBACK}};

void toProto(const RolloutStep &step, pb::RolloutStep *out)
{
    if (step.nodes > 0)
        out->set_nodes(step.nodes);
    else
        out->set_percent(step.percent);
}

RolloutStep fromProto(const pb::RolloutStep &step)
{
    RolloutStep out;
    if (step.size_case() == pb::RolloutStep::kNodes)
        out.nodes = step.nodes();
    else if (step.size_case() == pb::RolloutStep::kPercent)
        out.percent = step.percent();
    return out; // an unset size is invalid: RolloutStep::isValid() says so to whoever checks
}

QStringList strings(const google::protobuf::RepeatedPtrField<std::string> &in)
{
    QStringList out;
    out.reserve(in.size());
    for (const std::string &s : in)
        out.append(str(s));
    return out;
}

void strings(const QStringList &in, google::protobuf::RepeatedPtrField<std::string> *out)
{
    for (const QString &s : in)
        *out->Add() = str(s);
}

} // namespace

pb::RolloutAction toProto(RolloutAction action) { return toPb(action, kActions); }
std::optional<RolloutAction> fromProto(pb::RolloutAction action) { return fromPb(action, kActions); }

void toProto(const RolloutSpec &spec, pb::RolloutSpec *out)
{
    out->set_component(str(spec.component));
    out->set_version(str(spec.version));
    out->set_selector(str(spec.selector));
    out->set_strategy(toPb(spec.strategy, kStrategies));
    toProto(spec.batch, out->mutable_batch());
    for (const RolloutStep &step : spec.steps)
        toProto(step, out->add_steps());
    out->set_bake_seconds(quint32(std::max(0, spec.bakeSeconds)));
    out->set_pause_after_step(spec.pauseAfterStep);
    strings(spec.regionOrder, out->mutable_region_order());
    out->set_order_by_jurisdiction(spec.orderByJurisdiction);
    auto *gates = out->mutable_gates();
    if (spec.gates.maxErrorRate)
        gates->set_max_error_rate(*spec.gates.maxErrorRate);
    if (spec.gates.maxP99Ms)
        gates->set_max_p99_ms(*spec.gates.maxP99Ms);
    if (spec.gates.maxP99Regression)
        gates->set_max_p99_regression(*spec.gates.maxP99Regression);
    gates->set_min_requests(spec.gates.minRequests);
    out->set_on_failure(toPb(spec.onFailure, kFailureActions));
    out->set_deadline_seconds(quint32(std::max(0, spec.deadlineSeconds)));
    out->set_skip_disallowed(spec.skipDisallowed);
}

Decoded<RolloutSpec> fromProto(const pb::RolloutSpec &spec)
{
    RolloutSpec out;
    out.component = str(spec.component());
    out.version = str(spec.version());
    out.selector = str(spec.selector());
    const auto strategy = fromPb(spec.strategy(), kStrategies);
    if (!strategy)
        return Decoded<RolloutSpec>::fail(QStringLiteral("spec.strategy: unspecified or unknown (%1)").arg(int(spec.strategy())));
    out.strategy = *strategy;
    out.batch = fromProto(spec.batch());
    out.steps.clear();
    for (const auto &step : spec.steps())
        out.steps.append(fromProto(step));
    out.bakeSeconds = int(std::min<quint32>(spec.bake_seconds(), 7 * 24 * 3600));
    out.pauseAfterStep = spec.pause_after_step();
    out.regionOrder = strings(spec.region_order());
    out.orderByJurisdiction = spec.order_by_jurisdiction();
    const auto &gates = spec.gates();
    out.gates.maxErrorRate = gates.has_max_error_rate() ? std::optional(gates.max_error_rate()) : std::nullopt;
    out.gates.maxP99Ms = gates.has_max_p99_ms() ? std::optional(gates.max_p99_ms()) : std::nullopt;
    out.gates.maxP99Regression = gates.has_max_p99_regression() ? std::optional(gates.max_p99_regression()) : std::nullopt;
    out.gates.minRequests = gates.min_requests();
    const auto onFailure = fromPb(spec.on_failure(), kFailureActions);
    if (!onFailure)
        return Decoded<RolloutSpec>::fail(QStringLiteral("spec.on_failure: unspecified or unknown (%1)").arg(int(spec.on_failure())));
    out.onFailure = *onFailure;
    out.deadlineSeconds = int(std::min<quint32>(spec.deadline_seconds(), 30 * 24 * 3600));
    out.skipDisallowed = spec.skip_disallowed();
    return Decoded<RolloutSpec>::ok(std::move(out));
}

void toProto(const Rollout &rollout, pb::Rollout *out)
{
    out->set_id(str(rollout.id));
    toProto(rollout.spec, out->mutable_spec());
    out->set_baseline_version(str(rollout.baselineVersion));
    out->set_state(toPb(rollout.state, kStates));
    for (const RolloutWave &wave : rollout.waves) {
        auto *w = out->add_waves();
        w->set_index(quint32(wave.index));
        w->set_step(quint32(wave.step));
        strings(wave.regions, w->mutable_regions());
        strings(wave.nodes, w->mutable_nodes());
        w->set_state(toPb(wave.state, kWaveStates));
        w->set_started_unix_ms(toUnixMs(wave.started));
        w->set_bake_started_unix_ms(toUnixMs(wave.bakeStarted));
        w->set_finished_unix_ms(toUnixMs(wave.finished));
        for (const GateResult &gate : wave.gates) {
            auto *g = w->add_gates();
            g->set_name(str(gate.name));
            g->set_value(gate.value);
            g->set_threshold(gate.threshold);
            g->set_passed(gate.passed);
            g->set_measured(gate.measured);
            g->set_requests(gate.requests);
            g->set_detail(str(gate.detail));
        }
    }
    if (rollout.failure.isSet()) {
        auto *f = out->mutable_failure();
        f->set_gate(str(rollout.failure.gate));
        strings(rollout.failure.nodes, f->mutable_nodes());
        f->set_value(rollout.failure.value);
        f->set_threshold(rollout.failure.threshold);
        f->set_sentence(str(rollout.failure.sentence));
    }
    out->set_created_unix_ms(toUnixMs(rollout.created));
    out->set_created_by(str(rollout.createdBy));
    out->set_updated_unix_ms(toUnixMs(rollout.updated));
    out->set_deadline_unix_ms(toUnixMs(rollout.deadline));
    out->set_message(str(rollout.message));
    out->set_paused_unix_ms(toUnixMs(rollout.paused));
    for (const QString &node : rollout.skippedNodes)
        out->add_skipped_nodes(str(node));
}

Decoded<Rollout> fromProto(const pb::Rollout &rollout)
{
    Rollout out;
    out.id = str(rollout.id());
    auto spec = fromProto(rollout.spec());
    if (!spec)
        return Decoded<Rollout>::fail(QStringLiteral("rollout %1: %2").arg(out.id.left(64), spec.error));
    out.spec = std::move(*spec.value);
    out.baselineVersion = str(rollout.baseline_version());
    const auto state = fromPb(rollout.state(), kStates);
    if (!state)
        return Decoded<Rollout>::fail(QStringLiteral("rollout %1: state unspecified or unknown").arg(out.id.left(64)));
    out.state = *state;
    for (const auto &w : rollout.waves()) {
        RolloutWave wave;
        wave.index = int(w.index());
        wave.step = int(w.step());
        wave.regions = strings(w.regions());
        wave.nodes = strings(w.nodes());
        const auto waveState = fromPb(w.state(), kWaveStates);
        if (!waveState)
            return Decoded<Rollout>::fail(QStringLiteral("rollout %1: wave %2: state unspecified or unknown").arg(out.id.left(64)).arg(w.index()));
        wave.state = *waveState;
        wave.started = fromUnixMs(w.started_unix_ms());
        wave.bakeStarted = fromUnixMs(w.bake_started_unix_ms());
        wave.finished = fromUnixMs(w.finished_unix_ms());
        for (const auto &g : w.gates())
            wave.gates.append({str(g.name()), g.value(), g.threshold(), g.passed(), g.measured(), g.requests(), str(g.detail())});
        out.waves.append(std::move(wave));
    }
    if (rollout.has_failure()) {
        const auto &f = rollout.failure();
        out.failure = {str(f.gate()), strings(f.nodes()), f.value(), f.threshold(), str(f.sentence())};
    }
    out.created = fromUnixMs(rollout.created_unix_ms());
    out.createdBy = str(rollout.created_by());
    out.updated = fromUnixMs(rollout.updated_unix_ms());
    out.deadline = fromUnixMs(rollout.deadline_unix_ms());
    out.message = str(rollout.message());
    out.paused = fromUnixMs(rollout.paused_unix_ms());
    for (const auto &node : rollout.skipped_nodes())
        out.skippedNodes.append(str(node));
    return Decoded<Rollout>::ok(std::move(out));
}

} // namespace Keel::Proto
