// The Rollouts pane end to end: the real keel-controlplane and two keel-agents (two
// regions) on ephemeral ports, hash 1.0.0 deployed to both, the console's client, feed,
// Rollouts pane and map in this process, driven through their widgets. The wizard starts
// a rollout of hash 2.0.0 (batch 1, bake 1 s, no minimum of requests) and the live view
// follows it to success: every wave passed, every node on 2.0.0, the gates charted, the
// map marking the region a wave worked in and clearing it after. A second start of the
// same version is refused in the control plane's words; Roll back… undoes the succeeded
// rollout after one confirmation naming its nodes; a viewer sees the actions disabled.
#include "clientcalls.h"
#include "components/selectorpreview.h"
#include "fleet/fleetfeed.h"
#include "fleet/fleetselection.h"
#include "keelclient.h"
#include "keelctlrun.h"
#include "map/mappane.h"
#include "map/regionrollouts.h"
#include "metrics/livemetrics.h"
#include "nodes/nodetablemodel.h"
#include "policies/placementpreview.h"
#include "processundertest.h"
#include "regions/regionlistmodel.h"
#include "rollouts/gatechart.h"
#include "rollouts/gatepanel.h"
#include "rollouts/rolloutfeed.h"
#include "rollouts/rolloutlistmodel.h"
#include "rollouts/rolloutnodesmodel.h"
#include "rollouts/rolloutreviewpage.h"
#include "rollouts/rolloutspane.h"
#include "rollouts/rollouttargetpage.h"
#include "rollouts/rolloutview.h"
#include "rollouts/rolloutwizard.h"
#include "rollouts/wavestrip.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QTest>

#include <memory>

using namespace Keel;
using namespace Keel::Testing;

namespace {

// A step against real processes on a loaded machine: generous, QTRY returns as soon as
// the condition holds. An AOT build of hash (wasm2c and a C compiler) takes longer.
constexpr int kWait = 30000;
constexpr int kBuild = 240000;

const QString kBinDir = QStringLiteral(KEEL_BIN_DIR);
const QString kComponents = QStringLiteral(KEEL_SAMPLE_COMPONENTS_DIR);
const QStringList kAgents{QStringLiteral("edge-eu-1"), QStringLiteral("edge-us-1")};

template<typename T>
T *child(QWidget *parent, const char *name)
{
    T *widget = parent ? parent->findChild<T *>(QLatin1String(name)) : nullptr;
    if (!widget)
        qWarning("no %s named %s", T::staticMetaObject.className(), name);
    return widget;
}

// One console: client, models, feed, a Rollouts pane and a map, connected with one token.
struct Console
{
    Console(const QString &server, const QString &token)
    {
        QObject::connect(&feed, &FleetFeed::identityChanged, &pane, &RolloutsPane::setIdentity);
        map.setRollouts(pane.rollouts());
        new QAbstractItemModelTester(pane.rollouts(), QAbstractItemModelTester::FailureReportingMode::Fatal, &pane);
        new QAbstractItemModelTester(pane.view()->nodes(), QAbstractItemModelTester::FailureReportingMode::Fatal, &pane);
        feed.start(KeelClient::normalizeServer(server), token);
        pane.resize(1300, 900);
        pane.show();
    }

    KeelClient client;
    NodeTableModel nodes;
    RegionListModel regions;
    LiveMetrics live;
    FleetSelection selection;
    FleetFeed feed{&client, &nodes, &regions};
    RolloutsPane pane{&client};
    MapPane map{&nodes, &regions, &live, &selection};
};

bool runs(const Node &node, const QString &component, const QString &version)
{
    return std::any_of(node.components.cbegin(), node.components.cend(), [&](const ComponentStatus &c) {
        return c.name == component && c.version == version && c.state == ComponentStatus::State::Running;
    });
}

} // namespace

class tst_RolloutsPane : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ProcessUnderTest> m_cp;
    QList<std::shared_ptr<ProcessUnderTest>> m_agents;
    QString m_server;
    QString m_token;
    std::unique_ptr<Console> m_console;
    QString m_rollout;

    KeelctlRun keelctl(const QStringList &arguments)
    {
        return KeelctlRun::run(kBinDir + QStringLiteral("/keelctl"), m_server, m_token, arguments);
    }

    bool allRun(const QString &version) const
    {
        const NodeTableModel &nodes = m_console->nodes;
        if (nodes.nodeCount() != kAgents.size())
            return false;
        for (int row = 0; row < nodes.nodeCount(); ++row) {
            if (!runs(nodes.nodeAt(row), QStringLiteral("hash"), version))
                return false;
        }
        return true;
    }

    // Opens the wizard and fills it as an operator would for hash@VERSION to all.
    RolloutWizard *fillWizard(const QString &version)
    {
        RolloutsPane &pane = m_console->pane;
        auto *button = child<QPushButton>(&pane, "rolloutsNew");
        if (!button || !button->isEnabled())
            return nullptr;
        button->click();
        RolloutWizard *wizard = pane.wizard();
        if (!wizard || !QTest::qWaitFor([&] { return wizard->isListed(); }, kWait))
            return nullptr;
        auto *component = child<QComboBox>(wizard, "rolloutComponent");
        component->setCurrentIndex(component->findText(QStringLiteral("hash")));
        child<QLineEdit>(wizard, "selectorEdit")->setText(QStringLiteral("all"));
        if (!QTest::qWaitFor([&] { return wizard->targetPage()->preview()->isCurrent(); }, kWait))
            return nullptr;
        auto *versions = child<QComboBox>(wizard, "rolloutVersion");
        versions->setCurrentIndex(versions->findData(version));
        // The residency policy's verdict on the nodes, asked once the version is chosen.
        if (!QTest::qWaitFor([&] { return wizard->targetPage()->placement()->isCurrent(); }, kWait))
            return nullptr;
        return wizard;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cp = std::make_unique<ProcessUnderTest>(QStringLiteral("keel-controlplane"));
        m_cp->start(kBinDir + QStringLiteral("/keel-controlplane"),
                    {QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("cp")), QStringLiteral("--listen"),
                     QStringLiteral("127.0.0.1:0"), QStringLiteral("--heartbeat-interval"), QStringLiteral("200"),
                     QStringLiteral("--metrics-interval"), QStringLiteral("500")});
        const auto match = m_cp->waitForOutput(QRegularExpression(QStringLiteral("listening on (ws://\\S+)")));
        QVERIFY2(match.hasMatch(), qPrintable(m_cp->transcript()));
        m_server = match.captured(1);
        m_token = QString::fromUtf8(readFile(m_dir.filePath(QStringLiteral("cp/admin.token"))).trimmed());

        QFile topology(m_dir.filePath(QStringLiteral("topology.yaml")));
        QVERIFY(topology.open(QIODevice::WriteOnly));
        topology.write("regions:\n"
                       "  - {name: eu-west, jurisdiction: EU, latitude: 53.35, longitude: -6.26}\n"
                       "  - {name: us-east, jurisdiction: US, latitude: 38.9, longitude: -77.04}\n");
        topology.close();
        QCOMPARE(keelctl({QStringLiteral("topology"), QStringLiteral("apply"), QStringLiteral("-f"), topology.fileName()}).exitCode, 0);
        for (const QString &manifest : {QStringLiteral("/hash.yaml"), QStringLiteral("/hash-versions/hash-2.0.0.yaml")}) {
            const KeelctlRun pushed = keelctl({QStringLiteral("component"), QStringLiteral("push"), QStringLiteral("--manifest"),
                                               kComponents + manifest});
            QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.err));
        }
        const KeelctlRun deployed = keelctl({QStringLiteral("deploy"), QStringLiteral("hash@1.0.0"), QStringLiteral("--to"), QStringLiteral("all")});
        QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
        for (const QString &name : kAgents) {
            const QString region = name.startsWith(QStringLiteral("edge-eu")) ? QStringLiteral("eu-west") : QStringLiteral("us-east");
            const KeelctlRun join = keelctl({QStringLiteral("join-token"), QStringLiteral("create"), QStringLiteral("--region"), region});
            QCOMPARE(join.exitCode, 0);
            auto agent = std::make_shared<ProcessUnderTest>(name);
            agent->start(kBinDir + QStringLiteral("/keel-agent"),
                         {QStringLiteral("--controlplane"), m_server, QStringLiteral("--name"), name, QStringLiteral("--region"), region,
                          QStringLiteral("--data-dir"), m_dir.filePath(name), QStringLiteral("--http"), QStringLiteral("127.0.0.1:0"),
                          QStringLiteral("--admin"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--join-token"), join.out.trimmed()});
            const auto http = agent->waitForOutput(QRegularExpression(QStringLiteral("http listening on (127\\.0\\.0\\.1:\\d+)")));
            QVERIFY2(http.hasMatch(), qPrintable(agent->transcript()));
            m_agents.append(agent);
        }

        m_console = std::make_unique<Console>(m_server, m_token);
        QVERIFY(QTest::qWaitForWindowExposed(&m_console->pane));
        QTRY_COMPARE_WITH_TIMEOUT(m_console->feed.phase(), FleetFeed::Phase::Live, kWait);
        // The wizard marks the baseline from what the nodes report running.
        QTRY_VERIFY_WITH_TIMEOUT(allRun(QStringLiteral("1.0.0")), kBuild);
    }

    void cleanupTestCase()
    {
        m_console.reset();
        m_agents.clear();
        if (m_cp)
            m_cp->terminate();
    }

    void anEmptyListShowsAHint()
    {
        RolloutsPane &pane = m_console->pane;
        QTRY_VERIFY_WITH_TIMEOUT(pane.feed()->isListed(), kWait);
        QCOMPARE(pane.placeholderText(), QStringLiteral("No rollouts yet: New rollout… replaces a component's version wave by wave."));
        QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>(&pane, "rolloutsNew")->isEnabled(), kWait);
        QCOMPARE(pane.view()->headerText(), QString()); // nothing selected: the view says what it is for
    }

    void theWizardStartsARolloutThatTheViewFollowsToSuccess()
    {
        RolloutWizard *wizard = fillWizard(QStringLiteral("2.0.0"));
        QVERIFY(wizard);
        auto *versions = child<QComboBox>(wizard, "rolloutVersion");
        const int baseline = versions->findData(QStringLiteral("1.0.0"));
        QVERIFY(baseline >= 0); // listed, but marked
        QCOMPARE(versions->itemText(baseline), QStringLiteral("1.0.0 — baseline: runs on 2 of 2 nodes now"));
        QCOMPARE(wizard->targetPage()->matches().size(), 2);
        QVERIFY2(child<QLabel>(wizard, "rolloutBaseline")->text().startsWith(QStringLiteral("Baseline hash 1.0.0 (on 2 of 2 nodes)")),
                 qPrintable(child<QLabel>(wizard, "rolloutBaseline")->text()));
        QVERIFY(wizard->currentPage()->isComplete());
        wizard->next();
        QCOMPARE(wizard->currentId(), int(RolloutWizard::StrategyPage));
        child<QLineEdit>(wizard, "rolloutBatch")->setText(QStringLiteral("1"));
        child<QSpinBox>(wizard, "rolloutBake")->setValue(1);
        QVERIFY(wizard->currentPage()->isComplete());
        wizard->next();
        QCOMPARE(wizard->currentId(), int(RolloutWizard::GatesPage));
        child<QSpinBox>(wizard, "rolloutMinRequests")->setValue(0); // no traffic needed
        wizard->next();
        QCOMPARE(wizard->currentId(), int(RolloutWizard::ReviewPage));
        QTRY_COMPARE_WITH_TIMEOUT(wizard->reviewPage()->plannedWaves(), 2, kWait);
        // Smallest region first, ties by name: eu-west, then us-east.
        QCOMPARE(wizard->reviewPage()->waveList()->topLevelItem(0)->text(2), QStringLiteral("eu-west"));
        QCOMPARE(wizard->reviewPage()->waveList()->topLevelItem(1)->text(3), QStringLiteral("edge-us-1"));
        QCOMPARE(wizard->spec().batch, (RolloutStep{1, 0}));
        QCOMPARE(wizard->spec().gates.minRequests, quint64(0));
        QCOMPARE(*wizard->spec().gates.maxErrorRate, 0.05);

        // Map marks seen while it runs.
        QSet<QString> marked;
        RegionRollouts *marks = m_console->map.regionRollouts();
        connect(marks, &RegionRollouts::changed, this, [&] {
            for (auto it = marks->marks().cbegin(); it != marks->marks().cend(); ++it)
                marked.insert(it.key());
        });

        child<QPushButton>(wizard, "rolloutStart")->click();
        QTRY_VERIFY_WITH_TIMEOUT(wizard->confirmation(), kWait);
        QCOMPARE(wizard->confirmation()->text(), QStringLiteral("Roll out hash@2.0.0 to 2 nodes in 2 regions, 2 waves?"));
        child<QPushButton>(wizard->confirmation(), "rolloutStartConfirm")->click();
        QTRY_VERIFY_WITH_TIMEOUT(!m_console->pane.wizard(), kWait);

        // The new rollout is selected and followed live.
        RolloutsPane &pane = m_console->pane;
        QTRY_VERIFY_WITH_TIMEOUT(!pane.selectedId().isEmpty(), kWait);
        m_rollout = pane.selectedId();
        QVERIFY(m_rollout.startsWith(QStringLiteral("r-")));
        QCOMPARE(pane.rollouts()->rowCount(), 1);
        QVERIFY(pane.placeholderText().isEmpty());
        RolloutView *view = pane.view();
        QCOMPARE(view->rollout().id, m_rollout);
        QCOMPARE(view->waveStrip()->waveCount(), 2);

        // Pending while hash 2.0.0's AOT object is built, then wave by wave to success.
        const int row = pane.rollouts()->rowOf(m_rollout);
        const QModelIndex state = pane.rollouts()->index(row, RolloutListModel::StateColumn);
        QTRY_COMPARE_WITH_TIMEOUT(state.data().toString(), QStringLiteral("succeeded"), kBuild);
        QCOMPARE(pane.rollouts()->index(row, RolloutListModel::ProgressColumn).data().toString(), QStringLiteral("2/2 nodes"));
        QCOMPARE(pane.rollouts()->index(row, RolloutListModel::ChangeColumn).data().toString(), QStringLiteral("1.0.0 → 2.0.0"));
        WaveStrip *strip = view->waveStrip();
        for (int i = 0; i < strip->waveCount(); ++i)
            QCOMPARE(strip->rollout().waves.at(i).state, WaveState::Passed);
        QCOMPARE(strip->currentWave(), -1);
        QVERIFY2(view->headerText().contains(QStringLiteral("succeeded")), qPrintable(view->headerText()));
        QCOMPARE(view->bannerText(), QString());
        for (int r = 0; r < view->nodes()->rowCount(); ++r) {
            QCOMPARE(view->nodes()->index(r, RolloutNodesModel::StateColumn).data().toString(), QStringLiteral("passed"));
            QCOMPARE(view->nodes()->index(r, RolloutNodesModel::VersionColumn).data().toString(), QStringLiteral("2.0.0"));
        }
        // The last wave's gates, charted from the evaluations this console saw.
        GatePanel *gates = view->gatePanel();
        QCOMPARE(gates->wave(), 2);
        QVERIFY2(gates->chartedGates().contains(QStringLiteral("error_rate")), qPrintable(gates->chartedGates().join(u',')));
        // No traffic: requests are counted (none), the error rate is not measured.
        QVERIFY(gates->chart(QStringLiteral("min_requests"))->pointCount() >= 1);
        QCOMPARE(gates->chart(QStringLiteral("error_rate"))->pointCount(), 0);
        QCOMPARE(*gates->chart(QStringLiteral("error_rate"))->threshold(), 5.0);
        QVERIFY2(gates->chart(QStringLiteral("error_rate"))->titleText().startsWith(QStringLiteral("Error rate: not measured yet")),
                 qPrintable(gates->chart(QStringLiteral("error_rate"))->titleText()));
        // The actions a succeeded rollout allows: only a rollback.
        QVERIFY(!view->actionButton(RolloutAction::Pause)->isEnabled());
        QVERIFY(!view->actionButton(RolloutAction::Abort)->isEnabled());
        QVERIFY(view->actionButton(RolloutAction::Rollback)->isEnabled());

        // The map marked each region while its wave worked, and nothing now.
        QVERIFY2(marked.contains(QStringLiteral("eu-west")) && marked.contains(QStringLiteral("us-east")),
                 qPrintable(QStringList(marked.cbegin(), marked.cend()).join(u',')));
        QTRY_VERIFY_WITH_TIMEOUT(marks->marks().isEmpty(), kWait);
        QTRY_VERIFY_WITH_TIMEOUT(allRun(QStringLiteral("2.0.0")), kWait);
    }

    void aRefusedStartIsShownInTheWizard()
    {
        RolloutWizard *wizard = fillWizard(QStringLiteral("2.0.0"));
        QVERIFY(wizard);
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(wizard, "rolloutBaseline")->text().contains(QStringLiteral("already")), kWait);
        wizard->next();
        wizard->next();
        wizard->next();
        QTRY_VERIFY_WITH_TIMEOUT(wizard->reviewPage()->isComplete(), kWait);
        wizard->accept();
        QTRY_VERIFY_WITH_TIMEOUT(wizard->confirmation(), kWait);
        child<QPushButton>(wizard->confirmation(), "rolloutStartConfirm")->click();
        QTRY_VERIFY_WITH_TIMEOUT(!wizard->messageText().isEmpty() && wizard->messageText() != QStringLiteral("Starting…"), kWait);
        QCOMPARE(wizard->messageText(), QStringLiteral("The control plane refused the rollout: the nodes all matches already run hash@2.0.0"));
        QVERIFY(m_console->pane.wizard()); // still open, to change something
        wizard->reject();
        QTRY_VERIFY_WITH_TIMEOUT(!m_console->pane.wizard(), kWait);
        QCOMPARE(m_console->pane.rollouts()->rowCount(), 1);
    }

    void aViewerSeesTheActionsDisabled()
    {
        const auto created = await<CreatedToken>([&](auto done) {
            m_console->client.createToken(Role::Viewer, QStringLiteral("rollouts-viewer"), 600, done);
        });
        QVERIFY2(created && !errorOf(*created), qPrintable(why(created)));
        Console viewer(m_server, std::get<CreatedToken>(*created).secret);
        QTRY_COMPARE_WITH_TIMEOUT(viewer.pane.rollouts()->rowCount(), 1, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(viewer.pane.selectedId(), m_rollout, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(!child<QPushButton>(&viewer.pane, "rolloutsNew")->isEnabled(), kWait);
        QVERIFY2(child<QPushButton>(&viewer.pane, "rolloutsNew")->toolTip().startsWith(QStringLiteral("Needs the operator role")),
                 qPrintable(child<QPushButton>(&viewer.pane, "rolloutsNew")->toolTip()));
        for (RolloutAction action : {RolloutAction::Pause, RolloutAction::Resume, RolloutAction::Abort, RolloutAction::Rollback}) {
            QPushButton *button = viewer.pane.view()->actionButton(action);
            QVERIFY(!button->isEnabled());
            QCOMPARE(button->toolTip(), QStringLiteral("Needs the operator role; this console's token has the viewer role."));
        }
        QVERIFY(child<QPushButton>(&viewer.pane, "rolloutsRefresh")->isEnabled());
    }

    void rollBackUndoesTheSucceededRollout()
    {
        RolloutView *view = m_console->pane.view();
        QCOMPARE(view->rollout().id, m_rollout);
        view->actionButton(RolloutAction::Rollback)->click();
        QTRY_VERIFY_WITH_TIMEOUT(view->confirmation(), kWait);
        QCOMPARE(view->confirmation()->text(),
                 QStringLiteral("Roll back rollout %1? 2 switched nodes return to hash 1.0.0, and its rule hash@2.0.0 to all no longer applies.")
                     .arg(m_rollout));
        child<QPushButton>(view->confirmation(), "rolloutConfirm")->click();
        const QModelIndex state = m_console->pane.rollouts()->index(m_console->pane.rollouts()->rowOf(m_rollout), RolloutListModel::StateColumn);
        QTRY_COMPARE_WITH_TIMEOUT(state.data().toString(), QStringLiteral("rolled back"), kWait);
        QVERIFY2(view->messageText().startsWith(QStringLiteral("Roll back of ")), qPrintable(view->messageText()));
        QTRY_VERIFY_WITH_TIMEOUT(allRun(QStringLiteral("1.0.0")), kWait);
        QCOMPARE(view->waveStrip()->rollout().waves.at(0).state, WaveState::Reverted);
        QVERIFY(!view->actionButton(RolloutAction::Rollback)->isEnabled());
    }
};

QTEST_MAIN(tst_RolloutsPane)
#include "tst_rolloutspane.moc"
