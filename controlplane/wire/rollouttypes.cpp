#include "rollouttypes.h"

#include <cmath>

namespace Keel {

namespace {

template<typename Enum, size_t N>
std::optional<Enum> lookup(QStringView text, const std::pair<Enum, const char *> (&names)[N])
{
    for (const auto &[value, name] : names) {
        if (text == QLatin1String(name))
            return value;
    }
    return std::nullopt;
}

template<typename Enum, size_t N>
QString name(Enum value, const std::pair<Enum, const char *> (&names)[N])
{
    for (const auto &[v, n] : names) {
        if (v == value)
            return QLatin1String(n);
    }
    Q_UNREACHABLE();
}

const std::pair<RolloutStrategy, const char *> kStrategies[] = {
    {RolloutStrategy::Rolling, "rolling"}, {RolloutStrategy::Canary, "canary"}};
const std::pair<RolloutFailureAction, const char *> kFailureActions[] = {
    {RolloutFailureAction::Rollback, "rollback"}, {RolloutFailureAction::Pause, "pause"}};
const std::pair<RolloutState, const char *> kStates[] = {
    {RolloutState::Pending, "pending"},     {RolloutState::Progressing, "progressing"},
    {RolloutState::Paused, "paused"},       {RolloutState::Succeeded, "succeeded"},
    {RolloutState::Failed, "failed"},       {RolloutState::RolledBack, "rolled_back"},
    {RolloutState::Aborted, "aborted"}};
const std::pair<WaveState, const char *> kWaveStates[] = {
    {WaveState::Pending, "pending"}, {WaveState::Switching, "switching"},
    {WaveState::Baking, "baking"},   {WaveState::WaitingForTraffic, "waiting_for_traffic"},
    {WaveState::Passed, "passed"},   {WaveState::Failed, "failed"},
    {WaveState::Reverted, "reverted"}};
const std::pair<RolloutAction, const char *> kActions[] = {
    {RolloutAction::Pause, "pause"}, {RolloutAction::Resume, "resume"},
    {RolloutAction::Abort, "abort"}, {RolloutAction::Rollback, "rollback"}};

} // namespace

QString toText(RolloutStrategy strategy) { return name(strategy, kStrategies); }
QString toText(RolloutFailureAction action) { return name(action, kFailureActions); }
QString toText(RolloutState state) { return name(state, kStates); }
QString toText(WaveState state) { return name(state, kWaveStates); }
QString toText(RolloutAction action) { return name(action, kActions); }
std::optional<RolloutStrategy> rolloutStrategyFromText(QStringView text) { return lookup(text, kStrategies); }
std::optional<RolloutFailureAction> rolloutFailureActionFromText(QStringView text) { return lookup(text, kFailureActions); }
std::optional<RolloutState> rolloutStateFromText(QStringView text) { return lookup(text, kStates); }
std::optional<WaveState> waveStateFromText(QStringView text) { return lookup(text, kWaveStates); }

bool isActive(RolloutState state)
{
    return state == RolloutState::Pending || state == RolloutState::Progressing || state == RolloutState::Paused
        || state == RolloutState::Failed;
}

std::optional<RolloutStep> RolloutStep::parse(QStringView text, QString *error)
{
    const QStringView trimmed = text.trimmed();
    bool ok = false;
    RolloutStep step;
    if (trimmed.endsWith(u'%')) {
        step.percent = trimmed.chopped(1).toDouble(&ok);
        ok = ok && std::isfinite(step.percent) && step.percent > 0 && step.percent <= 100;
    } else {
        const uint nodes = trimmed.toUInt(&ok);
        step.nodes = nodes;
        ok = ok && nodes > 0 && nodes <= 100000;
    }
    if (!ok) {
        *error = QStringLiteral("\"%1\" is not a wave size: give a number of nodes (e.g. 2) or a share of them (e.g. 25%)")
                     .arg(text.left(32));
        return std::nullopt;
    }
    return step;
}

QString RolloutStep::text() const
{
    return nodes > 0 ? QString::number(nodes) : QString::number(percent) + u'%';
}

int RolloutStep::resolve(int total) const
{
    if (total <= 0)
        return 0;
    const int n = nodes > 0 ? int(std::min<quint32>(nodes, quint32(total)))
                            : int(std::ceil(percent / 100.0 * total - 1e-9));
    return std::clamp(n, 1, total);
}

int Rollout::nodesTotal() const
{
    int total = 0;
    for (const RolloutWave &wave : waves)
        total += int(wave.nodes.size());
    return total;
}

int Rollout::nodesDone() const
{
    int done = 0;
    for (const RolloutWave &wave : waves)
        done += wave.state == WaveState::Passed ? int(wave.nodes.size()) : 0;
    return done;
}

} // namespace Keel
