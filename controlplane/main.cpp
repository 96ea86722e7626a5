// keel-controlplane: parses options, starts the ControlPlane, runs until SIGINT/SIGTERM.

#include "controlplane.h"
#include "keelversion.h"
#include "shutdownsignals.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>

#include <cstdio>
#include <sys/resource.h>

namespace {

int fail(const QString &message)
{
    std::fprintf(stderr, "keel-controlplane: %s\n", qPrintable(message));
    return 2;
}

bool parseHostPort(const QString &text, QHostAddress *address, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint value = text.mid(colon + 1).toUInt(&ok);
    if (!ok || value > 65535)
        return false;
    if (host == QLatin1String("localhost"))
        *address = QHostAddress::LocalHost;
    else if (!address->setAddress(host))
        return false;
    *port = quint16(value);
    return true;
}

bool parsePositive(const QString &text, int *out)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value <= 0)
        return false;
    *out = value;
    return true;
}

// Every agent is a socket: take the hard limit on open files rather than the often
// small soft default, so a large fleet (or a flood) does not exhaust descriptors early.
void raiseOpenFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("keel-controlplane"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KEEL_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Keel control plane: owns the fleet's truth and serves agents (/v1/agent) and operators (/v1/operator)."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dataDir(QStringLiteral("data-dir"), QStringLiteral("Directory for the SQLite store, keys and the first admin token."), QStringLiteral("DIR"), QStringLiteral("keel-data"));
    const QCommandLineOption listen(QStringLiteral("listen"), QStringLiteral("WebSocket listener, HOST:PORT (port 0: any free port)."), QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:7070"));
    const QCommandLineOption heartbeat(QStringLiteral("heartbeat-interval"), QStringLiteral("How often agents send a heartbeat, in ms."), QStringLiteral("MS"), QStringLiteral("5000"));
    const QCommandLineOption grace(QStringLiteral("grace"), QStringLiteral("Silence after which a node is marked unreachable, in ms."), QStringLiteral("MS"), QStringLiteral("15000"));
    const QCommandLineOption metrics(QStringLiteral("metrics-listen"), QStringLiteral("Serve Prometheus /metrics on HOST:PORT (off by default)."), QStringLiteral("HOST:PORT"));
    const QCommandLineOption metricsInterval(QStringLiteral("metrics-interval"), QStringLiteral("How often agents report their metrics, in ms."), QStringLiteral("MS"), QStringLiteral("2000"));
    const QCommandLineOption tlsCert(QStringLiteral("tls-cert"), QStringLiteral("Serve wss:// with this PEM certificate (chain); needs --tls-key."), QStringLiteral("FILE"));
    const QCommandLineOption tlsKey(QStringLiteral("tls-key"), QStringLiteral("The PEM private key of --tls-cert (unencrypted, mode 0600)."), QStringLiteral("FILE"));
    const QCommandLineOption aotTool(QStringLiteral("aot-tool"), QStringLiteral("The keel-aot that builds AOT objects (default: the one beside this program)."), QStringLiteral("FILE"));
    const QCommandLineOption aotCc(QStringLiteral("aot-cc"), QStringLiteral("C compiler keel-aot builds with (default: clang if installed, else cc)."), QStringLiteral("COMPILER"));
    const QCommandLineOption aotTimeout(QStringLiteral("aot-build-timeout"), QStringLiteral("Wall-clock limit of one AOT build, in seconds."), QStringLiteral("S"), QStringLiteral("600"));
    const QCommandLineOption aotCpu(QStringLiteral("aot-build-cpu"), QStringLiteral("CPU-time limit of each process of an AOT build, in seconds."), QStringLiteral("S"), QStringLiteral("300"));
    const QCommandLineOption aotMemory(QStringLiteral("aot-build-memory"), QStringLiteral("Address-space limit of each process of an AOT build, in MiB."), QStringLiteral("MB"), QStringLiteral("4096"));
    parser.addOptions({dataDir, listen, heartbeat, grace, metrics, metricsInterval, tlsCert, tlsKey, aotTool, aotCc, aotTimeout, aotCpu,
                       aotMemory});
    parser.process(app);
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("unexpected argument \"%1\": see --help").arg(parser.positionalArguments().first()));

    Keel::ControlPlaneOptions options;
    options.dataDir = QDir(parser.value(dataDir)).absolutePath();
    if (!parseHostPort(parser.value(listen), &options.listenAddress, &options.listenPort))
        return fail(QStringLiteral("--listen: \"%1\" is not HOST:PORT: use e.g. 127.0.0.1:7070").arg(parser.value(listen)));
    if (!parsePositive(parser.value(heartbeat), &options.fleet.heartbeatIntervalMs))
        return fail(QStringLiteral("--heartbeat-interval: \"%1\" is not a positive number of ms").arg(parser.value(heartbeat)));
    if (!parsePositive(parser.value(grace), &options.fleet.graceMs))
        return fail(QStringLiteral("--grace: \"%1\" is not a positive number of ms").arg(parser.value(grace)));
    if (options.fleet.graceMs <= options.fleet.heartbeatIntervalMs)
        return fail(QStringLiteral("--grace %1 must be longer than --heartbeat-interval %2, or every node flaps").arg(options.fleet.graceMs).arg(options.fleet.heartbeatIntervalMs));
    options.metricsListen = parser.value(metrics);
    if (!parsePositive(parser.value(metricsInterval), &options.metrics.metricsIntervalMs) || options.metrics.metricsIntervalMs < 100)
        return fail(QStringLiteral("--metrics-interval: \"%1\" is not a number of ms from 100 up").arg(parser.value(metricsInterval)));
    options.aotTool = parser.value(aotTool);
    options.aotCompiler = parser.value(aotCc);
    int aotTimeoutSeconds = 0;
    if (!parsePositive(parser.value(aotTimeout), &aotTimeoutSeconds) || aotTimeoutSeconds > 24 * 3600)
        return fail(QStringLiteral("--aot-build-timeout: \"%1\" is not a number of seconds from 1 to 86400").arg(parser.value(aotTimeout)));
    options.aotLimits.timeoutMs = aotTimeoutSeconds * 1000;
    if (!parsePositive(parser.value(aotCpu), &options.aotLimits.cpuSeconds))
        return fail(QStringLiteral("--aot-build-cpu: \"%1\" is not a positive number of seconds").arg(parser.value(aotCpu)));
    int aotMemoryMb = 0;
    if (!parsePositive(parser.value(aotMemory), &aotMemoryMb) || aotMemoryMb < 64)
        return fail(QStringLiteral("--aot-build-memory: \"%1\" is not a number of MiB from 64 up").arg(parser.value(aotMemory)));
    options.aotLimits.memoryMb = quint64(aotMemoryMb);
    options.tlsCertificate = parser.value(tlsCert);
    options.tlsKey = parser.value(tlsKey);

    raiseOpenFileLimit();
    QString error;
    auto controlPlane = Keel::ControlPlane::start(options, &error);
    if (!controlPlane)
        return fail(error);

    std::printf("keel-controlplane %s: listening on %s (agents: /v1/agent, operators: /v1/operator)\n", KEEL_VERSION, qPrintable(controlPlane->url()));
    std::printf("keel-controlplane: data dir %s; heartbeat %d ms, unreachable after %d ms\n", qPrintable(options.dataDir),
                options.fleet.heartbeatIntervalMs, options.fleet.graceMs);
    if (controlPlane->createdAdminToken())
        std::printf("keel-controlplane: created the first admin token in %s (mode 0600)\n", qPrintable(controlPlane->adminTokenPath()));
    if (!options.metricsListen.isEmpty())
        std::printf("keel-controlplane: metrics on http://%s:%u/metrics\n",
                    qPrintable(options.metricsListen.left(options.metricsListen.lastIndexOf(u':'))), controlPlane->metricsPort());
    std::fflush(stdout);

    Keel::ShutdownSignals shutdown;
    QObject::connect(&shutdown, &Keel::ShutdownSignals::shutdownRequested, &app, [](int) { QCoreApplication::quit(); });
    const int rc = app.exec();
    controlPlane.reset();
    std::printf("keel-controlplane: stopped\n");
    return rc;
}
