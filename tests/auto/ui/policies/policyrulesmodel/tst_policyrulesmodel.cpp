// PolicyRulesModel under QAbstractItemModelTester: the policy applied, then edited as an
// operator types. Every edit is checked at once by keel_residency's validator: the cell a
// problem points at carries it (ProblemRole, tooltip, tint), the sentence names it, and
// the edit is valid again once fixed. An edit changes its row (and rows whose problems
// move), never the whole table; lists are read as codes in upper case; the diff says what
// the edit changes against the policy applied.
#include "policies/policyrulesmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Keel;

namespace {

ResidencyRule rule(const char *name, const char *dataClass, std::vector<std::string> subjects, std::vector<std::string> allowed,
                   ResidencyMode mode = ResidencyMode::Enforce)
{
    ResidencyRule r;
    r.name = name;
    r.dataClass = dataClass;
    r.subjects = std::move(subjects);
    r.allowed = std::move(allowed);
    r.mode = mode;
    return r;
}

ResidencyPolicy applied()
{
    ResidencyPolicy policy;
    policy.name = "fleet";
    policy.version = 3;
    policy.appliedBy = "token:bootstrap-admin";
    policy.rules = {rule("eu-pii", "pii", {"EU"}, {"EU"}), rule("health-audit", "health", {"*"}, {"US", "EU"}, ResidencyMode::Audit)};
    return policy;
}

} // namespace

class tst_PolicyRulesModel : public QObject
{
    Q_OBJECT

private:
    PolicyRulesModel *m_model = nullptr;

    QModelIndex at(int row, int column) const { return m_model->index(row, column); }
    QString cell(int row, int column, int role = Qt::DisplayRole) const { return at(row, column).data(role).toString(); }
    bool edit(int row, int column, const QString &text) { return m_model->setData(at(row, column), text); }

private slots:
    void init()
    {
        m_model = new PolicyRulesModel(this);
        new QAbstractItemModelTester(m_model, QAbstractItemModelTester::FailureReportingMode::Fatal, m_model);
        m_model->setApplied(applied(), true);
    }

    void cleanup()
    {
        delete m_model;
        m_model = nullptr;
    }

    void showsTheAppliedRules()
    {
        QCOMPARE(m_model->rowCount(), 2);
        QCOMPARE(m_model->columnCount(), int(PolicyRulesModel::ColumnCount));
        QCOMPARE(cell(0, PolicyRulesModel::NameColumn), QStringLiteral("eu-pii"));
        QCOMPARE(cell(0, PolicyRulesModel::DataClassColumn), QStringLiteral("pii"));
        QCOMPARE(cell(1, PolicyRulesModel::SubjectsColumn), QStringLiteral("*"));
        QCOMPARE(cell(1, PolicyRulesModel::AllowedColumn), QStringLiteral("US, EU"));
        QCOMPARE(cell(1, PolicyRulesModel::ModeColumn), QStringLiteral("audit"));
        QCOMPARE(m_model->headerData(0, Qt::Vertical).toString(), QStringLiteral("1")); // rules numbered as messages number them
        QVERIFY(m_model->isValid());
        QVERIFY(!m_model->isModified());
        QCOMPARE(m_model->problemText(), QString());
        QVERIFY(m_model->flags(at(0, 0)) & Qt::ItemIsEditable);
        QCOMPARE(m_model->policy().name, std::string("fleet"));
        QCOMPARE(m_model->policy().version, quint64(0)); // the control plane stamps it
    }

    void anEditChangesItsRowOnly()
    {
        QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
        QSignalSpy edited(m_model, &PolicyRulesModel::edited);
        QVERIFY(edit(0, PolicyRulesModel::SubjectsColumn, QStringLiteral("*")));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 0);
        QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 0);
        QCOMPARE(edited.count(), 1);
        QVERIFY(m_model->isModified());
        QCOMPARE(cell(0, PolicyRulesModel::NameColumn, PolicyRulesModel::ChangeRole), QStringLiteral("changed"));
        QCOMPARE(cell(1, PolicyRulesModel::NameColumn, PolicyRulesModel::ChangeRole), QString());
        QCOMPARE(m_model->headerData(0, Qt::Vertical).toString(), QStringLiteral("1 ✎"));
        QCOMPARE(m_model->headerData(1, Qt::Vertical).toString(), QStringLiteral("2"));
        QCOMPARE(m_model->diffText(), QStringLiteral("eu-pii: subjects EU -> *"));
        // The same text again changes nothing.
        QVERIFY(edit(0, PolicyRulesModel::SubjectsColumn, QStringLiteral("*")));
        QCOMPARE(changed.count(), 1);
    }

    void listsAreReadAsUpperCaseCodes()
    {
        QVERIFY(edit(0, PolicyRulesModel::AllowedColumn, QStringLiteral(" eu,  de ch")));
        QCOMPARE(cell(0, PolicyRulesModel::AllowedColumn), QStringLiteral("EU, DE, CH"));
        QCOMPARE(m_model->policy().rules.at(0).allowed, (std::vector<std::string>{"EU", "DE", "CH"}));
        QVERIFY(m_model->isValid());
    }

    void aProblemMarksItsCellAndIsNamed()
    {
        QVERIFY(edit(0, PolicyRulesModel::AllowedColumn, QStringLiteral("EU, XX")));
        QVERIFY(!m_model->isValid());
        const QString problem = cell(0, PolicyRulesModel::AllowedColumn, PolicyRulesModel::ProblemRole);
        QVERIFY2(problem.contains(QStringLiteral("unknown jurisdiction code \"XX\" in allowed")), qPrintable(problem));
        QVERIFY(at(0, PolicyRulesModel::AllowedColumn).data(Qt::BackgroundRole).isValid());
        QVERIFY(cell(0, PolicyRulesModel::AllowedColumn, Qt::ToolTipRole).startsWith(QStringLiteral("Rule eu-pii: unknown jurisdiction")));
        // Only that cell.
        QCOMPARE(cell(0, PolicyRulesModel::SubjectsColumn, PolicyRulesModel::ProblemRole), QString());
        QVERIFY(!at(0, PolicyRulesModel::NameColumn).data(Qt::BackgroundRole).isValid());
        QVERIFY2(m_model->problemText().startsWith(QStringLiteral("Rule eu-pii: unknown jurisdiction code \"XX\" in allowed")),
                 qPrintable(m_model->problemText()));
        // Fixed: valid again, the mark gone.
        QVERIFY(edit(0, PolicyRulesModel::AllowedColumn, QStringLiteral("EU, CH")));
        QVERIFY(m_model->isValid());
        QCOMPARE(cell(0, PolicyRulesModel::AllowedColumn, PolicyRulesModel::ProblemRole), QString());
        QCOMPARE(m_model->problemText(), QString());
    }

    void aDuplicateNameMarksTheRuleThatRepeatsIt()
    {
        QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
        QVERIFY(edit(1, PolicyRulesModel::NameColumn, QStringLiteral("eu-pii")));
        QVERIFY(!cell(1, PolicyRulesModel::NameColumn, PolicyRulesModel::ProblemRole).isEmpty());
        QVERIFY2(m_model->problemText().startsWith(QStringLiteral("Duplicate rule name \"eu-pii\" (also rule 1)")),
                 qPrintable(m_model->problemText()));
        for (const QList<QVariant> &args : changed)
            QCOMPARE(args.at(0).toModelIndex().row(), args.at(1).toModelIndex().row()); // row by row
    }

    void manyProblemsAreCounted()
    {
        QVERIFY(edit(0, PolicyRulesModel::DataClassColumn, QString()));
        QVERIFY(edit(0, PolicyRulesModel::SubjectsColumn, QString()));
        QVERIFY(edit(1, PolicyRulesModel::AllowedColumn, QStringLiteral("*")));
        QCOMPARE(m_model->problems().size(), std::size_t(3));
        QVERIFY2(m_model->problemText().endsWith(QStringLiteral(" (and 2 more problems)")), qPrintable(m_model->problemText()));
        QVERIFY(!cell(0, PolicyRulesModel::DataClassColumn, PolicyRulesModel::ProblemRole).isEmpty());
        QVERIFY(!cell(0, PolicyRulesModel::SubjectsColumn, PolicyRulesModel::ProblemRole).isEmpty());
        QVERIFY(!cell(1, PolicyRulesModel::AllowedColumn, PolicyRulesModel::ProblemRole).isEmpty());
    }

    void theModeIsChosenByName()
    {
        QVERIFY(edit(0, PolicyRulesModel::ModeColumn, QStringLiteral("audit")));
        QCOMPARE(m_model->policy().rules.at(0).mode, ResidencyMode::Audit);
        QVERIFY(!edit(0, PolicyRulesModel::ModeColumn, QStringLiteral("maybe")));
        QCOMPARE(cell(0, PolicyRulesModel::ModeColumn), QStringLiteral("audit"));
        QVERIFY(at(0, PolicyRulesModel::ModeColumn).data(Qt::DecorationRole).canConvert<QColor>());
    }

    void addedRulesNeedAClassAndWhereTheyAreAllowed()
    {
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        const int row = m_model->addRule();
        QCOMPARE(row, 2);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(cell(row, PolicyRulesModel::NameColumn), QStringLiteral("rule-3"));
        QCOMPARE(cell(row, PolicyRulesModel::SubjectsColumn), QStringLiteral("*"));
        QCOMPARE(cell(row, PolicyRulesModel::ModeColumn), QStringLiteral("enforce"));
        QCOMPARE(cell(row, PolicyRulesModel::NameColumn, PolicyRulesModel::ChangeRole), QStringLiteral("new"));
        QCOMPARE(m_model->headerData(row, Qt::Vertical).toString(), QStringLiteral("3 +"));
        QVERIFY(!m_model->isValid());
        QVERIFY(!cell(row, PolicyRulesModel::DataClassColumn, PolicyRulesModel::ProblemRole).isEmpty());
        QVERIFY(!cell(row, PolicyRulesModel::AllowedColumn, PolicyRulesModel::ProblemRole).isEmpty());
        QVERIFY(edit(row, PolicyRulesModel::DataClassColumn, QStringLiteral("pii")));
        QVERIFY(edit(row, PolicyRulesModel::AllowedColumn, QStringLiteral("eu")));
        QVERIFY2(m_model->isValid(), qPrintable(m_model->problemText()));
        QVERIFY2(m_model->diffText().startsWith(QStringLiteral("added rule-3")), qPrintable(m_model->diffText()));
        // A second one gets the next free name.
        QCOMPARE(cell(m_model->addRule(), PolicyRulesModel::NameColumn), QStringLiteral("rule-4"));
    }

    void removingARuleRenumbersTheProblems()
    {
        m_model->addRule(); // rule 3: no class, no allowed
        QVERIFY(!m_model->isValid());
        QSignalSpy removed(m_model, &QAbstractItemModel::rowsRemoved);
        m_model->removeRule(0);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(m_model->rowCount(), 2);
        QVERIFY(!cell(1, PolicyRulesModel::DataClassColumn, PolicyRulesModel::ProblemRole).isEmpty());
        m_model->removeRule(1);
        QVERIFY(m_model->isValid());
        QCOMPARE(m_model->diffText(), QStringLiteral("removed eu-pii"));
        m_model->removeRule(7); // nothing there: nothing happens
        QCOMPARE(m_model->rowCount(), 1);
    }

    void theDefaultSubjectIsACode()
    {
        m_model->setDefaultSubject(QStringLiteral("eu"));
        QCOMPARE(m_model->defaultSubject(), QStringLiteral("EU"));
        QVERIFY(m_model->isModified());
        QVERIFY(m_model->isValid());
        m_model->setDefaultSubject(QStringLiteral("Atlantis"));
        QVERIFY(!m_model->isValid());
        QVERIFY2(m_model->problemText().startsWith(QStringLiteral("default_subject \"ATLANTIS\" is not a jurisdiction code")),
                 qPrintable(m_model->problemText()));
        m_model->setDefaultSubject({});
        QVERIFY(m_model->isValid());
        QVERIFY(!m_model->isModified());
    }

    void revertGoesBackToTheAppliedPolicy()
    {
        QVERIFY(edit(0, PolicyRulesModel::AllowedColumn, QStringLiteral("XX")));
        m_model->revert();
        QVERIFY(!m_model->isModified());
        QVERIFY(m_model->isValid());
        QCOMPARE(cell(0, PolicyRulesModel::AllowedColumn), QStringLiteral("EU"));
    }

    void anotherAppliedVersionKeepsTheEdit()
    {
        QVERIFY(edit(0, PolicyRulesModel::AllowedColumn, QStringLiteral("EU, CH")));
        ResidencyPolicy newer = applied();
        newer.version = 4;
        newer.rules.pop_back();
        QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
        m_model->setApplied(newer, false);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(m_model->applied().version, quint64(4));
        QCOMPARE(cell(0, PolicyRulesModel::AllowedColumn), QStringLiteral("EU, CH"));
        QCOMPARE(cell(1, PolicyRulesModel::NameColumn, PolicyRulesModel::ChangeRole), QStringLiteral("new")); // not in version 4
        // Without an edit, the applied policy is shown.
        m_model->revert();
        newer.version = 5;
        newer.rules.push_back(rule("in-pii", "pii", {"IN"}, {"IN"}));
        m_model->setApplied(newer, false);
        QCOMPARE(m_model->rowCount(), 2);
        QCOMPARE(cell(1, PolicyRulesModel::NameColumn), QStringLiteral("in-pii"));
        QVERIFY(!m_model->isModified());
    }

    void aViewerCannotEdit()
    {
        m_model->setReadOnly(true);
        QVERIFY(!(m_model->flags(at(0, 0)) & Qt::ItemIsEditable));
        QVERIFY(!edit(0, PolicyRulesModel::NameColumn, QStringLiteral("other")));
        QCOMPARE(cell(0, PolicyRulesModel::NameColumn), QStringLiteral("eu-pii"));
    }
};

QTEST_GUILESS_MAIN(tst_PolicyRulesModel)
#include "tst_policyrulesmodel.moc"
