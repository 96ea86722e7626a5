// PolicyPreview, the dry run's answer as the pane shows it: the headline counts only what
// applying would newly do (a placement removed already stays removed and is not counted
// again; a new audit violation is "flagged"), the placements ordered new first with their
// outcome, what each node would lose, the diff; out of date after an edit; the confirmation's
// count comes from it.
#include "policies/policypreview.h"
#include "policies/violationlistmodel.h"

#include <QListWidget>
#include <QTest>

using namespace Keel;

namespace {

ResidencyViolation violation(const QString &node, const QString &component, ResidencyMode mode = ResidencyMode::Enforce)
{
    ResidencyViolation v;
    v.component = component;
    v.version = QStringLiteral("1.0.0");
    v.node = node;
    v.region = QStringLiteral("us-east");
    v.nodeJurisdiction = QStringLiteral("US");
    v.rule = QStringLiteral("eu-pii");
    v.mode = mode;
    return v;
}

} // namespace

class tst_PolicyPreview : public QObject
{
    Q_OBJECT

private slots:
    void countsWhatApplyingWouldNewlyDo()
    {
        PolicyPreview preview;
        QVERIFY(!preview.isCurrent());
        QVERIFY(preview.headlineText().startsWith(QStringLiteral("Preview asks the control plane")));

        PolicyImpact impact;
        impact.violations = {violation(QStringLiteral("edge-us-1"), QStringLiteral("profile")),
                             violation(QStringLiteral("edge-us-2"), QStringLiteral("profile")),
                             violation(QStringLiteral("edge-us-2"), QStringLiteral("billing")),
                             violation(QStringLiteral("edge-us-3"), QStringLiteral("tracker"), ResidencyMode::Audit)};
        impact.losses = {{QStringLiteral("edge-us-1"), {QStringLiteral("profile@1.0.0")}},
                         {QStringLiteral("edge-us-2"), {QStringLiteral("billing@1.0.0"), QStringLiteral("profile@1.0.0")}}};
        impact.diff = QStringLiteral("eu-pii: subjects EU -> *");
        // profile on edge-us-1 is removed already under the policy applied now.
        preview.setImpact(impact, {violation(QStringLiteral("edge-us-1"), QStringLiteral("profile"))});

        QVERIFY(preview.isCurrent());
        QCOMPARE(preview.removedComponents(), 2);
        QCOMPARE(preview.removedNodes(), 1);
        QCOMPARE(preview.flaggedPlacements(), 1);
        QCOMPARE(preview.countText(), QStringLiteral("2 components removed from 1 node, 1 placement flagged"));
        QCOMPARE(preview.headlineText(), QStringLiteral("Applying this policy: 2 components removed from 1 node, 1 placement flagged."));
        QCOMPARE(preview.diffText(), QStringLiteral("Changes: eu-pii: subjects EU -> *."));

        const ViolationListModel *placements = preview.placements();
        QCOMPARE(placements->rowCount(), 4);
        QCOMPARE(placements->newCount(), 3);
        QCOMPARE(placements->index(0, ViolationListModel::StateColumn).data().toString(), QStringLiteral("stays removed"));
        QCOMPARE(placements->index(1, ViolationListModel::StateColumn).data().toString(), QStringLiteral("will be removed"));
        QCOMPARE(placements->index(3, ViolationListModel::StateColumn).data().toString(), QStringLiteral("will be flagged"));

        QCOMPARE(preview.lossList()->count(), 2);
        QCOMPARE(preview.lossList()->item(0)->text(), QStringLiteral("edge-us-1 keeps running what it runs now (profile@1.0.0 removed already)"));
        QCOMPARE(preview.lossList()->item(1)->text(), QStringLiteral("edge-us-2 loses billing@1.0.0, profile@1.0.0"));

        preview.setOutOfDate();
        QVERIFY(!preview.isCurrent());
        QVERIFY(preview.headlineText().startsWith(QStringLiteral("Out of date:")));
    }

    void aPolicyThatChangesNothingSaysSo()
    {
        PolicyPreview preview;
        PolicyImpact impact;
        impact.diff = QStringLiteral("added in-pii (pii of IN subjects only in IN, enforce)");
        preview.setImpact(impact, {});
        QCOMPARE(preview.countText(), QStringLiteral("no component removed"));
        QCOMPARE(preview.headlineText(), QStringLiteral("Applying this policy would change nothing that runs: every placement complies."));
        QCOMPARE(preview.lossList()->item(0)->text(), QStringLiteral("No node loses a component."));
        preview.setProblem(QStringLiteral("CONFLICT"));
        QVERIFY(!preview.isCurrent());
        QCOMPARE(preview.headlineText(), QStringLiteral("No preview: CONFLICT"));
    }
};

QTEST_MAIN(tst_PolicyPreview)
#include "tst_policypreview.moc"
