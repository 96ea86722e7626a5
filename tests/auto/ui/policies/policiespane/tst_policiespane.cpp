// The Policies pane end to end: the real keel-controlplane and two keel-agents (eu-west in
// the EU, us-east in the US) on ephemeral ports, a component "profile" that declares the
// data class pii deployed to both, and the console's client, feed, Policies pane and map
// in this process, driven through their widgets. An operator adds a rule (pii of every
// subject only in the EU) and sees the table check it as it is typed; Preview shows what
// it would do (profile removed from edge-us-1, the diff); Apply… asks one confirmation
// naming the count and applies it; the violation arrives live (red, "removed"), the map
// marks us-east, the agent no longer runs profile, the history has the version. Another
// apply meanwhile makes the next one CONFLICT, not overwrite. The deploy dialog shows the
// node the policy forbids and deploys to the others when told to skip it, and the rollout
// wizard plans over the allowed nodes only. A viewer sees everything with the actions off
// and the role needed.
#include "clientcalls.h"
#include "components/deploydialog.h"
#include "components/selectorpreview.h"
#include "fleet/fleetfeed.h"
#include "fleet/fleetselection.h"
#include "keelclient.h"
#include "keelctlrun.h"
#include "map/mappane.h"
#include "map/mapview.h"
#include "map/regionviolations.h"
#include "metrics/livemetrics.h"
#include "nodes/nodetablemodel.h"
#include "policies/placementpreview.h"
#include "policies/policiespane.h"
#include "policies/policyeditor.h"
#include "policies/policyfeed.h"
#include "policies/policyhistorymodel.h"
#include "policies/policypreview.h"
#include "policies/policyrulesmodel.h"
#include "policies/violationlistmodel.h"
#include "processundertest.h"
#include "regions/regionlistmodel.h"
#include "rollouts/rollouttargetpage.h"
#include "rollouts/rolloutwizard.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Keel;
using namespace Keel::Testing;

namespace {

constexpr int kWait = 30000;

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

// One console: client, models, feed, a Policies pane and a map, connected with one token.
struct Console
{
    Console(const QString &server, const QString &token)
    {
        QObject::connect(&feed, &FleetFeed::identityChanged, &pane, &PoliciesPane::setIdentity);
        map.setViolations(pane.violations());
        new QAbstractItemModelTester(pane.rules(), QAbstractItemModelTester::FailureReportingMode::Fatal, &pane);
        new QAbstractItemModelTester(pane.violations(), QAbstractItemModelTester::FailureReportingMode::Fatal, &pane);
        new QAbstractItemModelTester(pane.history(), QAbstractItemModelTester::FailureReportingMode::Fatal, &pane);
        new QAbstractItemModelTester(pane.preview()->placements(), QAbstractItemModelTester::FailureReportingMode::Fatal, &pane);
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
    PoliciesPane pane{&client};
    MapPane map{&nodes, &regions, &live, &selection};
};

bool runs(const NodeTableModel &nodes, const QString &node, const QString &component)
{
    const int row = nodes.rowOf(node);
    if (row < 0)
        return false;
    const QList<ComponentStatus> &components = nodes.nodeAt(row).components;
    return std::any_of(components.cbegin(), components.cend(), [&](const ComponentStatus &c) {
        return c.name == component && c.state == ComponentStatus::State::Running;
    });
}

} // namespace

class tst_PoliciesPane : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ProcessUnderTest> m_cp;
    QList<std::shared_ptr<ProcessUnderTest>> m_agents;
    QString m_server;
    QString m_token;
    std::unique_ptr<Console> m_console;

    KeelctlRun keelctl(const QStringList &arguments)
    {
        return KeelctlRun::run(kBinDir + QStringLiteral("/keelctl"), m_server, m_token, arguments);
    }

    bool edit(int row, int column, const QString &text)
    {
        PolicyRulesModel *rules = m_console->pane.rules();
        return rules->setData(rules->index(row, column), text);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cp = std::make_unique<ProcessUnderTest>(QStringLiteral("keel-controlplane"));
        m_cp->start(kBinDir + QStringLiteral("/keel-controlplane"),
                    {QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("cp")), QStringLiteral("--listen"),
                     QStringLiteral("127.0.0.1:0"), QStringLiteral("--heartbeat-interval"), QStringLiteral("200")});
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
        // "profile": hello's module, declared as processing pii.
        const KeelctlRun pushed = keelctl({QStringLiteral("component"), QStringLiteral("push"), kComponents + QStringLiteral("/hello.wasm"),
                                           QStringLiteral("--name"), QStringLiteral("profile"), QStringLiteral("--version"),
                                           QStringLiteral("1.0.0"), QStringLiteral("--data-class"), QStringLiteral("pii")});
        QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.err));
        const KeelctlRun deployed = keelctl({QStringLiteral("deploy"), QStringLiteral("profile@1.0.0"), QStringLiteral("--to"), QStringLiteral("all")});
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
        for (const QString &name : kAgents)
            QTRY_VERIFY_WITH_TIMEOUT(runs(m_console->nodes, name, QStringLiteral("profile")), kWait);
    }

    void cleanupTestCase()
    {
        m_console.reset();
        m_agents.clear();
        if (m_cp)
            m_cp->terminate();
    }

    void noPolicyYetShowsAHint()
    {
        PoliciesPane &pane = m_console->pane;
        QTRY_VERIFY_WITH_TIMEOUT(pane.feed()->isListed(), kWait);
        QCOMPARE(pane.bannerText(), QString());
        QCOMPARE(pane.rules()->rowCount(), 0);
        QCOMPARE(pane.editor()->placeholderText(), QStringLiteral("No residency policy yet: add a rule, or Import… a file."));
        QCOMPARE(pane.summaryText(), QStringLiteral("No policy applied yet"));
        QCOMPARE(pane.violationsPlaceholderText(), QStringLiteral("No violations: every placement complies with the residency policy."));
        QVERIFY(!pane.applyButton()->isEnabled());
        QCOMPARE(pane.applyButton()->toolTip(), QStringLiteral("Nothing to apply: the rules are as applied"));
        QVERIFY(child<QPushButton>(&pane, "policyAddRule")->isEnabled());
    }

    void aRuleIsCheckedAsItIsTyped()
    {
        PoliciesPane &pane = m_console->pane;
        child<QPushButton>(&pane, "policyAddRule")->click();
        QCOMPARE(pane.rules()->rowCount(), 1);
        // A new rule has no class and no place yet: marked, named, and nothing can be sent.
        const QModelIndex allowed = pane.rules()->index(0, PolicyRulesModel::AllowedColumn);
        QVERIFY(!allowed.data(PolicyRulesModel::ProblemRole).toString().isEmpty());
        QVERIFY2(pane.editor()->statusText().startsWith(QStringLiteral("⚠ Rule rule-1 has no data_class")),
                 qPrintable(pane.editor()->statusText()));
        QVERIFY(!pane.previewButton()->isEnabled());
        QVERIFY(pane.applyButton()->toolTip().startsWith(QStringLiteral("Fix the rules first: Rule rule-1 has no data_class")));
        QVERIFY(edit(0, PolicyRulesModel::NameColumn, QStringLiteral("eu-only")));
        QVERIFY(edit(0, PolicyRulesModel::DataClassColumn, QStringLiteral("pii")));
        // Typed in the table's cell: checked at every keystroke, while the cell is open.
        QTableView *table = pane.editor()->table();
        table->setCurrentIndex(allowed);
        table->edit(allowed);
        // The editor of that cell (Add rule left one open on the data class, closed now).
        auto *cell = qobject_cast<QLineEdit *>(table->indexWidget(allowed));
        QVERIFY(cell);
        QCOMPARE(cell->objectName(), QStringLiteral("ruleCellEditor"));
        cell->selectAll();
        QTest::keyClicks(cell, QStringLiteral("EU, X"));
        QVERIFY2(pane.editor()->statusText().contains(QStringLiteral("unknown jurisdiction code \"X\" in allowed")),
                 qPrintable(pane.editor()->statusText()));
        QTest::keyClicks(cell, QStringLiteral("X"));
        QVERIFY2(pane.editor()->statusText().contains(QStringLiteral("unknown jurisdiction code \"XX\" in allowed")),
                 qPrintable(pane.editor()->statusText()));
        QTest::keyClick(cell, Qt::Key_Return);
        QVERIFY(!allowed.data(PolicyRulesModel::ProblemRole).toString().isEmpty());
        QVERIFY(!pane.applyButton()->isEnabled());
        QVERIFY(edit(0, PolicyRulesModel::AllowedColumn, QStringLiteral("eu")));
        QVERIFY(allowed.data(PolicyRulesModel::ProblemRole).toString().isEmpty());
        QCOMPARE(allowed.data().toString(), QStringLiteral("EU"));
        QVERIFY2(pane.editor()->statusText().startsWith(QStringLiteral("Not applied yet — added eu-only")),
                 qPrintable(pane.editor()->statusText()));
        QVERIFY(pane.previewButton()->isEnabled());
        QVERIFY(pane.applyButton()->isEnabled());
    }

    void previewShowsWhatApplyingWouldRemove()
    {
        PoliciesPane &pane = m_console->pane;
        pane.previewButton()->click();
        QCOMPARE(pane.tabs()->currentIndex(), int(PoliciesPane::PreviewTab));
        QTRY_VERIFY_WITH_TIMEOUT(pane.preview()->isCurrent(), kWait);
        PolicyPreview *preview = pane.preview();
        QCOMPARE(preview->headlineText(), QStringLiteral("Applying this policy: 1 component removed from 1 node."));
        QVERIFY2(preview->diffText().startsWith(QStringLiteral("Changes: added eu-only (pii")), qPrintable(preview->diffText()));
        const ViolationListModel *placements = preview->placements();
        QCOMPARE(placements->rowCount(), 1);
        QCOMPARE(placements->index(0, ViolationListModel::NodeColumn).data().toString(), QStringLiteral("edge-us-1"));
        QCOMPARE(placements->index(0, ViolationListModel::ComponentColumn).data().toString(), QStringLiteral("profile"));
        QCOMPARE(placements->index(0, ViolationListModel::VersionColumn).data().toString(), QStringLiteral("1.0.0"));
        QCOMPARE(placements->index(0, ViolationListModel::RuleColumn).data().toString(), QStringLiteral("eu-only"));
        QCOMPARE(placements->index(0, ViolationListModel::StateColumn).data().toString(), QStringLiteral("will be removed"));
        QCOMPARE(preview->lossList()->count(), 1);
        QCOMPARE(preview->lossList()->item(0)->text(), QStringLiteral("edge-us-1 loses profile@1.0.0"));
        // Nothing changed yet.
        QVERIFY(runs(m_console->nodes, QStringLiteral("edge-us-1"), QStringLiteral("profile")));
        QCOMPARE(pane.violations()->rowCount(), 0);

        // An edit makes the preview out of date; Apply… asks for a new one first.
        QVERIFY(edit(0, PolicyRulesModel::ModeColumn, QStringLiteral("audit")));
        QVERIFY(!preview->isCurrent());
        QVERIFY(preview->headlineText().startsWith(QStringLiteral("Out of date")));
        QVERIFY(edit(0, PolicyRulesModel::ModeColumn, QStringLiteral("enforce")));
    }

    void applyConfirmsTheCountAndTheViolationArrives()
    {
        PoliciesPane &pane = m_console->pane;
        pane.applyButton()->click(); // the preview is out of date: asked again, then confirmed
        QTRY_VERIFY_WITH_TIMEOUT(pane.confirmation(), kWait);
        QCOMPARE(pane.confirmation()->text(), QStringLiteral("Apply policy: 1 component removed from 1 node?"));
        QVERIFY(pane.preview()->isCurrent());
        child<QPushButton>(pane.confirmation(), "policyApplyConfirm")->click();

        QTRY_VERIFY_WITH_TIMEOUT(pane.bannerText().startsWith(QStringLiteral("Applied version ")), kWait);
        QVERIFY2(pane.bannerText().endsWith(QStringLiteral(": 1 component removed from 1 node.")), qPrintable(pane.bannerText()));
        QCOMPARE(pane.tabs()->currentIndex(), int(PoliciesPane::ViolationsTab));
        QVERIFY(!pane.rules()->isModified());
        QVERIFY(pane.summaryText().startsWith(QStringLiteral("Version ")));

        // The violation, live: red, "removed".
        QTRY_COMPARE_WITH_TIMEOUT(pane.violations()->rowCount(), 1, kWait);
        const ViolationListModel *violations = pane.violations();
        QCOMPARE(violations->index(0, ViolationListModel::NodeColumn).data().toString(), QStringLiteral("edge-us-1"));
        QCOMPARE(violations->index(0, ViolationListModel::ComponentColumn).data().toString(), QStringLiteral("profile"));
        QCOMPARE(violations->index(0, ViolationListModel::RegionColumn).data().toString(), QStringLiteral("us-east (US)"));
        QTRY_COMPARE_WITH_TIMEOUT(violations->index(0, ViolationListModel::StateColumn).data().toString(), QStringLiteral("removed"), kWait);
        QCOMPARE(pane.tabs()->tabText(PoliciesPane::ViolationsTab), QStringLiteral("Violations (1)"));
        // The map marks the region, the agent no longer runs it, the EU one still does.
        QTRY_VERIFY_WITH_TIMEOUT(m_console->map.regionViolations()->region(QStringLiteral("us-east")), kWait);
        QCOMPARE(m_console->map.regionViolations()->region(QStringLiteral("us-east"))->text(), QStringLiteral("✖ profile removed"));
        QVERIFY(!m_console->map.regionViolations()->region(QStringLiteral("eu-west")));
        QTRY_VERIFY_WITH_TIMEOUT(!runs(m_console->nodes, QStringLiteral("edge-us-1"), QStringLiteral("profile")), kWait);
        QVERIFY(runs(m_console->nodes, QStringLiteral("edge-eu-1"), QStringLiteral("profile")));
        // The history has the version, by whom, what changed.
        QTRY_VERIFY_WITH_TIMEOUT(pane.history()->rowCount() >= 1, kWait);
        QCOMPARE(pane.history()->index(0, PolicyHistoryModel::ByColumn).data().toString(), QStringLiteral("token:bootstrap-admin"));
        QVERIFY(pane.history()->index(0, PolicyHistoryModel::ChangeColumn).data().toString().startsWith(QStringLiteral("added eu-only")));
    }

    void anotherApplyMeanwhileIsRefusedNotOverwritten()
    {
        PoliciesPane &pane = m_console->pane;
        const quint64 before = pane.rules()->applied().version;
        QVERIFY(edit(0, PolicyRulesModel::ModeColumn, QStringLiteral("audit")));
        pane.previewButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(pane.preview()->isCurrent(), kWait);
        pane.applyButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(pane.confirmation(), kWait);
        // While the operator reads the confirmation, someone else applies another version.
        KeelClient other;
        other.open(KeelClient::normalizeServer(m_server), m_token);
        ResidencyPolicy theirs = pane.rules()->applied();
        theirs.rules.front().allowed = {"EU", "CH"};
        const auto set = await<Op::PolicySet>([&](auto done) { other.setPolicy(theirs, false, before, done); });
        QVERIFY2(set && !errorOf(*set), qPrintable(why(set)));
        QTRY_COMPARE_WITH_TIMEOUT(pane.rules()->applied().version, std::get<Op::PolicySet>(*set).policy.version, kWait);
        QVERIFY(pane.rules()->isModified()); // the edit is kept
        child<QPushButton>(pane.confirmation(), "policyApplyConfirm")->click();
        QTRY_VERIFY_WITH_TIMEOUT(pane.bannerText().startsWith(QStringLiteral("Not applied: another version of the policy was applied")),
                                 kWait);
        QVERIFY(pane.rules()->isModified());
        QVERIFY(!pane.preview()->isCurrent());
        QCOMPARE(pane.rules()->applied().rules.front().allowed, (std::vector<std::string>{"EU", "CH"}));
        pane.rules()->revert();
        QVERIFY(!pane.rules()->isModified());
    }

    void aViewerSeesEverythingWithTheActionsOff()
    {
        const auto created = await<CreatedToken>([&](auto done) {
            m_console->client.createToken(Role::Viewer, QStringLiteral("policies-viewer"), 600, done);
        });
        QVERIFY2(created && !errorOf(*created), qPrintable(why(created)));
        Console viewer(m_server, std::get<CreatedToken>(*created).secret);
        QTRY_VERIFY_WITH_TIMEOUT(viewer.pane.feed()->isListed() && viewer.pane.rules()->rowCount() == 1, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(viewer.pane.violations()->rowCount() >= 1, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(!child<QPushButton>(&viewer.pane, "policyAddRule")->isEnabled(), kWait);
        const QString needed = QStringLiteral("Needs the operator role; this console's token has the viewer role.");
        for (const char *name : {"policyAddRule", "policyRemoveRule", "policyImport", "policyApply", "policyPreviewRun", "policyRevert"}) {
            auto *button = child<QPushButton>(&viewer.pane, name);
            QVERIFY2(!button->isEnabled(), name);
            QCOMPARE(button->toolTip(), needed);
        }
        QVERIFY(child<QPushButton>(&viewer.pane, "policyExport")->isEnabled());
        QVERIFY(child<QPushButton>(&viewer.pane, "policyRefresh")->isEnabled());
        QVERIFY(!(viewer.pane.rules()->flags(viewer.pane.rules()->index(0, 0)) & Qt::ItemIsEditable));
        QVERIFY(viewer.pane.history()->rowCount() >= 1);
    }
    void theDeployDialogShowsTheForbiddenNodeAndSkipsIt()
    {
        const KeelctlRun pushed = keelctl({QStringLiteral("component"), QStringLiteral("push"), kComponents + QStringLiteral("/hello.wasm"),
                                           QStringLiteral("--name"), QStringLiteral("profile"), QStringLiteral("--version"),
                                           QStringLiteral("1.1.0"), QStringLiteral("--data-class"), QStringLiteral("pii")});
        QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.err));
        DeployDialog dialog(DeployDialog::Mode::Deploy, &m_console->client, {QStringLiteral("profile@1.1.0")});
        dialog.show();
        child<QLineEdit>(&dialog, "selectorEdit")->setText(QStringLiteral("all"));
        QTRY_VERIFY_WITH_TIMEOUT(dialog.preview()->isCurrent() && dialog.placement()->isCurrent()
                                     && !dialog.placement()->decisions().isEmpty(), kWait);
        PlacementPreview *placement = dialog.placement();
        QCOMPARE(placement->forbiddenNodes(), QStringList{QStringLiteral("edge-us-1")});
        QVERIFY2(placement->summaryText().startsWith(QStringLiteral("✖ The residency policy forbids profile on 1 of the 2 matching nodes")),
                 qPrintable(placement->summaryText()));
        QVERIFY(placement->nodeList()->item(0)->text().startsWith(QStringLiteral("edge-us-1 (us-east, US) — forbidden by rule eu-only")));
        auto *run = child<QPushButton>(&dialog, "deployRun");
        QVERIFY(!run->isEnabled());
        QVERIFY(run->toolTip().startsWith(QStringLiteral("The residency policy forbids some of these nodes")));
        child<QCheckBox>(&dialog, "placementSkip")->setChecked(true);
        QVERIFY(run->isEnabled());
        run->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.confirmation(), kWait);
        QCOMPARE(dialog.confirmation()->text(),
                 QStringLiteral("Deploy profile@1.1.0 to 1 node in 1 region, skipping 1 node the residency policy forbids?"));
        child<QPushButton>(dialog.confirmation(), "deployConfirm")->click();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.resultText().isEmpty(), kWait);
        QVERIFY2(dialog.resultText().contains(QStringLiteral("skipped edge-us-1")), qPrintable(dialog.resultText()));
        // The rule for profile now names 1.1.0 and leaves edge-us-1 out: its violation is
        // resolved, and the row goes.
        QTRY_COMPARE_WITH_TIMEOUT(m_console->pane.violations()->rowCount(), 0, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(!m_console->map.regionViolations()->region(QStringLiteral("us-east")), kWait);
    }


    void theRolloutWizardPlansOverTheAllowedNodesWhenSkipping()
    {
        RolloutWizard wizard(&m_console->client);
        wizard.show();
        QTRY_VERIFY_WITH_TIMEOUT(wizard.isListed(), kWait);
        wizard.setTarget(QStringLiteral("profile"), QStringLiteral("1.0.0"));
        child<QLineEdit>(&wizard, "selectorEdit")->setText(QStringLiteral("all"));
        RolloutTargetPage *target = wizard.targetPage();
        QTRY_VERIFY_WITH_TIMEOUT(target->preview()->isCurrent() && target->placement()->isCurrent()
                                     && !target->placement()->decisions().isEmpty(), kWait);
        QCOMPARE(target->version(), QStringLiteral("1.0.0"));
        QCOMPARE(target->placement()->forbiddenNodes(), QStringList{QStringLiteral("edge-us-1")});
        QVERIFY(!target->isComplete()); // the policy forbids a matching node
        target->placement()->skipBox()->setChecked(true);
        QVERIFY(target->isComplete());
        QCOMPARE(target->nodes().size(), 1);
        QCOMPARE(target->nodes().first().name, QStringLiteral("edge-eu-1"));
        QVERIFY(wizard.spec().skipDisallowed);
        QVERIFY2(wizard.question().startsWith(QStringLiteral("Roll out profile@1.0.0 to 1 node in 1 region, 1 wave")),
                 qPrintable(wizard.question()));
        QVERIFY2(wizard.question().endsWith(QStringLiteral(", skipping 1 node the residency policy forbids?")),
                 qPrintable(wizard.question()));
    }
};

QTEST_MAIN(tst_PoliciesPane)
#include "tst_policiespane.moc"
