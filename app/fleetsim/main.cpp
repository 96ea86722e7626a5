// keel-fleetsim: N simulated keel-agents in one process, on the real keel.v1 agent
// protocol, for measuring the control plane (docs/operations.md, "Fleet simulator").
#include "fleetrun.h"
#include "simoptions.h"

#include "keelversion.h"

#include <QCoreApplication>

#include <sodium.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <malloc.h>
#include <sys/resource.h>

namespace {

std::atomic<bool> g_stop{false};

void onSignal(int)
{
    g_stop = true;
}

// Ten thousand agents need ten thousand sockets.
void raiseFileLimit()
{
    struct rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    // One malloc arena, so that mallinfo2() sees every thread's agents (heap per agent).
    ::mallopt(M_ARENA_MAX, 1);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("keel-fleetsim"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KEEL_VERSION));
    QString error;
    auto options = keel::fleetsim::SimOptions::parse(app.arguments(), error);
    if (!options) {
        std::fprintf(stderr, "keel-fleetsim: %s\n", qPrintable(error));
        return 2;
    }
    if (sodium_init() < 0) {
        std::fprintf(stderr, "keel-fleetsim: libsodium failed to initialise\n");
        return 2;
    }
    raiseFileLimit();
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGPIPE, SIG_IGN);

    keel::fleetsim::FleetRun run(std::move(*options), [] { return g_stop.load(); });
    QObject::connect(&run, &keel::fleetsim::FleetRun::finished, &app, &QCoreApplication::exit, Qt::QueuedConnection);
    run.start();
    return app.exec();
}
