// RolloutListModel under QAbstractItemModelTester, fed as RolloutFeed feeds it: a listing,
// then events. A gate evaluation changes its one row in place (never a reset), a new
// rollout is inserted where its start puts it (newest first), an older snapshot never
// replaces a newer one; states read as colour and word, the failure as its sentence.
// GateHistory takes the same events: a point per gate per evaluation.
#include "common/statuscolors.h"
#include "rollouts/gatehistory.h"
#include "rollouts/rolloutlistmodel.h"
#include "rollouts/rolloutstyle.h"

#include <QAbstractItemModelTester>
#include <QGuiApplication>
#include <QPalette>
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

Rollout rollout(const QString &id, int secondsAgo, RolloutState state = RolloutState::Progressing)
{
    Rollout r;
    r.id = id;
    r.spec.component = QStringLiteral("hash");
    r.spec.version = QStringLiteral("2.0.0");
    r.spec.selector = QStringLiteral("all");
    r.baselineVersion = QStringLiteral("1.0.0");
    r.state = state;
    r.created = kNow.addSecs(-secondsAgo);
    r.updated = r.created;
    r.createdBy = QStringLiteral("token:bootstrap-admin");
    r.waves = {wave(1, QStringLiteral("eu-west"), {QStringLiteral("edge-eu-1")}, WaveState::Passed),
               wave(2, QStringLiteral("ap-south"), {QStringLiteral("edge-in-1")}, WaveState::Baking),
               wave(3, QStringLiteral("us-east"), {QStringLiteral("edge-us-1")}, WaveState::Pending)};
    r.message = QStringLiteral("wave 2 of 3: baking for 10 s on edge-in-1");
    return r;
}

GateResult gate(const QString &name, double value, double threshold, bool passed = true)
{
    return {name, value, threshold, passed, true, 12, {}};
}

} // namespace

class tst_RolloutListModel : public QObject
{
    Q_OBJECT

private:
    RolloutListModel *m_model = nullptr;

    QString cell(int row, int column, int role = Qt::DisplayRole) const
    {
        return m_model->index(row, column).data(role).toString();
    }

private slots:
    void init()
    {
        m_model = new RolloutListModel(this);
        m_model->setClockForTest([] { return kNow; });
        new QAbstractItemModelTester(m_model, QAbstractItemModelTester::FailureReportingMode::Fatal, m_model);
    }

    void cleanup()
    {
        delete m_model;
    }

    void listsNewestFirstWithEveryColumn()
    {
        m_model->setRollouts({rollout(QStringLiteral("r-000001"), 600, RolloutState::Succeeded), rollout(QStringLiteral("r-000002"), 42)});
        QCOMPARE(m_model->rowCount(), 2);
        QCOMPARE(m_model->columnCount(), int(RolloutListModel::ColumnCount));
        QCOMPARE(cell(0, RolloutListModel::IdColumn), QStringLiteral("r-000002"));
        QCOMPARE(cell(0, RolloutListModel::ComponentColumn), QStringLiteral("hash"));
        QCOMPARE(cell(0, RolloutListModel::ChangeColumn), QStringLiteral("1.0.0 → 2.0.0"));
        QCOMPARE(cell(0, RolloutListModel::SelectorColumn), QStringLiteral("all"));
        QCOMPARE(cell(0, RolloutListModel::StateColumn), QStringLiteral("progressing"));
        QCOMPARE(m_model->index(0, RolloutListModel::StateColumn).data(Qt::DecorationRole).value<QColor>(),
                 QGuiApplication::palette().color(QPalette::Highlight));
        QCOMPARE(cell(0, RolloutListModel::StateColumn, Qt::ToolTipRole), QStringLiteral("wave 2 of 3: baking for 10 s on edge-in-1"));
        QCOMPARE(cell(0, RolloutListModel::ProgressColumn), QStringLiteral("1/3 nodes"));
        QCOMPARE(cell(0, RolloutListModel::StartedColumn), QStringLiteral("42 s ago"));
        QVERIFY(!cell(0, RolloutListModel::StartedColumn, Qt::ToolTipRole).isEmpty());
        QCOMPARE(m_model->index(0, RolloutListModel::StartedColumn).data(RolloutListModel::SortRole).toDateTime(), kNow.addSecs(-42));
        QCOMPARE(cell(0, RolloutListModel::ByColumn), QStringLiteral("token:bootstrap-admin"));
        QCOMPARE(cell(1, RolloutListModel::StateColumn), QStringLiteral("succeeded"));
        QCOMPARE(m_model->index(1, RolloutListModel::StateColumn).data(Qt::DecorationRole).value<QColor>(), StatusColors::healthy());
        QCOMPARE(cell(1, RolloutListModel::StartedColumn), QStringLiteral("10 min ago"));
        QCOMPARE(m_model->headerData(RolloutListModel::ChangeColumn, Qt::Horizontal).toString(), QStringLiteral("From → To"));
        QCOMPARE(m_model->activeCount(), 1);
    }

    void anEventChangesItsRowInPlace()
    {
        m_model->setRollouts({rollout(QStringLiteral("r-000001"), 600, RolloutState::Succeeded), rollout(QStringLiteral("r-000002"), 42)});
        QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
        QSignalSpy updated(m_model, &RolloutListModel::rolloutUpdated);

        // Ten gate evaluations, then the wave passing.
        Rollout r = rollout(QStringLiteral("r-000002"), 42);
        for (int i = 0; i < 10; ++i) {
            r.waves[1].gates = {gate(QStringLiteral("min_requests"), 10 + i, 10), gate(QStringLiteral("error_rate"), 0, 0.05)};
            m_model->apply(r);
        }
        r.waves[1].state = WaveState::Passed;
        r.waves[2].state = WaveState::Switching;
        r.updated = kNow;
        m_model->apply(r);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(changed.count(), 11);
        for (const QList<QVariant> &args : std::as_const(changed)) {
            QCOMPARE(args.at(0).toModelIndex().row(), 0);
            QCOMPARE(args.at(1).toModelIndex().row(), 0);
        }
        QCOMPARE(updated.count(), 11);
        QCOMPARE(cell(0, RolloutListModel::ProgressColumn), QStringLiteral("2/3 nodes"));

        // The same rollout again is no change at all.
        m_model->apply(r);
        QCOMPARE(changed.count(), 11);
        // A control's answer older than the events already shown is ignored.
        Rollout older = r;
        older.updated = kNow.addSecs(-5);
        older.waves[1].state = WaveState::Baking;
        m_model->apply(older);
        QCOMPARE(changed.count(), 11);
        QCOMPARE(m_model->rollout(QStringLiteral("r-000002"))->waves[1].state, WaveState::Passed);
    }

    void aNewRolloutGoesOnTop()
    {
        m_model->setRollouts({rollout(QStringLiteral("r-000001"), 600, RolloutState::RolledBack)});
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        m_model->apply(rollout(QStringLiteral("r-000003"), 0, RolloutState::Pending));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 0);
        QCOMPARE(m_model->rowOf(QStringLiteral("r-000003")), 0);
        QCOMPARE(m_model->rowOf(QStringLiteral("r-000001")), 1);
        QCOMPARE(cell(0, RolloutListModel::StartedColumn), QStringLiteral("just now"));
        QCOMPARE(cell(0, RolloutListModel::StateColumn), QStringLiteral("pending"));
        QCOMPARE(m_model->index(0, RolloutListModel::StateColumn).data(Qt::DecorationRole).value<QColor>(), StatusColors::inactive());
    }

    void aListingOfTheSameRolloutsIsNoReset()
    {
        m_model->setRollouts({rollout(QStringLiteral("r-000001"), 600), rollout(QStringLiteral("r-000002"), 42)});
        QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
        m_model->setRollouts({rollout(QStringLiteral("r-000002"), 42), rollout(QStringLiteral("r-000001"), 600, RolloutState::Aborted)});
        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(cell(1, RolloutListModel::StateColumn), QStringLiteral("aborted"));
        m_model->refreshAges();
        QCOMPARE(changed.count(), 2);
        m_model->setRollouts({});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(m_model->rowCount(), 0);
    }

    void aFailureReadsAsItsSentence()
    {
        Rollout r = rollout(QStringLiteral("r-77c0d2"), 30, RolloutState::RolledBack);
        r.failure = {QStringLiteral("error_rate"), {QStringLiteral("edge-eu-2")}, 1, 0.05,
                     QStringLiteral("error rate 100% on edge-eu-2 over 5 s (40 requests) exceeded 5%")};
        m_model->apply(r);
        QCOMPARE(cell(0, RolloutListModel::StateColumn), QStringLiteral("rolled back"));
        QCOMPARE(m_model->index(0, RolloutListModel::StateColumn).data(Qt::DecorationRole).value<QColor>(), StatusColors::failing());
        QCOMPARE(cell(0, RolloutListModel::StateColumn, Qt::ToolTipRole),
                 QStringLiteral("Rolled back: error rate 100% on edge-eu-2 over 5 s (40 requests) exceeded 5%."));
        r.state = RolloutState::Paused;
        QCOMPARE(RolloutStyle::failureSentence(r),
                 QStringLiteral("Paused by a failed gate: error rate 100% on edge-eu-2 over 5 s (40 requests) exceeded 5%."));
        r.failure = {};
        QCOMPARE(RolloutStyle::failureSentence(r), QString());
    }

    void gateHistoryKeepsAPointPerEvaluation()
    {
        GateHistory history;
        QDateTime now = kNow;
        history.setClockForTest([&now] { return now; });
        QSignalSpy recorded(&history, &GateHistory::recorded);
        Rollout r = rollout(QStringLiteral("r-000002"), 42);
        r.waves[0].gates = {gate(QStringLiteral("min_requests"), 40, 10), gate(QStringLiteral("error_rate"), 0, 0.05)};
        // A listing: the passed wave's final values are one point.
        history.record({r, {}});
        QCOMPARE(history.points(r.id, 1, QStringLiteral("error_rate")).size(), 1);
        for (int i = 0; i < 5; ++i) {
            now = now.addSecs(1);
            r.waves[1].gates = {gate(QStringLiteral("min_requests"), 3, 10, false), gate(QStringLiteral("error_rate"), 0.2 * i, 0.05, i == 0)};
            history.record({r, QStringLiteral("wave 2: gates evaluated")});
        }
        // Unchanged values of another wave carried along add nothing.
        QCOMPARE(history.points(r.id, 1, QStringLiteral("error_rate")).size(), 1);
        QCOMPARE(history.gates(r.id, 2), QStringList({QStringLiteral("min_requests"), QStringLiteral("error_rate")}));
        // The same values evaluated again are one more point in time; carried along by
        // another event, they are not.
        now = now.addSecs(1);
        history.record({r, QStringLiteral("wave 2: gates evaluated")});
        history.record({r, QStringLiteral("wave 1 passed (40 requests)")});
        const auto points = history.points(r.id, 2, QStringLiteral("error_rate"));
        QCOMPARE(points.size(), 6);
        QCOMPARE(points.last().value, 0.8);
        QCOMPARE(points.last().threshold, 0.05);
        QVERIFY(!points.last().passed);
        QCOMPARE(points.last().at, kNow.addSecs(6));
        QCOMPARE(recorded.count(), 7);
        QCOMPARE(RolloutStyle::gateValueText(QStringLiteral("error_rate"), 0.8), QStringLiteral("80 %"));
        QCOMPARE(RolloutStyle::gateText(gate(QStringLiteral("error_rate"), 0.008, 0.05)), QStringLiteral("Error rate 0.8 % ≤ 5 % — ok"));
    }
};

QTEST_MAIN(tst_RolloutListModel)
#include "tst_rolloutlistmodel.moc"
