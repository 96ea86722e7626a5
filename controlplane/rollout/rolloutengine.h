#pragma once

#include "gatemeter.h"
#include "operatormessages.h"
#include "rollouttypes.h"
#include "wireerror.h"

#include <QHash>
#include <QMap>
#include <QObject>
#include <QTimer>

#include <functional>
#include <optional>
#include <variant>

namespace Keel {

class DeploymentService;
class FleetMetrics;
class FleetService;
class RegistryService;
class RolloutStore;
class ServerMetrics;

// Drives rollouts: waves switched through per-node pins on the desired state (the
// baseline kept loaded beside the new version), each wave baked and judged by its gates,
// then the next; on failure every switched node returns to the baseline. Every
// transition is written to the store before it is acted on, so a control plane started
// again resumes each rollout where it was: finished waves stay finished, and a wave that
// was baking bakes again from the start (its gates are never skipped).
class RolloutEngine final : public QObject
{
    Q_OBJECT

public:
    using Clock = std::function<QDateTime()>;

    // Throws StoreError while loading.
    RolloutEngine(RolloutStore &store, DeploymentService &deployments, FleetService &fleet, RegistryService &registry,
                  FleetMetrics &metrics, ServerMetrics &serverMetrics, Clock clock = {}, QObject *parent = nullptr);

    std::variant<Rollout, WireError> start(RolloutSpec spec, const QString &principal);
    std::variant<Rollout, WireError> control(const QString &id, RolloutAction action, const QString &principal);
    std::optional<Rollout> rollout(const QString &id) const;
    QList<Rollout> rollouts(const QString &component = {}) const; // newest first
    // The id of the rollout that holds the component now; empty: none.
    QString holderOf(const QString &component) const;

    // Moves every active rollout on; runs each second on a timer, public for tests.
    void tick();

signals:
    void progressed(const Keel::RolloutEvent &event);

private:
    struct Live
    {
        GateMeter meter;
        QHash<QString, quint64> switchGenerations; // node -> the generation that switched it
        std::optional<double> lastBaselineP99Ms;
    };
    enum class NodeSwitch { Waiting, Switched, Refused };

    QDateTime now() const;
    QString newId() const;
    bool commit(Rollout next, const QString &event);
    void advance(const QString &id);
    void advanceWaves(const QString &id);
    void convergeRollback(const QString &id);
    void applyPins(const Rollout &rollout);
    void recordSwitchGenerations(const Rollout &rollout, const RolloutWave &wave);
    NodeSwitch switchState(const Rollout &rollout, const QString &node, QString *reason) const;
    bool runsBaseline(const Rollout &rollout, const QString &node) const;
    void startBake(Rollout &next, int wave, const QString &why);
    void fail(const QString &id, int wave, RolloutFailure failure, bool forceRollback);
    std::variant<Rollout, WireError> revert(const QString &id, RolloutState final, const QString &message, const QString &event);
    void finish(const QString &id);
    void onAck(const QString &node);
    void onReport(const QString &node, const MetricsReport &report);
    static int currentWave(const Rollout &rollout); // the first wave not passed; -1 when all passed
    QSet<QString> pendingNodes(const Rollout &rollout) const;

    RolloutStore &m_store;
    DeploymentService &m_deployments;
    FleetService &m_fleet;
    RegistryService &m_registry;
    ServerMetrics &m_serverMetrics;
    Clock m_clock;
    QMap<QString, Rollout> m_rollouts;
    QHash<QString, Live> m_live;
    QTimer m_timer;
};

} // namespace Keel
