// ViolationListModel under QAbstractItemModelTester, fed as PolicyFeed feeds it: a list,
// then violation events. An event changes its row in place, a new violation is inserted
// where the order puts it (enforce first, then node and component), a resolved one goes;
// never a reset per event. Enforce reads red and "removed", audit amber and "flagged". As
// a preview, rows that are not violations now are "new" and read "will be removed".
#include "common/statuscolors.h"
#include "policies/violationlistmodel.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QSignalSpy>
#include <QTest>

using namespace Keel;

namespace {

ResidencyViolation violation(const QString &node, const QString &component, ResidencyMode mode = ResidencyMode::Enforce,
                             bool removed = true)
{
    ResidencyViolation v;
    v.component = component;
    v.version = QStringLiteral("1.0.0");
    v.node = node;
    v.region = node.startsWith(QStringLiteral("edge-us")) ? QStringLiteral("us-east") : QStringLiteral("ap-south");
    v.nodeJurisdiction = node.startsWith(QStringLiteral("edge-us")) ? QStringLiteral("US") : QStringLiteral("IN");
    v.policy = QStringLiteral("fleet");
    v.rule = QStringLiteral("eu-only");
    v.dataClass = QStringLiteral("pii");
    v.mode = mode;
    v.removed = removed && mode == ResidencyMode::Enforce;
    v.reason = QStringLiteral("pii may be processed only in EU; the node is in %1 (rule eu-only)").arg(v.nodeJurisdiction);
    return v;
}

} // namespace

class tst_ViolationListModel : public QObject
{
    Q_OBJECT

private:
    ViolationListModel *m_model = nullptr;

    QString cell(int row, int column, int role = Qt::DisplayRole) const { return m_model->index(row, column).data(role).toString(); }

    void make(ViolationListModel::Kind kind)
    {
        delete m_model;
        m_model = new ViolationListModel(kind, this);
        new QAbstractItemModelTester(m_model, QAbstractItemModelTester::FailureReportingMode::Fatal, m_model);
    }

private slots:
    void init() { make(ViolationListModel::Kind::Live); }

    void cleanup()
    {
        delete m_model;
        m_model = nullptr;
    }

    void aListIsOrderedEnforceFirst()
    {
        QSignalSpy counts(m_model, &ViolationListModel::countsChanged);
        m_model->setViolations({violation(QStringLiteral("edge-us-1"), QStringLiteral("profile"), ResidencyMode::Audit),
                                violation(QStringLiteral("edge-us-2"), QStringLiteral("profile")),
                                violation(QStringLiteral("edge-in-1"), QStringLiteral("profile"))});
        QCOMPARE(counts.count(), 1);
        QCOMPARE(m_model->rowCount(), 3);
        QCOMPARE(cell(0, ViolationListModel::NodeColumn), QStringLiteral("edge-in-1"));
        QCOMPARE(cell(1, ViolationListModel::NodeColumn), QStringLiteral("edge-us-2"));
        QCOMPARE(cell(2, ViolationListModel::NodeColumn), QStringLiteral("edge-us-1"));
        QCOMPARE(m_model->count(ResidencyMode::Enforce), 2);
        QCOMPARE(m_model->count(ResidencyMode::Audit), 1);
    }

    void statesReadAsColourAndWord()
    {
        m_model->setViolations({violation(QStringLiteral("edge-us-1"), QStringLiteral("profile")),
                                violation(QStringLiteral("edge-us-2"), QStringLiteral("profile"), ResidencyMode::Enforce, false),
                                violation(QStringLiteral("edge-us-3"), QStringLiteral("profile"), ResidencyMode::Audit)});
        QCOMPARE(cell(0, ViolationListModel::StateColumn), QStringLiteral("removed"));
        QCOMPARE(m_model->index(0, ViolationListModel::StateColumn).data(Qt::DecorationRole).value<QColor>(), StatusColors::failing());
        QCOMPARE(cell(1, ViolationListModel::StateColumn), QStringLiteral("to be removed"));
        QCOMPARE(cell(2, ViolationListModel::StateColumn), QStringLiteral("flagged"));
        QCOMPARE(m_model->index(2, ViolationListModel::StateColumn).data(Qt::DecorationRole).value<QColor>(), StatusColors::degraded());
        QCOMPARE(cell(0, ViolationListModel::RegionColumn), QStringLiteral("us-east (US)"));
        QCOMPARE(cell(0, ViolationListModel::RegionColumn, Qt::ToolTipRole), QStringLiteral("US (United States)"));
        QCOMPARE(cell(0, ViolationListModel::ComponentColumn), QStringLiteral("profile"));
        QCOMPARE(cell(0, ViolationListModel::VersionColumn), QStringLiteral("1.0.0"));
        QCOMPARE(cell(0, ViolationListModel::RuleColumn), QStringLiteral("eu-only"));
        QVERIFY(cell(0, ViolationListModel::ReasonColumn).startsWith(QStringLiteral("pii may be processed only in EU")));
        QCOMPARE(m_model->headerData(ViolationListModel::StateColumn, Qt::Horizontal).toString(), QStringLiteral("State"));
    }

    void eventsChangeRowsInPlace()
    {
        m_model->setViolations({violation(QStringLiteral("edge-us-1"), QStringLiteral("profile"), ResidencyMode::Enforce, false)});
        QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_model, &QAbstractItemModel::rowsRemoved);

        m_model->apply(violation(QStringLiteral("edge-us-1"), QStringLiteral("profile"))); // now removed
        QCOMPARE(changed.count(), 1);
        QCOMPARE(cell(0, ViolationListModel::StateColumn), QStringLiteral("removed"));

        m_model->apply(violation(QStringLiteral("edge-in-1"), QStringLiteral("profile")));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 0); // edge-in-1 sorts before edge-us-1
        QCOMPARE(m_model->rowCount(), 2);

        ResidencyViolation gone = violation(QStringLiteral("edge-us-1"), QStringLiteral("profile"));
        gone.resolved = true;
        m_model->apply(gone);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(m_model->rowCount(), 1);
        QCOMPARE(cell(0, ViolationListModel::NodeColumn), QStringLiteral("edge-in-1"));
        m_model->apply(gone); // resolved twice: nothing left to remove
        QCOMPARE(removed.count(), 1);
        QCOMPARE(reset.count(), 0);
    }

    void theSameListAgainKeepsTheRows()
    {
        const QList<ResidencyViolation> list{violation(QStringLiteral("edge-us-1"), QStringLiteral("profile"))};
        m_model->setViolations(list);
        QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
        m_model->setViolations(list);
        QCOMPARE(reset.count(), 0);
        m_model->setViolations({});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(m_model->rowCount(), 0);
    }

    void aPreviewTellsNewViolationsFromOldOnes()
    {
        make(ViolationListModel::Kind::Preview);
        const QList<ResidencyViolation> now{violation(QStringLiteral("edge-in-1"), QStringLiteral("profile"))};
        m_model->setViolations({violation(QStringLiteral("edge-in-1"), QStringLiteral("profile")),
                                violation(QStringLiteral("edge-us-1"), QStringLiteral("profile")),
                                violation(QStringLiteral("edge-us-1"), QStringLiteral("tracker"), ResidencyMode::Audit)},
                               now);
        QCOMPARE(m_model->rowCount(), 3);
        QCOMPARE(m_model->newCount(), 2);
        QCOMPARE(cell(0, ViolationListModel::StateColumn), QStringLiteral("stays removed"));
        QVERIFY(!m_model->isNew(0));
        QCOMPARE(cell(1, ViolationListModel::StateColumn), QStringLiteral("will be removed"));
        QVERIFY(m_model->index(1, 0).data(ViolationListModel::NewRole).toBool());
        QCOMPARE(cell(2, ViolationListModel::StateColumn), QStringLiteral("will be flagged"));
        QCOMPARE(m_model->headerData(ViolationListModel::StateColumn, Qt::Horizontal).toString(), QStringLiteral("Outcome"));
    }
};

QTEST_GUILESS_MAIN(tst_ViolationListModel)
#include "tst_violationlistmodel.moc"
