#pragma once

#include "agentswarm.h"
#include "processsampler.h"
#include "reportledger.h"
#include "simoptions.h"
#include "simstats.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

namespace Keel {
struct MetricsWindow;
struct RolloutEvent;
}

namespace keel::fleetsim {

class FleetOperator;

// One run of the simulator, in phases: setup (regions, join tokens, the watch), ramp-up
// until every agent is ready, the scenario (deploy, rollout or storm), the steady period,
// then a drain that gives reports on their way a grace period before the unseen ones count
// as lost. Storms (--storm-at, --storm-every) run beside the phases. Everything it waits
// for is polled with a deadline; it never sleeps. Main thread.
class FleetRun final : public QObject
{
    Q_OBJECT

public:
    using StopRequested = std::function<bool()>;

    FleetRun(SimOptions options, StopRequested stopRequested, QObject *parent = nullptr);
    ~FleetRun() override;

    void start();

signals:
    void finished(int exitCode);

private:
    enum class Phase { Setup, Ramp, Scenario, Steady, Drain, Done };

    void onPrepared(const QMap<QString, QString> &tokens);
    void tick();
    void tickRamp();
    void tickStorms();
    void beginScenario();
    void deployScenario();
    void rolloutScenario();
    void followRollout(const QString &id);
    void onRolloutEvent(const Keel::RolloutEvent &event);
    void waitForAcks(qint64 t0Ms, std::function<void(double seconds)> then);
    void waitForConvergence(qint64 t0Ms);
    void scenarioDone(const QString &error);
    void beginSteady();
    void endSteady();
    void beginDrain();
    void finish();
    void fail(const QString &error);
    void onWindow(const Keel::MetricsWindow &window);
    double sinceStartSeconds() const { return double(m_clock.elapsed()) / 1000.0; }
    bool scenarioTimedOut() const;

    SimOptions m_options;
    StopRequested m_stopRequested;
    SimStats m_stats;
    ReportLedger m_ledger;
    std::unique_ptr<AgentSwarm> m_swarm;
    FleetOperator *m_operator = nullptr;
    QTimer m_ticker;
    QElapsedTimer m_clock;
    Phase m_phase = Phase::Setup;
    QString m_error;

    // Ramp-up.
    double m_startedAt = -1; // seconds since start, when the agents started
    double m_readyAt = -1;
    quint64 m_heapBeforeAgents = 0;
    quint64 m_heapPerAgent = 0;
    quint64 m_rssBeforeAgents = 0;
    quint64 m_rssPerAgent = 0;

    // Scenario.
    double m_scenarioStartedAt = -1;
    QJsonObject m_scenario;
    QString m_rolloutId;
    bool m_scenarioOver = false;

    // Storms.
    double m_nextStormAt = -1;
    double m_stormStartedAt = -1;
    std::vector<AgentSwarm::StormMark> m_stormMarks;
    QJsonArray m_storms;

    // Steady period and drain.
    double m_steadyStartedAt = -1;
    double m_steadyEndedAt = -1;
    ProcessSampler::Sample m_cpAtSteady;
    ProcessSampler::Sample m_selfAtSteady;
    QJsonObject m_steady;
    double m_drainStartedAt = -1;
    quint64 m_lost = 0;
};

} // namespace keel::fleetsim
