// The Components pane end to end: the real keel-controlplane and keel-agent binaries on
// ephemeral ports with temp dirs, the console's client, feed and pane in this process,
// driven through their widgets. A component pushed and deployed from the pane reaches the
// agent and is served over HTTP; a refused push shows the validator's message; a viewer's
// actions are disabled; the control plane going away mid-push is explained and the pane
// keeps working once it is back.
#include "clientcalls.h"
#include "components/componentfeed.h"
#include "components/componentregistrymodel.h"
#include "components/componentspane.h"
#include "components/deploydialog.h"
#include "components/deploymentrulesmodel.h"
#include "components/pushdialog.h"
#include "components/selectorpreview.h"
#include "fleet/fleetfeed.h"
#include "httpclient.h"
#include "keelclient.h"
#include "nodes/nodetablemodel.h"
#include "policies/placementpreview.h"
#include "processundertest.h"
#include "regions/regionlistmodel.h"

#include <QCheckBox>
#include <QLabel>
#include <QComboBox>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Keel;

namespace {
// What a step against the real control plane may take on a loaded machine (a CI runner
// building other things): generous, since QTRY returns as soon as the condition holds.
constexpr int kWait = 30000;
} // namespace
using namespace Keel::Testing;

namespace {

const QString kBinDir = QStringLiteral(KEEL_BIN_DIR);
const QString kComponents = QStringLiteral(KEEL_SAMPLE_COMPONENTS_DIR);

// One console: client, models, feed and a Components pane, connected with one token.
struct Console
{
    Console(const QString &server, const QString &token)
    {
        QObject::connect(&feed, &FleetFeed::identityChanged, &pane, &ComponentsPane::setIdentity);
        feed.start(KeelClient::normalizeServer(server), token);
        pane.resize(1200, 800);
        pane.show();
    }

    KeelClient client;
    NodeTableModel nodes;
    RegionListModel regions;
    FleetFeed feed{&client, &nodes, &regions};
    ComponentsPane pane{&client};
};

template<typename T>
T *child(QWidget *parent, const char *name)
{
    T *widget = parent ? parent->findChild<T *>(QLatin1String(name)) : nullptr;
    if (!widget)
        qWarning("no %s named %s", T::staticMetaObject.className(), name);
    return widget;
}

} // namespace

class tst_ComponentsPane : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ProcessUnderTest> m_cp;
    std::unique_ptr<ProcessUnderTest> m_agent;
    QString m_server;
    QString m_adminToken;
    QString m_agentHttp;
    HttpClient m_http;
    std::unique_ptr<KeelClient> m_admin;
    std::unique_ptr<Console> m_console;

    void startControlPlane()
    {
        m_cp = std::make_unique<ProcessUnderTest>(QStringLiteral("keel-controlplane"));
        m_cp->start(kBinDir + QStringLiteral("/keel-controlplane"),
                    {QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("cp")),
                     QStringLiteral("--listen"), m_server.isEmpty() ? QStringLiteral("127.0.0.1:0") : m_server.mid(5),
                     QStringLiteral("--heartbeat-interval"), QStringLiteral("200")});
        const auto match = m_cp->waitForOutput(QRegularExpression(QStringLiteral("listening on (ws://\\S+)")));
        QVERIFY2(match.hasMatch(), qPrintable(m_cp->transcript()));
        m_server = match.captured(1);
    }

    // Pushes the module through the pane's Push dialog, set up as an operator would.
    PushDialog *openPushDialog(const QString &module, const QString &name, const QString &version)
    {
        ComponentsPane &pane = m_console->pane;
        auto *push = child<QPushButton>(&pane, "componentsPush");
        if (!push || !push->isEnabled())
            return nullptr;
        push->click();
        PushDialog *dialog = pane.pushDialog();
        if (!dialog)
            return nullptr;
        child<QLineEdit>(dialog, "pushModulePath")->setText(module);
        child<QLineEdit>(dialog, "pushName")->setText(name);
        child<QLineEdit>(dialog, "pushVersion")->setText(version);
        auto *abi = child<QComboBox>(dialog, "pushAbi");
        abi->setCurrentIndex(abi->findData(int(ComponentAbi::Wagi)));
        child<QSpinBox>(dialog, "pushMemoryMb")->setValue(16);
        child<QSpinBox>(dialog, "pushDeadlineMs")->setValue(1000);
        return dialog;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        startControlPlane();
        m_adminToken = QString::fromUtf8(readFile(m_dir.filePath(QStringLiteral("cp/admin.token"))).trimmed());
        m_admin = std::make_unique<KeelClient>();
        m_admin->open(KeelClient::normalizeServer(m_server), m_adminToken);
        const auto topology = await<TopologyApplied>([&](auto done) {
            m_admin->applyTopology({Region{QStringLiteral("eu-west"), QStringLiteral("EU"), 53.35, -6.26, {}},
                                    Region{QStringLiteral("us-east"), QStringLiteral("US"), 38.9, -77.04, {}}}, done);
        });
        QVERIFY2(topology && !errorOf(*topology), qPrintable(why(topology)));
        const auto join = await<JoinToken>([&](auto done) { m_admin->createJoinToken(QStringLiteral("eu-west"), 1, 600, done); });
        QVERIFY2(join && !errorOf(*join), qPrintable(why(join)));

        m_agent = std::make_unique<ProcessUnderTest>(QStringLiteral("keel-agent"));
        m_agent->start(kBinDir + QStringLiteral("/keel-agent"),
                       {QStringLiteral("--controlplane"), m_server, QStringLiteral("--name"), QStringLiteral("edge-eu"),
                        QStringLiteral("--region"), QStringLiteral("eu-west"), QStringLiteral("--data-dir"),
                        m_dir.filePath(QStringLiteral("edge-eu")), QStringLiteral("--http"), QStringLiteral("127.0.0.1:0"),
                        QStringLiteral("--admin"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--join-token"),
                        std::get<JoinToken>(*join).token});
        const auto http = m_agent->waitForOutput(QRegularExpression(QStringLiteral("http listening on (127\\.0\\.0\\.1:\\d+)")));
        QVERIFY2(http.hasMatch(), qPrintable(m_agent->transcript()));
        m_agentHttp = QStringLiteral("http://") + http.captured(1);

        m_console = std::make_unique<Console>(m_server, m_adminToken);
        QVERIFY(QTest::qWaitForWindowExposed(&m_console->pane));
        QTRY_COMPARE_WITH_TIMEOUT(m_console->feed.phase(), FleetFeed::Phase::Live, 15000);
    }

    void cleanupTestCase()
    {
        m_console.reset();
        m_admin.reset();
        m_agent.reset();
        if (m_cp)
            m_cp->terminate();
    }

    void anEmptyRegistryShowsAHint()
    {
        ComponentsPane &pane = m_console->pane;
        QTRY_VERIFY_WITH_TIMEOUT(m_console->pane.feed()->isListed(), kWait);
        QVERIFY2(pane.placeholderText().contains(QLatin1String("No components in the registry yet")), qPrintable(pane.placeholderText()));
        QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>(&pane, "componentsPush")->isEnabled(), kWait);
        QVERIFY(!child<QPushButton>(&pane, "componentsDeploy")->isEnabled());
        QVERIFY(child<QPushButton>(&pane, "componentsDeploy")->toolTip().contains(QLatin1String("Push a component first")));
    }

    void aRefusedPushShowsTheValidatorsMessage()
    {
        const QString garbage = m_dir.filePath(QStringLiteral("not-wasm.wasm"));
        QFile file(garbage);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("#!/bin/sh\necho this is not WebAssembly\n");
        file.close();
        PushDialog *dialog = openPushDialog(garbage, QStringLiteral("garbage"), QStringLiteral("1.0.0"));
        QVERIFY(dialog);
        child<QPushButton>(dialog, "pushStart")->click();
        QTRY_COMPARE_WITH_TIMEOUT(dialog->job()->step(), PushJob::Step::Refused, kWait);
        QCOMPARE(dialog->job()->refusedField(), QStringLiteral("module"));
        QVERIFY2(dialog->messageText().contains(QLatin1String("refused the module of garbage@1.0.0: not a WebAssembly module")),
                 qPrintable(dialog->messageText()));
        QVERIFY(dialog->stepTexts().contains(QStringLiteral("Validation: ") + child<QLabel>(dialog, "pushValidationStep")->text()));
        QVERIFY(child<QLabel>(dialog, "pushValidationStep")->text().contains(QLatin1String("refused")));
        QCOMPARE(m_console->pane.registry()->componentCount(), 0);
        dialog->reject();
        QTRY_VERIFY_WITH_TIMEOUT(!m_console->pane.pushDialog(), kWait);
    }

    void pushAndDeployFromThePaneServesOverHttp()
    {
        ComponentsPane &pane = m_console->pane;
        PushDialog *push = openPushDialog(kComponents + QStringLiteral("/hello.wasm"), QStringLiteral("hello"), QStringLiteral("1.0.0"));
        QVERIFY(push);
        child<QPushButton>(push, "pushStart")->click();
        QCOMPARE(push->job()->step(), PushJob::Step::Uploading);
        QVERIFY(!child<QLineEdit>(push, "pushName")->isEnabled()); // the form holds still while it runs
        // Upload, validation, then the AOT build to its end (wasm2c and a C compiler).
        QTRY_VERIFY_WITH_TIMEOUT(push->job()->step() != PushJob::Step::Uploading, 30000);
        QVERIFY2(push->job()->step() == PushJob::Step::Building || push->job()->step() == PushJob::Step::Finished,
                 qPrintable(push->messageText()));
        QVERIFY(child<QLabel>(push, "pushValidationStep")->text().contains(QLatin1String("passed")));
        QTRY_VERIFY_WITH_TIMEOUT(push->job()->step() == PushJob::Step::Finished, 240000);
        QCOMPARE(push->job()->version().aotState, AotState::Ready);
        QVERIFY2(child<QLabel>(push, "pushBuildStep")->text().contains(QLatin1String("ready")), qPrintable(push->stepTexts().join(u'\n')));
        QVERIFY(push->messageText().startsWith(QLatin1String("Stored hello@1.0.0")));
        push->reject();

        // The registry shows it, ready, selected, in the detail panel.
        QTRY_VERIFY_WITH_TIMEOUT(pane.registry()->version(QStringLiteral("hello"), QStringLiteral("1.0.0")).has_value(), kWait);
        QTRY_COMPARE_WITH_TIMEOUT(pane.registry()->version(QStringLiteral("hello"), QStringLiteral("1.0.0"))->aotState, AotState::Ready, kWait);
        QVERIFY(pane.placeholderText().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(&pane, "componentDetailTitle")->text() == QLatin1String("hello 1.0.0"), kWait);
        QVERIFY(child<QLabel>(&pane, "detailAot")->text().contains(QLatin1String("ready")));

        // Deploy: the selector previews its nodes as it is typed; a bad one says why.
        auto *deployButton = child<QPushButton>(&pane, "componentsDeploy");
        QTRY_VERIFY_WITH_TIMEOUT(deployButton->isEnabled(), kWait);
        deployButton->click();
        DeployDialog *deploy = pane.deployDialog();
        QVERIFY(deploy);
        QCOMPARE(deploy->choice(), QStringLiteral("hello@1.0.0"));
        auto *selector = child<QLineEdit>(deploy, "selectorEdit");
        auto *run = child<QPushButton>(deploy, "deployRun");
        selector->setText(QStringLiteral("region"));
        QVERIFY2(deploy->preview()->summaryText().startsWith(QLatin1String("Not a selector: ")), qPrintable(deploy->preview()->summaryText()));
        QVERIFY(deploy->preview()->summaryText().contains(QLatin1String("region")));
        QVERIFY(!run->isEnabled());
        selector->setText(QStringLiteral("region=eu-west"));
        QVERIFY(!run->isEnabled()); // until the control plane said which nodes match
        QTRY_VERIFY_WITH_TIMEOUT(deploy->preview()->isCurrent(), kWait);
        QCOMPARE(deploy->preview()->matches().size(), 1);
        QCOMPARE(deploy->preview()->matches().first().name, QStringLiteral("edge-eu"));
        QCOMPARE(deploy->preview()->summaryText(), QStringLiteral("Matches 1 node in 1 region now."));
        // Then the residency policy's verdict on those nodes (no policy: all allowed).
        QTRY_VERIFY_WITH_TIMEOUT(deploy->placement()->isCurrent(), kWait);
        QVERIFY(deploy->placement()->forbiddenNodes().isEmpty());
        QVERIFY(run->isEnabled());
        run->click();
        QTRY_VERIFY_WITH_TIMEOUT(deploy->confirmation(), kWait);
        QCOMPARE(deploy->confirmation()->text(), QStringLiteral("Deploy hello@1.0.0 to 1 node in 1 region?"));
        child<QPushButton>(deploy->confirmation(), "deployConfirm")->click();
        QTRY_VERIFY_WITH_TIMEOUT(!pane.deployDialog(), kWait);
        QTRY_COMPARE_WITH_TIMEOUT(pane.bannerText(), QStringLiteral("Deployed hello@1.0.0 to region=eu-west: 1 node matches now."), kWait);

        // The rule is listed, and the agent serves the component.
        QTRY_COMPARE_WITH_TIMEOUT(pane.rules()->rowCount(), 1, kWait);
        const QAbstractItemModel *rules = pane.rules();
        QCOMPARE(rules->index(0, DeploymentRulesModel::ComponentColumn).data().toString(), QStringLiteral("hello@1.0.0"));
        QCOMPARE(rules->index(0, DeploymentRulesModel::SelectorColumn).data().toString(), QStringLiteral("region=eu-west"));
        QCOMPARE(rules->index(0, DeploymentRulesModel::NodesColumn).data().toInt(), 1);
        QCOMPARE(rules->index(0, DeploymentRulesModel::ByColumn).data().toString(), QStringLiteral("token:bootstrap-admin"));
        QTRY_COMPARE_WITH_TIMEOUT(m_http.get(QUrl(m_agentHttp + QStringLiteral("/hello/")), 5000).status, 200, 60000);
        QVERIFY(child<QPushButton>(&pane, "componentsUndeploy")->isEnabled());
    }

    void aViewerSeesThePaneWithActionsDisabled()
    {
        const auto created = await<CreatedToken>([&](auto done) {
            m_admin->createToken(Role::Viewer, QStringLiteral("components-viewer"), 600, done);
        });
        QVERIFY2(created && !errorOf(*created), qPrintable(why(created)));
        Console viewer(m_server, std::get<CreatedToken>(*created).secret);
        QTRY_VERIFY_WITH_TIMEOUT(viewer.pane.registry()->version(QStringLiteral("hello"), QStringLiteral("1.0.0")).has_value(), kWait);
        QTRY_COMPARE_WITH_TIMEOUT(viewer.pane.rules()->rowCount(), 1, kWait);
        for (const char *name : {"componentsPush", "componentsDeploy", "componentsUndeploy"}) {
            auto *button = child<QPushButton>(&viewer.pane, name);
            QTRY_VERIFY2(!button->isEnabled(), name);
            QVERIFY2(button->toolTip().startsWith(QLatin1String("Needs the operator role")), qPrintable(button->toolTip()));
        }
        QVERIFY(child<QPushButton>(&viewer.pane, "componentsRefresh")->isEnabled());
    }

    void cancelStopsWaiting()
    {
        PushDialog *push = openPushDialog(kComponents + QStringLiteral("/hello.wasm"), QStringLiteral("hello"), QStringLiteral("1.1.0"));
        QVERIFY(push);
        child<QPushButton>(push, "pushStart")->click();
        QVERIFY(push->job()->isRunning());
        child<QPushButton>(push, "pushCancel")->click();
        QCOMPARE(push->job()->step(), PushJob::Step::Cancelled);
        QVERIFY2(push->messageText().startsWith(QLatin1String("Stopped waiting")), qPrintable(push->messageText()));
        QCOMPARE(child<QPushButton>(push, "pushCancel")->text(), QStringLiteral("Close"));
        push->reject();
        // The control plane stored it all the same; the registry shows it.
        QTRY_VERIFY_WITH_TIMEOUT(m_console->pane.registry()->version(QStringLiteral("hello"), QStringLiteral("1.1.0")).has_value(), kWait);
    }

    void theControlPlaneGoingAwayMidPushIsExplained()
    {
        PushDialog *push = openPushDialog(kComponents + QStringLiteral("/hello.wasm"), QStringLiteral("hello"), QStringLiteral("1.2.0"));
        QVERIFY(push);
        child<QPushButton>(push, "pushStart")->click();
        m_cp->kill(); // before the frame leaves this process
        QTRY_COMPARE_WITH_TIMEOUT(push->job()->step(), PushJob::Step::Interrupted, kWait);
        QVERIFY2(push->messageText().contains(QLatin1String("The connection to the control plane was lost during the upload of hello@1.2.0")),
                 qPrintable(push->messageText()));
        QVERIFY(child<QPushButton>(push, "pushStart")->isEnabled()); // it can be pushed again
        QTRY_VERIFY_WITH_TIMEOUT(!child<QPushButton>(&m_console->pane, "componentsPush")->isEnabled(), kWait);
        QVERIFY(child<QPushButton>(&m_console->pane, "componentsPush")->toolTip().contains(QLatin1String("Not connected")));
        push->reject();

        // Back on the same port: the pane lists again and works as before.
        startControlPlane();
        QTRY_COMPARE_WITH_TIMEOUT(m_console->feed.phase(), FleetFeed::Phase::Live, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(m_console->pane.feed()->isListed(), kWait);
        QVERIFY(m_console->pane.registry()->version(QStringLiteral("hello"), QStringLiteral("1.0.0")).has_value());
        QTRY_COMPARE_WITH_TIMEOUT(m_console->pane.rules()->rowCount(), 1, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>(&m_console->pane, "componentsPush")->isEnabled(), kWait);
    }
};

QTEST_MAIN(tst_ComponentsPane)
#include "tst_componentspane.moc"
