// keel-console's models and panes against the real thing: a keel-controlplane process and
// keel-agent processes on ephemeral ports, HTTP traffic to the agents. The fleet table
// fills and shows each node's live numbers, the status bar says who the token is, the
// metrics charts receive live points after traffic, and an agent killed turns its row
// and its region's map marker unhealthy and raises an alert that clears when the agent
// is back.
#include "audit/alertmodel.h"
#include "audit/alertstatusbutton.h"
#include "audit/auditlogmodel.h"
#include "audit/auditpane.h"
#include "fleet/fleetfeed.h"
#include "fleet/fleetselection.h"
#include "httpclient.h"
#include "keelclient.h"
#include "keelctlrun.h"
#include "map/regionhealthmodel.h"
#include "mainwindow/mainwindow.h"
#include "metrics/livemetrics.h"
#include "metrics/metricspane.h"
#include "metrics/timeserieschart.h"
#include "nodes/nodedetail.h"
#include "nodes/nodehistory.h"
#include "nodes/nodetablemodel.h"
#include "processundertest.h"
#include "regions/regionlistmodel.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QLabel>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

namespace {

const QString kBinDir = QStringLiteral(KEEL_BIN_DIR);
const QString kComponents = QStringLiteral(KEEL_SAMPLE_COMPONENTS_DIR);

QString bin(const char *name)
{
    return kBinDir + u'/' + QLatin1String(name);
}

} // namespace

using namespace Keel;

namespace {
// A step against real processes on a loaded machine: generous, QTRY returns as soon as
// the condition holds.
constexpr int kWait = 30000;
} // namespace

class tst_Console : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ProcessUnderTest> m_cp;
    std::unique_ptr<ProcessUnderTest> m_agent;
    QString m_server;
    QString m_token;
    QString m_joinToken;
    QString m_agentHttp;
    HttpClient m_http;

    KeelClient m_client;
    NodeTableModel m_nodes;
    RegionListModel m_regions;
    LiveMetrics m_live;
    FleetSelection m_selection;
    std::unique_ptr<FleetFeed> m_feed;
    std::unique_ptr<MainWindow> m_window;
    AlertModel *m_alerts = nullptr;
    MetricsPane *m_metrics = nullptr;
    AuditPane *m_audit = nullptr;
    RegionHealthModel *m_regionHealth = nullptr;

    KeelctlRun keelctl(const QStringList &arguments)
    {
        return KeelctlRun::run(bin("keelctl"), m_server, m_token, arguments);
    }

    void startAgent()
    {
        m_agent = std::make_unique<ProcessUnderTest>(QStringLiteral("edge-eu-1"));
        QStringList args{QStringLiteral("--controlplane"), m_server, QStringLiteral("--name"), QStringLiteral("edge-eu-1"),
                         QStringLiteral("--region"), QStringLiteral("eu-west"), QStringLiteral("--data-dir"),
                         m_dir.filePath(QStringLiteral("edge-eu-1")), QStringLiteral("--http"), QStringLiteral("127.0.0.1:0"),
                         QStringLiteral("--admin"), QStringLiteral("127.0.0.1:0")};
        if (!m_joinToken.isEmpty())
            args << QStringLiteral("--join-token") << m_joinToken;
        m_agent->start(bin("keel-agent"), args);
        const auto match = m_agent->waitForOutput(QRegularExpression(QStringLiteral("http listening on (127\\.0\\.0\\.1:\\d+)")));
        QVERIFY2(match.hasMatch(), qPrintable(m_agent->transcript()));
        m_agentHttp = QStringLiteral("http://") + match.captured(1);
    }

    int nodeRow() const { return m_nodes.rowOf(QStringLiteral("edge-eu-1")); }

    // Sends bursts of requests to the agent until `done` holds (checked between bursts,
    // for up to a second each) or 30 s passed.
    bool trafficUntil(const std::function<bool()> &done)
    {
        QDeadlineTimer deadline(30000);
        while (!deadline.hasExpired()) {
            for (int i = 0; i < 20; ++i) {
                if (m_http.get(QUrl(m_agentHttp + QStringLiteral("/hello/")), 5000).status != 200)
                    return false;
            }
            if (QTest::qWaitFor(done, 1000))
                return true;
        }
        return done();
    }

    QString cell(int column) const
    {
        const int row = nodeRow();
        return row < 0 ? QString() : m_nodes.index(row, column).data().toString();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cp = std::make_unique<ProcessUnderTest>(QStringLiteral("keel-controlplane"));
        m_cp->start(bin("keel-controlplane"), {QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("cp")),
                                               QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                               QStringLiteral("--heartbeat-interval"), QStringLiteral("200"),
                                               QStringLiteral("--grace"), QStringLiteral("1500"),
                                               QStringLiteral("--metrics-interval"), QStringLiteral("500")});
        const auto match = m_cp->waitForOutput(QRegularExpression(QStringLiteral("listening on (ws://\\S+)")));
        QVERIFY2(match.hasMatch(), qPrintable(m_cp->transcript()));
        m_server = match.captured(1);
        QFile tokenFile(m_dir.filePath(QStringLiteral("cp/admin.token")));
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        m_token = QString::fromUtf8(tokenFile.readAll().trimmed());

        QFile topology(m_dir.filePath(QStringLiteral("topology.yaml")));
        QVERIFY(topology.open(QIODevice::WriteOnly));
        topology.write("regions:\n  - {name: eu-west, jurisdiction: EU, latitude: 53.35, longitude: -6.26}\n");
        topology.close();
        QCOMPARE(keelctl({QStringLiteral("topology"), QStringLiteral("apply"), QStringLiteral("-f"), topology.fileName()}).exitCode, 0);
        const KeelctlRun pushed = keelctl({QStringLiteral("component"), QStringLiteral("push"), QStringLiteral("--manifest"),
                                           kComponents + QStringLiteral("/hello.yaml")});
        QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.err));
        QCOMPARE(keelctl({QStringLiteral("deploy"), QStringLiteral("hello@1.0.0"), QStringLiteral("--to"), QStringLiteral("all")}).exitCode, 0);
        const KeelctlRun join = keelctl({QStringLiteral("join-token"), QStringLiteral("create"), QStringLiteral("--region"), QStringLiteral("eu-west")});
        QCOMPARE(join.exitCode, 0);
        m_joinToken = join.out.trimmed();
        startAgent();
        if (QTest::currentTestFailed())
            return;
        m_joinToken.clear(); // enrolled: it proves itself with its key from now on

        // The console, wired as keel-console wires it.
        connect(&m_client, &KeelClient::metricsWindow, &m_live, &LiveMetrics::add);
        m_nodes.setLiveMetrics(&m_live);
        m_feed = std::make_unique<FleetFeed>(&m_client, &m_nodes, &m_regions);
        m_window = std::make_unique<MainWindow>(m_feed.get());
        m_metrics = new MetricsPane(&m_client, &m_live, &m_nodes, &m_regions);
        m_window->addMode(QIcon(), QStringLiteral("Metrics"), m_metrics);
        m_alerts = new AlertModel(&m_nodes, m_window.get());
        connect(&m_client, &KeelClient::aotBuildFinished, m_alerts, &AlertModel::onAotBuildFinished);
        m_audit = new AuditPane(&m_client, m_alerts, &m_selection);
        m_window->addMode(QIcon(), QStringLiteral("Audit"), m_audit);
        m_window->statusBar()->addPermanentWidget(new AlertStatusButton(m_alerts));
        // What the map draws: each region's health from its nodes.
        m_regionHealth = new RegionHealthModel(&m_regions, &m_nodes, m_window.get());
        new QAbstractItemModelTester(m_regionHealth, QAbstractItemModelTester::FailureReportingMode::Fatal, m_regionHealth);
        new QAbstractItemModelTester(m_alerts, QAbstractItemModelTester::FailureReportingMode::Fatal, m_alerts);
        new QAbstractItemModelTester(m_audit->log(), QAbstractItemModelTester::FailureReportingMode::Fatal, m_audit);
        m_window->show();
        m_feed->start(KeelClient::normalizeServer(m_server), m_token);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_feed.reset();
        m_agent.reset();
        if (m_cp)
            m_cp->terminate();
    }

    void connectsAndShowsWhoItIs()
    {
        QTRY_VERIFY2_WITH_TIMEOUT(m_feed->phase() == FleetFeed::Phase::Live, qPrintable(m_feed->lastError()), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->identityText().contains(QStringLiteral("admin")), kWait);
        auto *identity = m_window->findChild<QLabel *>(QStringLiteral("identityStatus"));
        QVERIFY(identity);
        QVERIFY(identity->text().contains(QStringLiteral("admin")));
        QTRY_VERIFY_WITH_TIMEOUT(nodeRow() >= 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(cell(NodeTableModel::StatusColumn), QStringLiteral("ready"), 10000);
        QCOMPARE(m_regions.regionCount(), 1);
        auto *alertButton = m_window->findChild<QToolButton *>(QStringLiteral("alertStatus"));
        QVERIFY(alertButton);
        QTRY_COMPARE_WITH_TIMEOUT(alertButton->text(), QStringLiteral("No alerts"), kWait);
    }

    // Requests to the agent show up as the node's request rate in the table and as live
    // points on the Metrics pane's charts, which also read the range already recorded.
    void trafficReachesTheTableAndTheCharts()
    {
        QTRY_COMPARE_WITH_TIMEOUT(m_http.get(QUrl(m_agentHttp + QStringLiteral("/hello/")), 5000).status, 200, 30000);
        m_window->showMode(0);
        QVERIFY(m_metrics->isVisible());
        m_metrics->showComponent(QStringLiteral("hello"));
        TimeSeriesChart *latency = m_metrics->latencyChart();
        // The control plane's live windows come every metrics interval once the agent has
        // reported its requests: keep sending until the charts have points.
        QVERIFY2(trafficUntil([latency] { return latency->pointCount(QStringLiteral("p99")) >= 2; }),
                 "no live latency points after 30 s of traffic");
        QVERIFY(m_metrics->rateChart()->pointCount(QStringLiteral("eu-west")) >= 1
                || m_metrics->rateChart()->pointCount(QStringLiteral("fleet")) >= 1);
        QVERIFY(m_metrics->rateChart()->seriesNames().contains(QStringLiteral("fleet")));
        QVERIFY(latency->readoutAt(QDateTime::currentDateTimeUtc()).contains(QStringLiteral("p99: ")));
        QTRY_VERIFY_WITH_TIMEOUT(m_metrics->memoryChart()->pointCount(QStringLiteral("edge-eu-1")) >= 1, 10000);

        // The fleet table: a request rate, a p99 and the node's memory, as numbers. Each
        // report replaces the reading, so the traffic goes on while the table is read (a
        // report of an idle interval reads 0 req/s, as it should).
        const auto liveRow = [this] {
            const auto value = [this](int column) { return m_nodes.index(nodeRow(), column).data(NodeTableModel::SortRole).toDouble(); };
            return value(NodeTableModel::RequestsColumn) > 0 && value(NodeTableModel::P99Column) > 0
                && value(NodeTableModel::RssColumn) > 1 << 20;
        };
        QVERIFY2(trafficUntil(liveRow), "the node's row shows no request rate, p99 and RSS after 30 s of traffic");

        // The node's detail: each component's instance memory, from its series.
        NodeHistory history;
        NodeDetail detail(&m_client, &m_nodes, &m_live, &history);
        detail.show();
        detail.showNode(QStringLiteral("edge-eu-1"));
        QCOMPARE(detail.componentTable()->rowCount(), 1);
        QCOMPARE(detail.componentTable()->item(0, NodeDetail::NameColumn)->text(), QStringLiteral("hello"));
        // hello is WAGI: an instance lives only while it serves, so its level reads as a
        // number once reported (0 between requests), not as unknown.
        QTRY_VERIFY_WITH_TIMEOUT(detail.componentTable()->item(0, NodeDetail::MemoryColumn)->text() != QStringLiteral("–"), 15000);
        bool number = false;
        detail.componentTable()->item(0, NodeDetail::MemoryColumn)->text().toDouble(&number);
        QVERIFY(number);

        // Another range reads the series again from the control plane.
        m_metrics->setRange(std::chrono::hours(1));
        QCOMPARE(latency->pointCount(QStringLiteral("p99")), 0);
        QTRY_VERIFY_WITH_TIMEOUT(latency->pointCount(QStringLiteral("p99")) >= 1, 10000);
    }

    void theAuditLogListsWhatWasDone()
    {
        m_window->showMode(1);
        QTRY_VERIFY_WITH_TIMEOUT(m_audit->log()->recordCount() >= 3, 10000);
        bool deployed = false;
        for (int row = 0; row < m_audit->log()->recordCount(); ++row)
            deployed = deployed || m_audit->log()->recordAt(row).action == QLatin1String("deploy");
        QVERIFY(deployed);
    }

    void aKilledAgentRaisesAnAlertThatClearsWhenItIsBack()
    {
        const QString key = QStringLiteral("unreachable:edge-eu-1");
        QVERIFY(!m_alerts->contains(key));
        m_agent->kill();
        QCOMPARE(m_regionHealth->health(QStringLiteral("eu-west")), RegionHealthModel::Health::Ready);
        QTRY_COMPARE_WITH_TIMEOUT(cell(NodeTableModel::StatusColumn), QStringLiteral("unreachable"), 15000);
        // Its region's marker: no node ready there any more.
        QCOMPARE(m_regionHealth->health(QStringLiteral("eu-west")), RegionHealthModel::Health::Down);
        QVERIFY(m_alerts->contains(key));
        QCOMPARE(m_alerts->count(AlertModel::Severity::Critical), 1);
        auto *alertButton = m_window->findChild<QToolButton *>(QStringLiteral("alertStatus"));
        QVERIFY2(alertButton->text().contains(QStringLiteral("1 alert")), qPrintable(alertButton->text()));

        startAgent();
        if (QTest::currentTestFailed())
            return;
        QTRY_COMPARE_WITH_TIMEOUT(cell(NodeTableModel::StatusColumn), QStringLiteral("ready"), 15000);
        QCOMPARE(m_regionHealth->health(QStringLiteral("eu-west")), RegionHealthModel::Health::Ready);
        QVERIFY(!m_alerts->contains(key));
        QTRY_COMPARE_WITH_TIMEOUT(alertButton->text(), QStringLiteral("No alerts"), kWait);
    }
};

QTEST_MAIN(tst_Console)
#include "tst_console.moc"
