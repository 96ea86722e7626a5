#pragma once

#include <QDateTime>
#include <QList>
#include <QStringList>

#include <optional>

// Progressive rollouts: domain types shared by the control plane, its clients and the
// store. They mirror keel.v1's Rollout messages; only the codec converts.
namespace Keel {

enum class RolloutStrategy { Rolling, Canary };
enum class RolloutFailureAction { Rollback, Pause };
enum class RolloutState { Pending, Progressing, Paused, Succeeded, Failed, RolledBack, Aborted };
enum class WaveState { Pending, Switching, Baking, WaitingForTraffic, Passed, Failed, Reverted };
enum class RolloutAction { Pause, Resume, Abort, Rollback };

QString toText(RolloutStrategy strategy);   // "rolling", "canary"
QString toText(RolloutFailureAction action); // "rollback", "pause"
QString toText(RolloutState state);         // "pending", ..., "rolled_back", "aborted"
QString toText(WaveState state);            // "pending", "switching", "baking", "waiting_for_traffic", ...
QString toText(RolloutAction action);       // "pause", "resume", "abort", "rollback"
std::optional<RolloutStrategy> rolloutStrategyFromText(QStringView text);
std::optional<RolloutFailureAction> rolloutFailureActionFromText(QStringView text);
std::optional<RolloutState> rolloutStateFromText(QStringView text);
std::optional<WaveState> waveStateFromText(QStringView text);
// Pending, progressing, paused, failed (nodes still returning to the baseline): the
// rollout holds its component.
bool isActive(RolloutState state);

// A wave's size: nodes, or a share of the rollout's nodes (exactly one is non-zero).
struct RolloutStep
{
    quint32 nodes = 0;
    double percent = 0;

    // "3" or "25%"; nullopt with *error naming the text and what is accepted.
    static std::optional<RolloutStep> parse(QStringView text, QString *error);
    QString text() const;
    // Of `total` nodes: percent rounds up, at least one, at most total.
    int resolve(int total) const;
    bool isValid() const { return (nodes > 0) != (percent > 0 && percent <= 100); }

    bool operator==(const RolloutStep &) const = default;
};

// An unset threshold is not checked. The defaults are what keelctl and the console
// start from.
struct RolloutGates
{
    std::optional<double> maxErrorRate = 0.05; // 5xx share, [0, 1]
    std::optional<double> maxP99Ms;
    std::optional<double> maxP99Regression;     // new p99 / baseline p99
    quint64 minRequests = 10;

    bool operator==(const RolloutGates &) const = default;
};

struct RolloutSpec
{
    QString component;
    QString version;
    QString selector = QStringLiteral("all");
    RolloutStrategy strategy = RolloutStrategy::Rolling;
    RolloutStep batch{0, 25};     // rolling
    QList<RolloutStep> steps;     // canary, cumulative
    int bakeSeconds = 30;
    bool pauseAfterStep = false;
    QStringList regionOrder;      // empty: smallest region first
    bool orderByJurisdiction = false;
    RolloutGates gates;
    RolloutFailureAction onFailure = RolloutFailureAction::Rollback;
    int deadlineSeconds = 3600;
    bool skipDisallowed = false; // roll out to the nodes the residency policy allows

    bool operator==(const RolloutSpec &) const = default;
};

struct GateResult
{
    QString name;       // "error_rate", "p99_ms", "p99_regression", "min_requests", "ack"
    double value = 0;
    double threshold = 0;
    bool passed = false;
    bool measured = false;
    quint64 requests = 0;
    QString detail;

    bool operator==(const GateResult &) const = default;
};

struct RolloutWave
{
    int index = 0; // from 1
    int step = 0;  // from 1
    QStringList regions;
    QStringList nodes;
    WaveState state = WaveState::Pending;
    QDateTime started;
    QDateTime bakeStarted;
    QDateTime finished;
    QList<GateResult> gates;

    bool operator==(const RolloutWave &) const = default;
};

struct RolloutFailure
{
    QString gate;
    QStringList nodes;
    double value = 0;
    double threshold = 0;
    QString sentence;

    bool isSet() const { return !gate.isEmpty(); }
    bool operator==(const RolloutFailure &) const = default;
};

struct Rollout
{
    QString id;
    RolloutSpec spec;
    QString baselineVersion; // empty: the nodes ran no version of the component
    RolloutState state = RolloutState::Pending;
    QList<RolloutWave> waves;
    RolloutFailure failure;
    QDateTime created;
    QString createdBy;
    QDateTime updated;
    QDateTime deadline;
    QString message;
    QDateTime paused;
    QStringList skippedNodes; // matched by the selector, forbidden by the residency policy

    int nodesTotal() const;
    int nodesDone() const; // in passed waves
    bool operator==(const Rollout &) const = default;
};

// A watch event: the rollout as it stands after `event` happened.
struct RolloutEvent
{
    Rollout rollout;
    QString event;

    bool operator==(const RolloutEvent &) const = default;
};

} // namespace Keel
