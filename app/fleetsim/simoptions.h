#pragma once

#include "simconfig.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace keel::fleetsim {

// keel-fleetsim's command line, checked.
struct SimOptions
{
    enum class Scenario { Steady, Deploy, Rollout, Storm };

    QString server;   // ws://HOST:PORT or wss://HOST:PORT
    QString token;    // operator token (operator role at least; admin to be safe)
    int agents = 100;
    QStringList regions;
    QString prefix = QStringLiteral("sim");
    int threads = 1;
    std::uint64_t seed = 1;
    Scenario scenario = Scenario::Steady;
    QString component; // deploy and rollout: COMPONENT@VERSION, split
    QString version;
    int waves = 10;
    int bakeSeconds = 0;
    double durationSeconds = 0; // of the steady period after the scenario; 0: until a signal
    double stormAtSeconds = -1; // after every agent is ready; < 0: no storm (storm scenario: 0)
    double stormEverySeconds = 0;
    double graceSeconds = 10;   // for reports still on their way at the end
    double readyTimeoutSeconds = 600;
    double scenarioTimeoutSeconds = 600;
    QString reportFile;         // "-": stdout
    qint64 controlPlanePid = 0; // measure this process's CPU and RSS over the steady period
    SimConfig config;

    static QString scenarioName(Scenario scenario);
    // nullopt with `error` naming the flag and the value when the command line is wrong.
    static std::optional<SimOptions> parse(const QStringList &arguments, QString &error);
};

} // namespace keel::fleetsim
