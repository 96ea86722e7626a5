// RolloutView without a control plane: which action each state allows, the confirmation
// naming what an action touches, the failure sentence at the top coloured by state, the
// nodes' states derived from their waves, the gate charts of the wave that matters
// (threshold, unit, points), and actions a viewer sees disabled with the role needed.
#include "common/statuscolors.h"
#include "keelclient.h"
#include "rollouts/gatechart.h"
#include "rollouts/gatehistory.h"
#include "rollouts/gatepanel.h"
#include "rollouts/rolloutnodesmodel.h"
#include "rollouts/rolloutview.h"
#include "rollouts/wavestrip.h"

#include <QAbstractItemModelTester>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace Keel;

namespace {

const QDateTime kNow = QDateTime(QDate(2025, 3, 1), QTime(12, 0, 0), Qt::UTC);

RolloutWave wave(int index, const QString &region, const QStringList &nodes, WaveState state)
{
    RolloutWave w;
    w.index = index;
    w.step = index;
    w.regions = {region};
    w.nodes = nodes;
    w.state = state;
    return w;
}

Rollout rollout(RolloutState state)
{
    Rollout r;
    r.id = QStringLiteral("r-1a2b3c");
    r.spec.component = QStringLiteral("hash");
    r.spec.version = QStringLiteral("2.0.0");
    r.spec.selector = QStringLiteral("all");
    r.spec.batch = {1, 0};
    r.spec.bakeSeconds = 10;
    r.baselineVersion = QStringLiteral("1.0.0");
    r.state = state;
    r.created = kNow;
    r.createdBy = QStringLiteral("token:bootstrap-admin");
    r.waves = {wave(1, QStringLiteral("eu-west"), {QStringLiteral("edge-eu-1"), QStringLiteral("edge-eu-2")}, WaveState::Passed),
               wave(2, QStringLiteral("ap-south"), {QStringLiteral("edge-in-1")}, WaveState::Baking),
               wave(3, QStringLiteral("us-east"), {QStringLiteral("edge-us-1")}, WaveState::Pending)};
    r.message = QStringLiteral("wave 2 of 3: baking for 10 s on edge-in-1");
    return r;
}

} // namespace

class tst_RolloutView : public QObject
{
    Q_OBJECT

private slots:
    void eachStateAllowsItsActions()
    {
        using S = RolloutState;
        using A = RolloutAction;
        const QList<S> pause{S::Pending, S::Progressing};
        const QList<S> resume{S::Paused};
        const QList<S> abort{S::Pending, S::Progressing, S::Paused};
        const QList<S> rollback{S::Pending, S::Progressing, S::Paused, S::Succeeded};
        for (S s : {S::Pending, S::Progressing, S::Paused, S::Succeeded, S::Failed, S::RolledBack, S::Aborted}) {
            QCOMPARE(RolloutView::allows(A::Pause, s), pause.contains(s));
            QCOMPARE(RolloutView::allows(A::Resume, s), resume.contains(s));
            QCOMPARE(RolloutView::allows(A::Abort, s), abort.contains(s));
            QCOMPARE(RolloutView::allows(A::Rollback, s), rollback.contains(s));
        }
    }

    void aConfirmationNamesWhatItTouches()
    {
        const Rollout r = rollout(RolloutState::Progressing);
        QCOMPARE(RolloutView::switchedNodes(r), 3);
        QCOMPARE(RolloutView::question(RolloutAction::Abort, r), QStringLiteral("Abort rollout r-1a2b3c? 3 switched nodes return to hash 1.0.0."));
        QCOMPARE(RolloutView::question(RolloutAction::Rollback, r), QStringLiteral("Roll back rollout r-1a2b3c? 3 switched nodes return to hash 1.0.0."));
        QCOMPARE(RolloutView::question(RolloutAction::Pause, r),
                 QStringLiteral("Pause rollout r-1a2b3c? 3 switched nodes keep hash 2.0.0 until it resumes or rolls back."));
        Rollout canary = r;
        canary.waves = {r.waves.at(1)};
        QCOMPARE(RolloutView::question(RolloutAction::Abort, canary), QStringLiteral("Abort rollout r-1a2b3c? 1 switched node returns to hash 1.0.0."));
        QCOMPARE(RolloutView::question(RolloutAction::Pause, canary),
                 QStringLiteral("Pause rollout r-1a2b3c? 1 switched node keeps hash 2.0.0 until it resumes or rolls back."));
        canary.baselineVersion.clear();
        QCOMPARE(RolloutView::question(RolloutAction::Rollback, canary),
                 QStringLiteral("Roll back rollout r-1a2b3c? 1 switched node returns to running no version of hash."));
        Rollout paused = r;
        paused.state = RolloutState::Paused;
        QCOMPARE(RolloutView::question(RolloutAction::Resume, paused),
                 QStringLiteral("Resume rollout r-1a2b3c? Wave 2 of 3 bakes again from the start."));
        Rollout done = r;
        done.state = RolloutState::Succeeded;
        for (RolloutWave &w : done.waves)
            w.state = WaveState::Passed;
        QCOMPARE(RolloutView::question(RolloutAction::Rollback, done),
                 QStringLiteral("Roll back rollout r-1a2b3c? 4 switched nodes return to hash 1.0.0, and its rule hash@2.0.0 to all no longer applies."));
    }

    void aFailureIsExplainedAtTheTop()
    {
        KeelClient client;
        GateHistory history;
        RolloutView view(&client, &history);
        view.resize(1100, 700);
        Rollout r = rollout(RolloutState::Progressing);
        view.setRollout(r);
        QCOMPARE(view.bannerText(), QString());
        QVERIFY2(view.headerText().contains(QStringLiteral("r-1a2b3c hash 1.0.0 → 2.0.0 to all")), qPrintable(view.headerText()));
        QVERIFY2(view.headerText().contains(QStringLiteral("progressing")), qPrintable(view.headerText()));
        QVERIFY2(view.headerText().contains(QStringLiteral("2/4 nodes")), qPrintable(view.headerText()));

        r.state = RolloutState::RolledBack;
        r.waves[0].state = WaveState::Reverted;
        r.waves[1].state = WaveState::Failed;
        r.failure = {QStringLiteral("error_rate"), {QStringLiteral("edge-in-1")}, 1, 0.05,
                     QStringLiteral("error rate 100% on edge-in-1 over 5 s (40 requests) exceeded 5%")};
        view.setRollout(r);
        QCOMPARE(view.bannerText(), QStringLiteral("Rolled back: error rate 100% on edge-in-1 over 5 s (40 requests) exceeded 5%."));
        QCOMPARE(view.waveStrip()->currentWave(), 1);

        // Paused by the failure (--on-failure pause): amber, the same sentence.
        r.state = RolloutState::Paused;
        view.setRollout(r);
        QVERIFY2(view.bannerText().startsWith(QStringLiteral("Paused by a failed gate: error rate 100%")), qPrintable(view.bannerText()));

        // Rolled back by hand: no gate failed, and the header says what happened.
        r.state = RolloutState::RolledBack;
        r.failure = {};
        r.waves[1].state = WaveState::Reverted;
        r.message = QStringLiteral("rolled back by token:bootstrap-admin: switched nodes return to 1.0.0");
        view.setRollout(r);
        QCOMPARE(view.bannerText(), QString());
        QVERIFY2(view.headerText().contains(QStringLiteral("rolled back · rolled back by token:bootstrap-admin")), qPrintable(view.headerText()));
    }

    void nodesFollowTheirWaves()
    {
        RolloutNodesModel nodes;
        QAbstractItemModelTester tester(&nodes, QAbstractItemModelTester::FailureReportingMode::Fatal);
        Rollout r = rollout(RolloutState::Progressing);
        nodes.setRollout(r);
        QCOMPARE(nodes.rowCount(), 4);
        auto cell = [&](int row, int column) { return nodes.index(row, column).data().toString(); };
        QCOMPARE(cell(0, RolloutNodesModel::NodeColumn), QStringLiteral("edge-eu-1"));
        QCOMPARE(cell(0, RolloutNodesModel::RegionColumn), QStringLiteral("eu-west"));
        QCOMPARE(cell(0, RolloutNodesModel::StateColumn), QStringLiteral("passed"));
        QCOMPARE(cell(0, RolloutNodesModel::VersionColumn), QStringLiteral("2.0.0"));
        QCOMPARE(cell(2, RolloutNodesModel::WaveColumn), QStringLiteral("2"));
        QCOMPARE(cell(2, RolloutNodesModel::StateColumn), QStringLiteral("baking"));
        QCOMPARE(nodes.index(2, RolloutNodesModel::StateColumn).data(Qt::DecorationRole).value<QColor>(),
                 WaveStrip::fillColor(WaveState::Baking));
        QCOMPARE(cell(3, RolloutNodesModel::StateColumn), QStringLiteral("pending"));
        QCOMPARE(cell(3, RolloutNodesModel::VersionColumn), QStringLiteral("1.0.0"));

        // The next event changes rows in place; a rollback returns them.
        QSignalSpy reset(&nodes, &QAbstractItemModel::modelReset);
        r.state = RolloutState::Failed;
        r.waves[0].state = WaveState::Reverted;
        r.waves[1].state = WaveState::Failed;
        nodes.setRollout(r);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(cell(0, RolloutNodesModel::StateColumn), QStringLiteral("returning to 1.0.0"));
        QCOMPARE(cell(0, RolloutNodesModel::VersionColumn), QStringLiteral("2.0.0 → 1.0.0"));
        r.state = RolloutState::RolledBack;
        nodes.setRollout(r);
        QCOMPARE(cell(0, RolloutNodesModel::StateColumn), QStringLiteral("reverted, back on 1.0.0"));
        QCOMPARE(cell(2, RolloutNodesModel::StateColumn), QStringLiteral("failed, back on 1.0.0"));
        QCOMPARE(cell(3, RolloutNodesModel::StateColumn), QStringLiteral("not switched"));
        QCOMPARE(cell(3, RolloutNodesModel::VersionColumn), QStringLiteral("1.0.0"));
    }

    void gateChartsShowTheWaveThatMatters()
    {
        GateHistory history;
        QDateTime now = kNow;
        history.setClockForTest([&now] { return now; });
        GatePanel panel(&history);
        Rollout r = rollout(RolloutState::Progressing);
        panel.setRollout(r);
        QCOMPARE(panel.wave(), 2);
        QVERIFY(panel.chartedGates().isEmpty());
        for (int i = 0; i < 4; ++i) {
            now = now.addSecs(1);
            r.waves[1].gates = {{QStringLiteral("ack"), 1, 1, true, true, 0, {}},
                                {QStringLiteral("min_requests"), double(5 * i), 10, 5 * i >= 10, true, quint64(5 * i), {}},
                                {QStringLiteral("error_rate"), 0.02 * i, 0.05, 0.02 * i <= 0.05, true, quint64(5 * i), {}}};
            history.record({r, QStringLiteral("wave 2: gates evaluated")});
            panel.setRollout(r);
        }
        QCOMPARE(panel.chartedGates(), QStringList({QStringLiteral("min_requests"), QStringLiteral("error_rate")}));
        GateChart *errors = panel.chart(QStringLiteral("error_rate"));
        QVERIFY(errors);
        QCOMPARE(errors->pointCount(), 4);
        QCOMPARE(errors->unit(), QStringLiteral("%"));
        QCOMPARE(*errors->threshold(), 5.0);
        QVERIFY(errors->yMax() >= 6.0); // the highest value, 6 %, and the threshold fit
        QCOMPARE(errors->titleText(), QStringLiteral("Error rate 6 % ≤ 5 % — FAILED"));
        QCOMPARE(panel.chart(QStringLiteral("min_requests"))->titleText(), QStringLiteral("Requests 15 ≥ 10 — ok"));
        QVERIFY(!panel.chart(QStringLiteral("ack")));
        QVERIFY2(panel.titleText().contains(QStringLiteral("Gates of wave 2 of 3")), qPrintable(panel.titleText()));

        // The wave fails: its charts stay, now still.
        r.state = RolloutState::RolledBack;
        r.waves[1].state = WaveState::Failed;
        panel.setRollout(r);
        QCOMPARE(panel.wave(), 2);
        QCOMPARE(panel.chart(QStringLiteral("error_rate")), errors);
    }

    void aViewerSeesTheActionsDisabled()
    {
        KeelClient client; // not connected: the actions say so, unless the role says more
        GateHistory history;
        RolloutView view(&client, &history);
        view.setRollout(rollout(RolloutState::Progressing));
        QPushButton *abort = view.actionButton(RolloutAction::Abort);
        QVERIFY(!abort->isEnabled());
        QCOMPARE(abort->toolTip(), QStringLiteral("Not connected to a control plane"));
        view.setRole(Role::Viewer);
        for (RolloutAction action : {RolloutAction::Pause, RolloutAction::Resume, RolloutAction::Abort, RolloutAction::Rollback}) {
            QPushButton *button = view.actionButton(action);
            QVERIFY(!button->isEnabled());
            QCOMPARE(button->toolTip(), QStringLiteral("Needs the operator role; this console's token has the viewer role."));
        }
    }
};

QTEST_MAIN(tst_RolloutView)
#include "tst_rolloutview.moc"
