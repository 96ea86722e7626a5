#include "simoptions.h"

#include <QCommandLineParser>
#include <QUrl>

#include <cstdio>

namespace keel::fleetsim {

QString SimOptions::scenarioName(Scenario scenario)
{
    switch (scenario) {
    case Scenario::Steady: return QStringLiteral("steady");
    case Scenario::Deploy: return QStringLiteral("deploy");
    case Scenario::Rollout: return QStringLiteral("rollout");
    case Scenario::Storm: return QStringLiteral("storm");
    }
    return {};
}

std::optional<SimOptions> SimOptions::parse(const QStringList &arguments, QString &error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "keel-fleetsim: N simulated keel-agents in one process on the real keel.v1 agent protocol.\n"
        "Scenarios: steady (default), deploy COMPONENT@VERSION, rollout COMPONENT@VERSION, storm."));
    parser.addHelpOption();
    parser.addVersionOption();
    auto option = [&](const char *name, const char *description, const char *valueName = nullptr, const char *fallback = nullptr) {
        QCommandLineOption o(QString::fromLatin1(name), QString::fromLatin1(description));
        if (valueName) {
            o.setValueName(QString::fromLatin1(valueName));
            if (fallback)
                o.setDefaultValue(QString::fromLatin1(fallback));
        }
        parser.addOption(o);
    };
    option("server", "Control plane: ws://HOST:PORT or wss://HOST:PORT.", "URL");
    option("ca", "PEM CA certificates to trust for wss://.", "FILE");
    option("token", "Operator token (join tokens, topology, deploys, rollouts, the watch).", "TOKEN");
    option("agents", "Simulated agents.", "N", "100");
    option("regions", "A number of regions, or their names (comma-separated).", "R|LIST", "3");
    option("prefix", "Node names: PREFIX-00001, ...", "NAME", "sim");
    option("threads", "io threads for the agents.", "N", "1");
    option("connect-rate", "New connections per second while ramping up (0: all at once).", "PER_SECOND", "500");
    option("heartbeat-ms", "Heartbeat interval (0: what Welcome says).", "MS", "0");
    option("metrics-ms", "Metrics report interval (0: what Welcome says).", "MS", "0");
    option("components", "Fake components reported on while no desired state names any.", "N", "2");
    option("rps", "Requests per second each component pretends to serve.", "N", "3");
    option("error-rate", "Share of those requests answered 5xx.", "FRACTION", "0.005");
    option("latency-ms", "Median latency of the log-normal draw.", "MS", "20");
    option("duration", "Seconds of steady running after the scenario (0: until SIGINT/SIGTERM).", "SECONDS", "0");
    option("scenario", "steady, deploy, rollout or storm; deploy and rollout take COMPONENT@VERSION after it.", "NAME", "steady");
    option("waves", "rollout: waves.", "N", "10");
    option("bake", "rollout: bake seconds per wave.", "SECONDS", "0");
    option("nack-rate", "Share of desired states rejected.", "FRACTION", "0");
    option("fetch", "Fetch every module a desired state names, chunk by chunk, and check its digest.");
    option("drop-rate", "Share of metrics reports not sent (counted apart, not lost).", "FRACTION", "0");
    option("delay-ms", "Delay before every ack and report.", "MS", "0");
    option("storm-at", "Every agent drops its connection this many seconds after all are ready.", "SECONDS");
    option("storm-every", "... and again every SECONDS.", "SECONDS", "0");
    option("grace", "Seconds to wait at the end for reports still on their way.", "SECONDS", "10");
    option("ready-timeout", "Seconds to wait for every agent to be ready.", "SECONDS", "600");
    option("scenario-timeout", "Seconds a deploy, rollout or storm may take.", "SECONDS", "600");
    option("report", "Write the JSON report to FILE ('-': stdout).", "FILE");
    option("target-triple", "The target triple agents claim.", "TRIPLE", "x86_64-linux-gnu");
    option("seed", "Seed for keys and draws (same seed and names: same node keys).", "N", "1");
    option("controlplane-pid", "Measure this process's CPU and RSS over the steady period.", "PID");
    parser.addPositionalArgument(QStringLiteral("target"), QStringLiteral("COMPONENT@VERSION for deploy and rollout"));
    if (!parser.parse(arguments)) {
        error = parser.errorText();
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        std::exit(0);
    }
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();

    SimOptions o;
    auto value = [&](const char *name) { return parser.value(QString::fromLatin1(name)); };
    bool ok = true;
    auto number = [&](const char *name, double low, double high) {
        bool good = false;
        const double v = value(name).toDouble(&good);
        if (!good || v < low || v > high) {
            if (ok)
                error = QStringLiteral("--%1 %2: expected a number from %3 to %4").arg(QLatin1String(name), value(name)).arg(low).arg(high);
            ok = false;
        }
        return v;
    };
    o.server = value("server");
    const QUrl url(o.server);
    if (o.server.isEmpty() || !url.isValid() || (url.scheme() != QLatin1String("ws") && url.scheme() != QLatin1String("wss"))
        || url.host().isEmpty() || url.port() <= 0) {
        error = QStringLiteral("--server %1: expected ws://HOST:PORT or wss://HOST:PORT").arg(o.server);
        return std::nullopt;
    }
    o.token = value("token");
    if (o.token.isEmpty()) {
        error = QStringLiteral("--token is required: an operator token (the control plane's admin.token will do)");
        return std::nullopt;
    }
    o.agents = int(number("agents", 1, 1000000));
    o.prefix = value("prefix");
    o.threads = int(number("threads", 1, 64));
    o.seed = std::uint64_t(number("seed", 0, 1e15));
    o.waves = int(number("waves", 1, 1000));
    o.bakeSeconds = int(number("bake", 0, 86400));
    o.durationSeconds = number("duration", 0, 1e7);
    o.stormEverySeconds = number("storm-every", 0, 1e7);
    o.graceSeconds = number("grace", 0, 3600);
    o.readyTimeoutSeconds = number("ready-timeout", 1, 1e6);
    o.scenarioTimeoutSeconds = number("scenario-timeout", 1, 1e6);
    if (parser.isSet(QStringLiteral("storm-at")))
        o.stormAtSeconds = number("storm-at", 0, 1e7);
    if (parser.isSet(QStringLiteral("controlplane-pid")))
        o.controlPlanePid = qint64(number("controlplane-pid", 1, 1e9));
    o.reportFile = value("report");

    SimConfig &c = o.config;
    c.connectRate = number("connect-rate", 0, 1e7);
    c.heartbeatMs = int(number("heartbeat-ms", 0, 3600000));
    c.metricsMs = int(number("metrics-ms", 0, 3600000));
    c.fakeComponents = int(number("components", 0, 100));
    c.requestsPerSecond = number("rps", 0, 1e6);
    c.errorRate = number("error-rate", 0, 1);
    c.latencyMedianMs = number("latency-ms", 0.01, 1e6);
    c.nackRate = number("nack-rate", 0, 1);
    c.dropRate = number("drop-rate", 0, 1);
    c.delayMs = int(number("delay-ms", 0, 3600000));
    c.fetch = parser.isSet(QStringLiteral("fetch"));
    c.targetTriple = value("target-triple").toStdString();
    c.tls = url.scheme() == QLatin1String("wss");
    c.caFile = value("ca").toStdString();
    c.host = url.host().toStdString();
    c.port = std::to_string(url.port());
    const bool ipv6 = c.host.find(':') != std::string::npos;
    c.hostHeader = (ipv6 ? "[" + c.host + "]" : c.host) + ":" + c.port;
    if (!ok)
        return std::nullopt;
    c.labels = {{"fleetsim", o.prefix.toStdString()}};

    // --regions 3 or --regions eu-west,us-east
    bool isCount = false;
    const int count = value("regions").toInt(&isCount);
    if (isCount) {
        if (count < 1 || count > 1000) {
            error = QStringLiteral("--regions %1: expected 1 to 1000, or region names").arg(count);
            return std::nullopt;
        }
        static const char *const known[] = {"eu-west", "us-east", "ap-south", "eu-central", "us-west", "sa-east", "ap-northeast", "af-south"};
        for (int i = 0; i < count; ++i)
            o.regions.append(i < 8 ? QString::fromLatin1(known[i]) : QStringLiteral("sim-region-%1").arg(i + 1));
    } else {
        o.regions = value("regions").split(u',', Qt::SkipEmptyParts);
    }

    const QString scenario = value("scenario");
    const QStringList positional = parser.positionalArguments();
    if (scenario == QLatin1String("steady"))
        o.scenario = Scenario::Steady;
    else if (scenario == QLatin1String("deploy"))
        o.scenario = Scenario::Deploy;
    else if (scenario == QLatin1String("rollout"))
        o.scenario = Scenario::Rollout;
    else if (scenario == QLatin1String("storm"))
        o.scenario = Scenario::Storm;
    else {
        error = QStringLiteral("--scenario %1: expected steady, deploy, rollout or storm").arg(scenario);
        return std::nullopt;
    }
    if (o.scenario == Scenario::Deploy || o.scenario == Scenario::Rollout) {
        const QString target = positional.value(0);
        const auto at = target.indexOf(u'@');
        if (positional.size() != 1 || at <= 0 || at == target.size() - 1) {
            error = QStringLiteral("--scenario %1 needs COMPONENT@VERSION after it, e.g. --scenario %1 hello@1.0.0").arg(scenario);
            return std::nullopt;
        }
        o.component = target.left(at);
        o.version = target.mid(at + 1);
    } else if (!positional.isEmpty()) {
        error = QStringLiteral("unexpected argument %1 (only deploy and rollout take COMPONENT@VERSION)").arg(positional.first());
        return std::nullopt;
    }
    if (o.scenario == Scenario::Storm && o.stormAtSeconds < 0)
        o.stormAtSeconds = 0;
    return o;
}

} // namespace keel::fleetsim
