// The deployment rules table under QAbstractItemModelTester: rows in the order rules
// apply, a replaced rule leaving and its successor arriving last without a reset.
#include "components/deploymentrulesmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Keel;

namespace {

const QDateTime kNow = QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC);

DeploymentRule rule(quint64 sequence, const QString &component, const QString &version, const QString &selector, int matched)
{
    return {Deployment{sequence, component, version, selector, kNow.addSecs(-120), QStringLiteral("token:ci")}, matched};
}

} // namespace

class tst_DeploymentRulesModel : public QObject
{
    Q_OBJECT

private slots:
    void rowsShowRulesInOrder()
    {
        DeploymentRulesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setClockForTest([] { return kNow; });
        model.setRules({rule(3, QStringLiteral("hash"), QStringLiteral("1.0.0"), QStringLiteral("all"), 3),
                        rule(5, QStringLiteral("hash"), {}, QStringLiteral("region=us-east"), 1)});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.headerData(0, Qt::Vertical).toInt(), 1);
        QCOMPARE(model.headerData(1, Qt::Vertical).toInt(), 2);
        QCOMPARE(model.index(0, DeploymentRulesModel::ActionColumn).data().toString(), QStringLiteral("deploy"));
        QCOMPARE(model.index(0, DeploymentRulesModel::ComponentColumn).data().toString(), QStringLiteral("hash@1.0.0"));
        QCOMPARE(model.index(0, DeploymentRulesModel::NodesColumn).data().toInt(), 3);
        QCOMPARE(model.index(0, DeploymentRulesModel::ByColumn).data().toString(), QStringLiteral("token:ci"));
        QCOMPARE(model.index(0, DeploymentRulesModel::CreatedColumn).data().toString(), QStringLiteral("2 min ago"));
        QCOMPARE(model.index(1, DeploymentRulesModel::ActionColumn).data().toString(), QStringLiteral("undeploy"));
        QCOMPARE(model.index(1, DeploymentRulesModel::ComponentColumn).data().toString(), QStringLiteral("hash"));
        QVERIFY(model.index(1, DeploymentRulesModel::SelectorColumn).data(Qt::ToolTipRole).toString().contains(QLatin1String("does not run")));
        QCOMPARE(model.rulesFor(QStringLiteral("hash")).size(), 2);
        QCOMPARE(model.rulesFor(QStringLiteral("echo")).size(), 0);
    }

    // deploy hash@2 --to all replaces the rule for (hash, all): it leaves, and the new one
    // comes last; the other rows stay where they are, with no reset.
    void aReplacedRuleMovesLastWithoutAReset()
    {
        DeploymentRulesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRules({rule(3, QStringLiteral("hash"), QStringLiteral("1.0.0"), QStringLiteral("all"), 3),
                        rule(4, QStringLiteral("echo"), QStringLiteral("1.0.0"), QStringLiteral("all"), 3)});
        const QPersistentModelIndex echo = model.index(1, 0);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.setRules({rule(4, QStringLiteral("echo"), QStringLiteral("1.0.0"), QStringLiteral("all"), 4),
                        rule(6, QStringLiteral("hash"), QStringLiteral("2.0.0"), QStringLiteral("all"), 4)});
        QCOMPARE(reset.size(), 0);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(echo.row(), 0);
        QCOMPARE(model.index(0, DeploymentRulesModel::NodesColumn).data().toInt(), 4);
        QCOMPARE(model.index(1, DeploymentRulesModel::ComponentColumn).data().toString(), QStringLiteral("hash@2.0.0"));
        QCOMPARE(model.headerData(1, Qt::Vertical).toInt(), 2);
    }

    void anUnrelatedListIsAReset()
    {
        DeploymentRulesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRules({rule(3, QStringLiteral("hash"), QStringLiteral("1.0.0"), QStringLiteral("all"), 3),
                        rule(4, QStringLiteral("echo"), QStringLiteral("1.0.0"), QStringLiteral("all"), 3)});
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setRules({rule(4, QStringLiteral("echo"), QStringLiteral("1.0.0"), QStringLiteral("all"), 3),
                        rule(3, QStringLiteral("hash"), QStringLiteral("1.0.0"), QStringLiteral("all"), 3)});
        QCOMPARE(reset.size(), 1);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_DeploymentRulesModel)
#include "tst_deploymentrulesmodel.moc"
