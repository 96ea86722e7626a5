// PolicyHistoryModel under QAbstractItemModelTester: the history listed newest first,
// then a version applied while the console watches added at the top (never a reset);
// times relative, with the time itself in the tooltip.
#include "policies/policyhistorymodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Keel;

namespace {

const QDateTime kNow = QDateTime(QDate(2025, 3, 1), QTime(12, 0, 0), Qt::UTC);

PolicyRevision revision(quint64 version, int secondsAgo, const QString &diff)
{
    PolicyRevision r;
    r.version = version;
    r.applied = kNow.addSecs(-secondsAgo);
    r.appliedBy = QStringLiteral("token:bootstrap-admin");
    r.diff = diff;
    r.rules = int(version);
    return r;
}

} // namespace

class tst_PolicyHistoryModel : public QObject
{
    Q_OBJECT

private:
    PolicyHistoryModel *m_model = nullptr;

    QString cell(int row, int column, int role = Qt::DisplayRole) const { return m_model->index(row, column).data(role).toString(); }

private slots:
    void init()
    {
        m_model = new PolicyHistoryModel(this);
        m_model->setClockForTest([] { return kNow; });
        new QAbstractItemModelTester(m_model, QAbstractItemModelTester::FailureReportingMode::Fatal, m_model);
    }

    void cleanup()
    {
        delete m_model;
        m_model = nullptr;
    }

    void listsNewestFirst()
    {
        m_model->setRevisions({revision(1, 3600, QStringLiteral("added eu-pii (pii of EU subjects only in EU, enforce)")),
                               revision(2, 300, QStringLiteral("eu-pii: subjects EU -> *"))});
        QCOMPARE(m_model->rowCount(), 2);
        QCOMPARE(cell(0, PolicyHistoryModel::VersionColumn), QStringLiteral("2"));
        QCOMPARE(cell(0, PolicyHistoryModel::AppliedColumn), QStringLiteral("5 min ago"));
        QVERIFY(!cell(0, PolicyHistoryModel::AppliedColumn, Qt::ToolTipRole).isEmpty());
        QCOMPARE(cell(0, PolicyHistoryModel::ByColumn), QStringLiteral("token:bootstrap-admin"));
        QCOMPARE(cell(0, PolicyHistoryModel::ChangeColumn), QStringLiteral("eu-pii: subjects EU -> *"));
        QCOMPARE(cell(1, PolicyHistoryModel::RulesColumn), QStringLiteral("1"));
        QCOMPARE(m_model->index(0, PolicyHistoryModel::VersionColumn).data(Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignRight | Qt::AlignVCenter));
    }

    void anAppliedVersionIsAddedAtTheTop()
    {
        m_model->setRevisions({revision(1, 3600, QStringLiteral("added eu-pii"))});
        QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        PolicyChange change;
        change.policy.version = 2;
        change.policy.appliedBy = "token:ops";
        change.policy.appliedUnixMs = kNow.addSecs(-2).toMSecsSinceEpoch();
        change.policy.rules.resize(3);
        change.diff = QStringLiteral("removed old");
        m_model->add(PolicyHistoryModel::revisionOf(change));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(cell(0, PolicyHistoryModel::VersionColumn), QStringLiteral("2"));
        QCOMPARE(cell(0, PolicyHistoryModel::ByColumn), QStringLiteral("token:ops"));
        QCOMPARE(cell(0, PolicyHistoryModel::RulesColumn), QStringLiteral("3"));
        QCOMPARE(cell(0, PolicyHistoryModel::AppliedColumn), QStringLiteral("just now"));
        // The apply's answer and its event: one row.
        m_model->add(PolicyHistoryModel::revisionOf(change));
        QCOMPARE(m_model->rowCount(), 2);
        QCOMPARE(m_model->rowOf(2), 0);
    }
};

QTEST_GUILESS_MAIN(tst_PolicyHistoryModel)
#include "tst_policyhistorymodel.moc"
