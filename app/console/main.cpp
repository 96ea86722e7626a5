// keel-console: the desktop console of a Keel fleet. Parses options, wires the client,
// the models, the feed and the window together, and runs.

#include "components/componentspane.h"
#include "fleet/fleetfeed.h"
#include "keelclient.h"
#include "fleet/fleetselection.h"
#include "keelversion.h"
#include "mainwindow/mainwindow.h"
#include "mainwindow/modeicons.h"
#include "map/mappane.h"
#include "nodes/nodespane.h"
#include "nodes/nodetablemodel.h"
#include "metrics/livemetrics.h"
#include "regions/regionlistmodel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QProcessEnvironment>

#include <cstdio>
#include <cstring>

namespace {

struct ConsoleOptions
{
    QCommandLineOption server{QStringLiteral("server"),
                              QStringLiteral("Control plane, ws://HOST:PORT (default: $KEEL_SERVER)."),
                              QStringLiteral("URL")};
    QCommandLineOption token{QStringLiteral("token"),
                             QStringLiteral("Operator token (default: $KEEL_TOKEN)."),
                             QStringLiteral("TOKEN")};
    QCommandLineOption tokenFile{QStringLiteral("token-file"),
                                 QStringLiteral("Read the operator token from FILE, e.g. the control plane's admin.token."),
                                 QStringLiteral("FILE")};
};

void describe(QCoreApplication &app, QCommandLineParser &parser, const ConsoleOptions &options)
{
    QCoreApplication::setApplicationName(QStringLiteral("keel-console"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KEEL_VERSION));
    QCoreApplication::setOrganizationName(QStringLiteral("Keel"));
    parser.setApplicationDescription(QStringLiteral(
        "Keel Console: watch a fleet of edge nodes through its control plane.\n"
        "Connects at once when a server and a token are known; otherwise asks for them."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({options.server, options.token, options.tokenFile});
    parser.process(app); // prints --help / --version, or a usage error, and exits
}

// --help and --version must work where there is no display (scripts, packaging checks),
// so they are answered by a QCoreApplication before QApplication looks for one.
bool asksForInformation(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        for (const char *flag : {"--help", "-h", "-?", "--help-all", "--version", "-v"}) {
            if (std::strcmp(argv[i], flag) == 0)
                return true;
        }
    }
    return false;
}

int fail(const QString &message)
{
    std::fprintf(stderr, "keel-console: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    const ConsoleOptions options;
    if (asksForInformation(argc, argv)) {
        QCoreApplication app(argc, argv);
        QCommandLineParser parser;
        describe(app, parser, options);
        // Only reached when the flag was an option's value (--token --version): go on.
    }

    QApplication app(argc, argv);
    QCommandLineParser parser;
    describe(app, parser, options);
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("unexpected argument \"%1\": see --help").arg(parser.positionalArguments().first()));

    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString serverText = parser.isSet(options.server) ? parser.value(options.server)
                                                            : env.value(QStringLiteral("KEEL_SERVER"));
    QString token;
    if (parser.isSet(options.token)) {
        token = parser.value(options.token);
    } else if (parser.isSet(options.tokenFile)) {
        QFile file(parser.value(options.tokenFile));
        if (!file.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("--token-file: cannot read %1: %2").arg(file.fileName(), file.errorString()));
        token = QString::fromUtf8(file.readAll()).trimmed();
        if (token.isEmpty())
            return fail(QStringLiteral("--token-file: %1 is empty; it should hold an operator token").arg(file.fileName()));
    } else {
        token = env.value(QStringLiteral("KEEL_TOKEN"));
    }
    const QUrl server = Keel::KeelClient::normalizeServer(serverText);
    if (!serverText.isEmpty() && !server.isValid())
        return fail(QStringLiteral("\"%1\" is not a control plane address: use HOST:PORT or ws://HOST:PORT").arg(serverText));

    Keel::KeelClient client;
    Keel::NodeTableModel nodes;
    Keel::RegionListModel regions;
    Keel::FleetFeed feed(&client, &nodes, &regions);
    Keel::LiveMetrics live;
    QObject::connect(&client, &Keel::KeelClient::metricsWindow, &live, &Keel::LiveMetrics::add);
    Keel::FleetSelection selection;

    Keel::MainWindow window(&feed);
    // Panes, in mode-bar order (Ctrl+1…).
    // -- map
    auto *mapPane = new Keel::MapPane(&nodes, &regions, &live, &selection);
    QObject::connect(&feed, &Keel::FleetFeed::staleChanged, mapPane, &Keel::MapPane::setStale);
    window.addMode(Keel::ModeIcons::map(), QApplication::translate("main", "Map"), mapPane);
    // -- fleet
    auto *nodesPane = new Keel::NodesPane(&nodes, &regions);
    QObject::connect(&feed, &Keel::FleetFeed::staleChanged, nodesPane, &Keel::NodesPane::setStale);
    window.addMode(Keel::ModeIcons::nodes(), QApplication::translate("main", "Fleet"), nodesPane);
    // -- components
    auto *componentsPane = new Keel::ComponentsPane(&client);
    componentsPane->setIdentity(feed.identity());
    QObject::connect(&feed, &Keel::FleetFeed::identityChanged, componentsPane, &Keel::ComponentsPane::setIdentity);
    window.addMode(Keel::ModeIcons::components(), QApplication::translate("main", "Components"), componentsPane);
    // -- metrics
    // -- audit
    window.show();

    if (server.isValid() && !token.isEmpty())
        feed.start(server, token);
    else
        QMetaObject::invokeMethod(&window, [&window, serverText, token] { window.showConnectDialog(serverText, token); },
                                  Qt::QueuedConnection);
    return app.exec();
}
