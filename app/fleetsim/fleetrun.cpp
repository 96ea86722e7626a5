#include "fleetrun.h"

#include "fleetoperator.h"
#include "simreport.h"

#include <QDateTime>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdio>

namespace keel::fleetsim {

using namespace Keel;

namespace {

constexpr int kTickMs = 100;
constexpr int kConvergencePollMs = 250;

qint64 steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void say(const QString &line)
{
    std::fprintf(stderr, "keel-fleetsim: %s\n", qPrintable(line));
    std::fflush(stderr);
}

} // namespace

FleetRun::FleetRun(SimOptions options, StopRequested stopRequested, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_stopRequested(std::move(stopRequested))
{
    m_ticker.setInterval(kTickMs);
    connect(&m_ticker, &QTimer::timeout, this, &FleetRun::tick);
}

FleetRun::~FleetRun() = default;

void FleetRun::start()
{
    m_clock.start();
    m_ticker.start();
    // Resolve once: ten thousand agents must not each ask the resolver.
    SimConfig &config = m_options.config;
    boost::system::error_code ec;
    const auto literal = boost::asio::ip::make_address(config.host, ec);
    if (!ec) {
        config.endpoints.emplace_back(literal, std::uint16_t(std::stoul(config.port)));
    } else {
        boost::asio::io_context io;
        boost::asio::ip::tcp::resolver resolver(io);
        const auto results = resolver.resolve(config.host, config.port, ec);
        if (ec)
            return fail(QStringLiteral("cannot resolve %1: %2").arg(QString::fromStdString(config.host), QString::fromStdString(ec.message())));
        for (const auto &entry : results)
            config.endpoints.push_back(entry.endpoint());
    }
    m_operator = new FleetOperator(m_options.server, m_options.token, QString::fromStdString(config.caFile), m_options.prefix, this);
    connect(m_operator, &FleetOperator::metricsWindow, this, &FleetRun::onWindow);
    connect(m_operator, &FleetOperator::rolloutProgressed, this, &FleetRun::onRolloutEvent);
    QMap<QString, int> perRegion;
    for (int i = 0; i < m_options.agents; ++i)
        perRegion[m_options.regions[i % m_options.regions.size()]] += 1;
    say(QStringLiteral("%1 agents in %2 regions against %3").arg(m_options.agents).arg(m_options.regions.size()).arg(m_options.server));
    m_operator->prepare(perRegion, [this](const QString &error, const QMap<QString, QString> &tokens) {
        if (!error.isEmpty())
            return fail(error);
        onPrepared(tokens);
    });
}

void FleetRun::onPrepared(const QMap<QString, QString> &tokens)
{
    if (m_phase != Phase::Setup)
        return;
    m_heapBeforeAgents = ProcessSampler::heapInUse();
    m_rssBeforeAgents = ProcessSampler::sample(0).rssBytes;
    m_swarm = std::make_unique<AgentSwarm>(m_options.config, m_stats, m_ledger, m_options.threads, m_options.seed);
    if (!m_swarm->tlsProblem().empty())
        return fail(QString::fromStdString(m_swarm->tlsProblem()));
    const std::string keySeed = "keel-fleetsim/" + std::to_string(m_options.seed);
    for (int i = 0; i < m_options.agents; ++i) {
        const QString region = m_options.regions[i % m_options.regions.size()];
        const QString name = QStringLiteral("%1-%2").arg(m_options.prefix).arg(i + 1, 5, 10, QLatin1Char('0'));
        m_swarm->addAgent(name.toStdString(), region.toStdString(), tokens.value(region).toStdString(), keySeed);
    }
    m_phase = Phase::Ramp;
    m_startedAt = sinceStartSeconds();
    m_swarm->start();
}

void FleetRun::tick()
{
    if (m_stopRequested && m_stopRequested() && m_phase != Phase::Drain && m_phase != Phase::Done) {
        say(QStringLiteral("stopping on a signal"));
        if (m_phase == Phase::Setup)
            return fail(QStringLiteral("stopped on a signal during setup"));
        if (m_phase == Phase::Ramp || m_phase == Phase::Scenario)
            m_error = QStringLiteral("stopped on a signal before the scenario finished");
        if (m_phase == Phase::Steady)
            endSteady();
        return beginDrain();
    }
    switch (m_phase) {
    case Phase::Setup:
    case Phase::Done:
        return;
    case Phase::Ramp:
        return tickRamp();
    case Phase::Scenario:
        tickStorms();
        if (m_options.scenario == SimOptions::Scenario::Storm && m_storms.size() > 0 && m_stormStartedAt < 0)
            return scenarioDone({});
        if (!m_scenarioOver && scenarioTimedOut())
            return scenarioDone(QStringLiteral("the %1 scenario did not finish within %2 s")
                                    .arg(SimOptions::scenarioName(m_options.scenario)).arg(m_options.scenarioTimeoutSeconds));
        return;
    case Phase::Steady:
        tickStorms();
        if (m_options.durationSeconds > 0 && sinceStartSeconds() - m_steadyStartedAt >= m_options.durationSeconds
            && m_stormStartedAt < 0) {
            endSteady();
            beginDrain();
        }
        return;
    case Phase::Drain: {
        const double waited = sinceStartSeconds() - m_drainStartedAt;
        const double floor = m_options.config.delayMs / 1000.0 + 0.5; // delayed reports still go out
        if ((waited >= floor && m_ledger.outstanding() == 0) || waited >= std::max(floor, m_options.graceSeconds))
            finish();
        return;
    }
    }
}

void FleetRun::tickRamp()
{
    const auto census = m_swarm->census();
    if (census.ready == census.agents) {
        m_readyAt = sinceStartSeconds();
        const quint64 heap = ProcessSampler::heapInUse();
        const quint64 rss = ProcessSampler::sample(0).rssBytes;
        m_heapPerAgent = heap > m_heapBeforeAgents ? (heap - m_heapBeforeAgents) / census.agents : 0;
        m_rssPerAgent = rss > m_rssBeforeAgents ? (rss - m_rssBeforeAgents) / census.agents : 0;
        say(QStringLiteral("all %1 agents ready after %2 s (heap %3 B per agent)")
                .arg(census.agents).arg(m_readyAt - m_startedAt, 0, 'f', 2).arg(m_heapPerAgent));
        m_ledger.resetLatencies(); // latencies from here on: the fleet in its steady state
        if (m_options.stormAtSeconds >= 0)
            m_nextStormAt = m_readyAt + m_options.stormAtSeconds;
        return beginScenario();
    }
    if (sinceStartSeconds() - m_startedAt > m_options.readyTimeoutSeconds) {
        m_error = QStringLiteral("%1 of %2 agents ready after %3 s (%4 ever admitted)")
                      .arg(census.ready).arg(census.agents).arg(m_options.readyTimeoutSeconds).arg(census.everAdmitted);
        say(m_error);
        beginDrain();
    }
}

void FleetRun::tickStorms()
{
    const double now = sinceStartSeconds();
    if (m_stormStartedAt < 0 && m_nextStormAt >= 0 && now >= m_nextStormAt) {
        say(QStringLiteral("storm: every agent drops its connection"));
        m_stormStartedAt = now;
        m_stormMarks = m_swarm->storm();
        return;
    }
    if (m_stormStartedAt < 0)
        return;
    const auto progress = m_swarm->stormProgress(m_stormMarks);
    const auto agents = std::uint32_t(m_stormMarks.size());
    const bool over = progress.readmitted + progress.moved >= agents;
    const bool late = now - m_stormStartedAt > m_options.scenarioTimeoutSeconds;
    if (!over && !late)
        return;
    QJsonObject storm{{QStringLiteral("agents"), int(agents)},
                      {QStringLiteral("readmitted_same_generation"), int(progress.readmitted)},
                      {QStringLiteral("readmitted_other_generation"), int(progress.moved)},
                      {QStringLiteral("complete"), over},
                      {QStringLiteral("seconds"), over ? now - m_stormStartedAt : -1.0}};
    say(QStringLiteral("storm: %1 of %2 agents admitted again with their generation%3")
            .arg(progress.readmitted).arg(agents)
            .arg(over ? QStringLiteral(" after %1 s").arg(now - m_stormStartedAt, 0, 'f', 2) : QStringLiteral(" (gave up)")));
    m_storms.append(storm);
    m_stormStartedAt = -1;
    m_nextStormAt = m_options.stormEverySeconds > 0 ? now + m_options.stormEverySeconds : -1;
}

bool FleetRun::scenarioTimedOut() const
{
    return m_scenarioStartedAt >= 0 && sinceStartSeconds() - m_scenarioStartedAt > m_options.scenarioTimeoutSeconds;
}

void FleetRun::beginScenario()
{
    m_phase = Phase::Scenario;
    m_scenarioStartedAt = sinceStartSeconds();
    m_scenario = {{QStringLiteral("name"), SimOptions::scenarioName(m_options.scenario)}};
    switch (m_options.scenario) {
    case SimOptions::Scenario::Steady:
        return scenarioDone({});
    case SimOptions::Scenario::Storm:
        return; // tickStorms() runs it; the scenario is over with the first storm
    case SimOptions::Scenario::Deploy:
        return deployScenario();
    case SimOptions::Scenario::Rollout:
        return rolloutScenario();
    }
}

void FleetRun::deployScenario()
{
    const QString target = m_options.component + u'@' + m_options.version;
    m_scenario.insert(QStringLiteral("target"), target);
    const qint64 deadline = QDateTime::currentMSecsSinceEpoch() + qint64(m_options.scenarioTimeoutSeconds * 1000);
    m_operator->waitForBuild(m_options.component, m_options.version, deadline, [this, target](const QString &error) {
        if (!error.isEmpty())
            return scenarioDone(error);
        m_swarm->target().set(m_options.component.toStdString(), m_options.version.toStdString());
        say(QStringLiteral("deploy %1 --to %2").arg(target, m_operator->selector()));
        const qint64 t0 = steadyMs();
        m_scenarioStartedAt = sinceStartSeconds();
        m_operator->deploy(m_options.component, m_options.version, [this, t0](const QString &error) {
            if (!error.isEmpty())
                return scenarioDone(error);
            waitForAcks(t0, [this, t0](double seconds) {
                m_scenario.insert(QStringLiteral("acked_seconds"), seconds);
                say(QStringLiteral("every agent acknowledged the deploy after %1 s").arg(seconds, 0, 'f', 3));
                waitForConvergence(t0);
            });
        });
    });
}

void FleetRun::waitForAcks(qint64 t0Ms, std::function<void(double)> then)
{
    if (m_phase != Phase::Scenario || m_scenarioOver)
        return;
    const auto census = m_swarm->census();
    m_scenario.insert(QStringLiteral("agents_acked"), int(census.targetAcked));
    if (census.targetAcked >= census.agents)
        return then(double(census.lastTargetAckMs - t0Ms) / 1000.0);
    QTimer::singleShot(kTickMs / 4, this, [this, t0Ms, then] { waitForAcks(t0Ms, then); });
}

void FleetRun::waitForConvergence(qint64 t0Ms)
{
    if (m_phase != Phase::Scenario || m_scenarioOver)
        return;
    m_operator->converged(m_options.component, m_options.version, [this, t0Ms](const QString &error, int converged, int total) {
        if (m_phase != Phase::Scenario || m_scenarioOver)
            return;
        if (!error.isEmpty())
            return scenarioDone(error);
        m_scenario.insert(QStringLiteral("nodes_converged"), converged);
        if (converged >= m_options.agents && total >= m_options.agents) {
            const double seconds = double(steadyMs() - t0Ms) / 1000.0;
            m_scenario.insert(QStringLiteral("converged_seconds"), seconds);
            say(QStringLiteral("the control plane shows all %1 nodes converged after %2 s").arg(converged).arg(seconds, 0, 'f', 3));
            return scenarioDone({});
        }
        QTimer::singleShot(kConvergencePollMs, this, [this, t0Ms] { waitForConvergence(t0Ms); });
    });
}

void FleetRun::rolloutScenario()
{
    const QString target = m_options.component + u'@' + m_options.version;
    m_scenario.insert(QStringLiteral("target"), target);
    m_scenario.insert(QStringLiteral("waves"), m_options.waves);
    m_scenario.insert(QStringLiteral("bake_seconds"), m_options.bakeSeconds);
    const qint64 deadline = QDateTime::currentMSecsSinceEpoch() + qint64(m_options.scenarioTimeoutSeconds * 1000);
    m_operator->waitForBuild(m_options.component, m_options.version, deadline, [this, target](const QString &error) {
        if (!error.isEmpty())
            return scenarioDone(error);
        m_swarm->target().set(m_options.component.toStdString(), m_options.version.toStdString());
        say(QStringLiteral("rollout start %1 --to %2 --batch %3% --bake %4s")
                .arg(target, m_operator->selector()).arg(100.0 / m_options.waves).arg(m_options.bakeSeconds));
        m_scenarioStartedAt = sinceStartSeconds();
        m_operator->startRollout(m_options.component, m_options.version, m_options.waves, m_options.bakeSeconds,
                                 [this](const QString &error, const Rollout &rollout) {
                                     if (!error.isEmpty())
                                         return scenarioDone(error);
                                     m_rolloutId = rollout.id;
                                     m_scenario.insert(QStringLiteral("rollout_id"), rollout.id);
                                     onRolloutEvent({rollout, rollout.message});
                                     followRollout(rollout.id);
                                 });
    });
}

void FleetRun::followRollout(const QString &id)
{
    // The watch brings every transition; a read now and then covers one missed while the
    // operator connection was away.
    if (m_phase != Phase::Scenario || m_scenarioOver)
        return;
    m_operator->client().getRollout(id, [this, id](const Result<Rollout> &result) {
        if (const auto *rollout = std::get_if<Rollout>(&result))
            onRolloutEvent({*rollout, rollout->message});
        QTimer::singleShot(1000, this, [this, id] { followRollout(id); });
    });
}

void FleetRun::onRolloutEvent(const RolloutEvent &event)
{
    if (m_phase != Phase::Scenario || m_scenarioOver || event.rollout.id != m_rolloutId || m_rolloutId.isEmpty())
        return;
    if (isActive(event.rollout.state))
        return;
    const double seconds = sinceStartSeconds() - m_scenarioStartedAt;
    m_scenario.insert(QStringLiteral("state"), toText(event.rollout.state));
    m_scenario.insert(QStringLiteral("message"), event.rollout.message);
    m_scenario.insert(QStringLiteral("nodes"), event.rollout.nodesTotal());
    m_scenario.insert(QStringLiteral("waves_planned"), int(event.rollout.waves.size()));
    m_scenario.insert(QStringLiteral("agents_acked"), int(m_swarm->census().targetAcked));
    if (event.rollout.state != RolloutState::Succeeded)
        return scenarioDone(QStringLiteral("rollout %1 ended %2: %3").arg(event.rollout.id, toText(event.rollout.state), event.rollout.message));
    m_scenario.insert(QStringLiteral("seconds"), seconds);
    say(QStringLiteral("rollout %1 succeeded after %2 s").arg(event.rollout.id).arg(seconds, 0, 'f', 3));
    scenarioDone({});
}

void FleetRun::scenarioDone(const QString &error)
{
    if (m_scenarioOver)
        return;
    m_scenarioOver = true;
    m_scenario.insert(QStringLiteral("ok"), error.isEmpty());
    if (!error.isEmpty()) {
        m_scenario.insert(QStringLiteral("error"), error);
        m_error = error;
        say(error);
    }
    beginSteady();
}

void FleetRun::beginSteady()
{
    m_phase = Phase::Steady;
    m_steadyStartedAt = sinceStartSeconds();
    m_selfAtSteady = ProcessSampler::sample(0);
    if (m_options.controlPlanePid > 0)
        m_cpAtSteady = ProcessSampler::sample(m_options.controlPlanePid);
    if (m_options.durationSeconds > 0)
        say(QStringLiteral("steady for %1 s").arg(m_options.durationSeconds));
    else
        say(QStringLiteral("steady until SIGINT or SIGTERM"));
}

void FleetRun::endSteady()
{
    m_steadyEndedAt = sinceStartSeconds();
    const double seconds = std::max(0.001, m_steadyEndedAt - m_steadyStartedAt);
    m_steady.insert(QStringLiteral("seconds"), seconds);
    const auto self = ProcessSampler::sample(0);
    if (self.valid && m_selfAtSteady.valid)
        m_steady.insert(QStringLiteral("sim_cpu_cores"), (self.cpuSeconds - m_selfAtSteady.cpuSeconds) / seconds);
    if (m_options.controlPlanePid > 0) {
        const auto cp = ProcessSampler::sample(m_options.controlPlanePid);
        QJsonObject controlPlane{{QStringLiteral("pid"), m_options.controlPlanePid}};
        if (cp.valid && m_cpAtSteady.valid) {
            controlPlane.insert(QStringLiteral("cpu_cores"), (cp.cpuSeconds - m_cpAtSteady.cpuSeconds) / seconds);
            controlPlane.insert(QStringLiteral("rss_bytes"), double(cp.rssBytes));
            controlPlane.insert(QStringLiteral("peak_rss_bytes"), double(cp.peakRssBytes));
        } else {
            controlPlane.insert(QStringLiteral("error"), QStringLiteral("cannot read /proc/%1").arg(m_options.controlPlanePid));
        }
        m_steady.insert(QStringLiteral("controlplane"), controlPlane);
    }
}

void FleetRun::beginDrain()
{
    m_phase = Phase::Drain;
    m_drainStartedAt = sinceStartSeconds();
    if (m_swarm)
        m_swarm->stopReports();
}

void FleetRun::fail(const QString &error)
{
    m_error = error;
    say(error);
    beginDrain();
}

void FleetRun::onWindow(const MetricsWindow &window)
{
    // A node's window (all components merged) per report, carrying its window end.
    if (window.node.isEmpty() || !window.component.isEmpty() || !window.node.startsWith(m_options.prefix)
        || window.node.size() <= m_options.prefix.size() + 1 || window.node[m_options.prefix.size()] != u'-')
        return;
    bool ok = false;
    const int number = QStringView(window.node).mid(m_options.prefix.size() + 1).toInt(&ok);
    if (!ok || number < 1 || number > m_options.agents)
        return;
    m_ledger.seen(std::uint32_t(number - 1), window.windowEnd.toMSecsSinceEpoch(), ReportLedger::Clock::now());
}

void FleetRun::finish()
{
    m_phase = Phase::Done;
    m_ticker.stop();
    m_lost = m_ledger.outstanding();
    const AgentSwarm::Census census = m_swarm ? m_swarm->census() : AgentSwarm::Census{};
    if (m_swarm)
        m_swarm->stop();
    SimReport report(m_options);
    report.setRun(census.agents, census.everAdmitted, census.ready,
                  m_readyAt >= 0 ? m_readyAt - m_startedAt : -1.0, m_heapPerAgent, m_rssPerAgent);
    report.setScenario(m_scenario, m_storms, m_steady);
    report.setOutcome(m_stats, m_ledger.latencies(), m_lost, m_error);
    const bool written = report.write(m_options.reportFile);
    std::fputs(qPrintable(report.summary()), stderr);
    const bool ok = m_error.isEmpty() && written && census.everAdmitted == census.agents;
    emit finished(ok ? 0 : 1);
}

} // namespace keel::fleetsim
