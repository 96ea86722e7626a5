// keel-console: the desktop console of a Keel fleet. Parses options, wires the client,
// the models, the feed and the window together, and runs.

#include "audit/alertmodel.h"
#include "audit/alertstatusbutton.h"
#include "audit/auditpane.h"
#include "components/componentspane.h"
#include "connect/connectionprofiles.h"
#include "connect/tokenvault.h"
#include "fleet/fleetfeed.h"
#include "keelclient.h"
#include "fleet/fleetselection.h"
#include "keelversion.h"
#include "mainwindow/mainwindow.h"
#include "mainwindow/modeicons.h"
#include "map/mappane.h"
#include "nodes/nodedetail.h"
#include "nodes/nodehistory.h"
#include "nodes/nodespane.h"
#include "nodes/nodetablemodel.h"
#include "policies/policiespane.h"
#include "policies/violationlistmodel.h"
#include "metrics/livemetrics.h"
#include "metrics/metricspane.h"
#include "regions/regionlistmodel.h"
#include "rollouts/rolloutspane.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QProcessEnvironment>
#include <QSettings>
#include <QStatusBar>

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
    QCommandLineOption view{QStringLiteral("view"),
                            QStringLiteral("Open on VIEW: map, fleet, components, metrics, audit, rollouts or policies (default: map)."),
                            QStringLiteral("VIEW")};
    QCommandLineOption previewPolicy{QStringLiteral("preview-policy"),
                                     QStringLiteral("Open the policies view with FILE's rules and preview what they would do (nothing is applied)."),
                                     QStringLiteral("FILE")};
    QCommandLineOption node{QStringLiteral("node"),
                            QStringLiteral("Open the detail of node NAME once it is listed (on the fleet view)."),
                            QStringLiteral("NAME")};
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
    parser.addOptions({options.server, options.token, options.tokenFile, options.view, options.node, options.previewPolicy});
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
    const QStringList views{QStringLiteral("map"), QStringLiteral("fleet"), QStringLiteral("components"), QStringLiteral("metrics"),
                            QStringLiteral("audit"), QStringLiteral("rollouts"), QStringLiteral("policies")};
    const QString view = parser.isSet(options.node)            ? QStringLiteral("fleet")
                         : parser.isSet(options.previewPolicy) ? QStringLiteral("policies")
                                                               : parser.value(options.view);
    if (!view.isEmpty() && !views.contains(view))
        return fail(QStringLiteral("--view: \"%1\" is not a view; use one of %2").arg(view, views.join(QStringLiteral(", "))));
    const QUrl server = Keel::KeelClient::normalizeServer(serverText);
    if (!serverText.isEmpty() && !server.isValid())
        return fail(QStringLiteral("\"%1\" is not a control plane address: use HOST:PORT or ws://HOST:PORT").arg(serverText));

    Keel::KeelClient client;
    Keel::NodeTableModel nodes;
    Keel::RegionListModel regions;
    Keel::FleetFeed feed(&client, &nodes, &regions);
    Keel::LiveMetrics live;
    QObject::connect(&client, &Keel::KeelClient::metricsWindow, &live, &Keel::LiveMetrics::add);
    nodes.setLiveMetrics(&live);
    QObject::connect(&feed, &Keel::FleetFeed::staleChanged, &nodes, &Keel::NodeTableModel::setStale);
    Keel::FleetSelection selection;

    Keel::MainWindow window(&feed);
    // Servers used before, and tokens only where the operator asked and a keyring exists.
    QSettings settings;
    Keel::ConnectionProfiles profiles(&settings);
    Keel::TokenVault vault;
    window.setProfiles(&profiles, &vault);
    // Panes, in mode-bar order (Ctrl+1…).
    // -- map
    auto *mapPane = new Keel::MapPane(&nodes, &regions, &live, &selection);
    QObject::connect(&feed, &Keel::FleetFeed::staleChanged, mapPane, &Keel::MapPane::setStale);
    window.addMode(Keel::ModeIcons::map(), QApplication::translate("main", "Map"), mapPane);
    // -- fleet
    auto *nodesPane = new Keel::NodesPane(&nodes, &regions);
    QObject::connect(&feed, &Keel::FleetFeed::staleChanged, nodesPane, &Keel::NodesPane::setStale);
    const int fleetMode = window.addMode(Keel::ModeIcons::nodes(), QApplication::translate("main", "Fleet"), nodesPane);
    Keel::NodeHistory history;
    QObject::connect(&client, &Keel::KeelClient::nodeChanged, &history, &Keel::NodeHistory::record);
    auto *nodeDetail = new Keel::NodeDetail(&client, &nodes, &live, &history);
    QObject::connect(&feed, &Keel::FleetFeed::identityChanged, nodeDetail, &Keel::NodeDetail::setIdentity);
    nodesPane->setDetail(nodeDetail);
    nodesPane->setSelection(&selection);
    QObject::connect(nodeDetail, &Keel::NodeDetail::closeRequested, nodesPane, &Keel::NodesPane::hideDetail);
    QObject::connect(&selection, &Keel::FleetSelection::nodeSelected, nodesPane, [nodesPane, nodeDetail](const QString &node) {
        if (node.isEmpty())
            return;
        nodeDetail->showNode(node);
        nodesPane->showDetail();
    });
    QObject::connect(&selection, &Keel::FleetSelection::nodeOpened, &window, [&window, fleetMode] { window.showMode(fleetMode); });
    // -- components
    auto *componentsPane = new Keel::ComponentsPane(&client);
    componentsPane->setIdentity(feed.identity());
    QObject::connect(&feed, &Keel::FleetFeed::identityChanged, componentsPane, &Keel::ComponentsPane::setIdentity);
    window.addMode(Keel::ModeIcons::components(), QApplication::translate("main", "Components"), componentsPane);
    // -- metrics
    auto *metricsPane = new Keel::MetricsPane(&client, &live, &nodes, &regions);
    const int metricsMode = window.addMode(Keel::ModeIcons::metrics(), QApplication::translate("main", "Metrics"), metricsPane);
    QObject::connect(nodeDetail, &Keel::NodeDetail::metricsRequested, metricsPane, [&window, metricsPane, metricsMode](const QString &node) {
        metricsPane->showScope({}, node);
        window.showMode(metricsMode);
    });
    // -- audit
    auto *alerts = new Keel::AlertModel(&nodes, &window);
    QObject::connect(&client, &Keel::KeelClient::aotBuildFinished, alerts, &Keel::AlertModel::onAotBuildFinished);
    auto *auditPane = new Keel::AuditPane(&client, alerts, &selection);
    const int auditMode = window.addMode(Keel::ModeIcons::audit(), QApplication::translate("main", "Audit"), auditPane);
    auto *alertButton = new Keel::AlertStatusButton(alerts);
    window.statusBar()->addPermanentWidget(alertButton);
    QObject::connect(alertButton, &QToolButton::clicked, &window, [&window, auditMode] { window.showMode(auditMode); });
    // -- rollouts (its list also marks the map's regions a wave is working in)
    auto *rolloutsPane = new Keel::RolloutsPane(&client);
    rolloutsPane->setIdentity(feed.identity());
    QObject::connect(&feed, &Keel::FleetFeed::identityChanged, rolloutsPane, &Keel::RolloutsPane::setIdentity);
    const int rolloutsMode = window.addMode(Keel::ModeIcons::rollouts(), QApplication::translate("main", "Rollouts"), rolloutsPane);
    mapPane->setRollouts(rolloutsPane->rollouts());
    QObject::connect(componentsPane, &Keel::ComponentsPane::rolloutRequested, rolloutsPane,
                     [&window, rolloutsPane, rolloutsMode](const QString &component, const QString &version) {
                         window.showMode(rolloutsMode);
                         rolloutsPane->openWizard(component, version);
                     });
    // -- policies (its violations also mark the map's regions and nodes)
    auto *policiesPane = new Keel::PoliciesPane(&client);
    policiesPane->setIdentity(feed.identity());
    QObject::connect(&feed, &Keel::FleetFeed::identityChanged, policiesPane, &Keel::PoliciesPane::setIdentity);
    window.addMode(Keel::ModeIcons::policies(), QApplication::translate("main", "Policies"), policiesPane);
    mapPane->setViolations(policiesPane->violations());
    if (parser.isSet(options.previewPolicy))
        policiesPane->previewFile(parser.value(options.previewPolicy));
    // The views in mode-bar order, as --view names them.
    if (!view.isEmpty())
        window.showMode(int(views.indexOf(view)));
    if (parser.isSet(options.node)) {
        const QString name = parser.value(options.node);
        auto *opened = new QObject(&window);
        QObject::connect(&nodes, &Keel::NodeTableModel::countsChanged, opened, [&nodes, &selection, name, opened] {
            if (nodes.rowOf(name) < 0)
                return;
            selection.openNode(name);
            opened->deleteLater(); // once
        });
    }
    window.show();

    if (server.isValid() && !token.isEmpty())
        feed.start(server, token);
    else
        QMetaObject::invokeMethod(&window, [&window, serverText, token] { window.showConnectDialog(serverText, token); },
                                  Qt::QueuedConnection);
    return app.exec();
}
