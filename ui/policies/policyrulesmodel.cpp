#include "policyrulesmodel.h"

#include "common/statuscolors.h"
#include "policydiff.h"
#include "policystyle.h"

#include <QColor>
#include <QSet>

#include <algorithm>

namespace Keel {

namespace {

using keel::residency::PolicyProblem;
using keel::residency::PolicyValidator;

// The columns of a row that problems point at (bit per column).
QList<int> problemColumns(const std::vector<PolicyProblem> &problems, int rows)
{
    QList<int> columns(rows, 0);
    for (const PolicyProblem &problem : problems) {
        const int column = PolicyRulesModel::columnOf(problem.field);
        if (problem.rule >= 0 && problem.rule < rows && column >= 0)
            columns[problem.rule] |= 1 << column;
    }
    return columns;
}

// "rule eu-pii: ..." starts a sentence as "Rule eu-pii: ..."; a field name such as
// "default_subject" stays as it is spelled in the file.
QString capitalized(const QString &text)
{
    if (text.isEmpty() || text.section(u' ', 0, 0).contains(u'_'))
        return text;
    return text.front().toUpper() + text.mid(1);
}

} // namespace

PolicyRulesModel::PolicyRulesModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int PolicyRulesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_policy.rules.size());
}

int PolicyRulesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int PolicyRulesModel::columnOf(const std::string &field)
{
    if (field == "name")
        return NameColumn;
    if (field == "data_class")
        return DataClassColumn;
    if (field == "subjects")
        return SubjectsColumn;
    if (field == "allowed")
        return AllowedColumn;
    if (field == "mode")
        return ModeColumn;
    return -1;
}

QString PolicyRulesModel::problemAt(int row, int column) const
{
    for (const PolicyProblem &problem : m_problems) {
        if (problem.rule == row && columnOf(problem.field) == column)
            return QString::fromStdString(problem.message);
    }
    return {};
}

QString PolicyRulesModel::changeOf(int row) const
{
    const ResidencyRule &rule = m_policy.rules.at(std::size_t(row));
    const auto before = std::find_if(m_applied.rules.cbegin(), m_applied.rules.cend(),
                                     [&](const ResidencyRule &r) { return r.name == rule.name; });
    if (before == m_applied.rules.cend())
        return tr("new");
    return *before == rule ? QString() : tr("changed");
}

QVariant PolicyRulesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ResidencyRule &rule = m_policy.rules.at(std::size_t(index.row()));
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        switch (index.column()) {
        case NameColumn: return PolicyStyle::toQString(rule.name);
        case DataClassColumn: return PolicyStyle::toQString(rule.dataClass);
        case SubjectsColumn: return PolicyStyle::listText(rule.subjects);
        case AllowedColumn: return PolicyStyle::listText(rule.allowed);
        case ModeColumn: return PolicyStyle::modeName(rule.mode);
        }
        return {};
    case Qt::ToolTipRole: {
        const QString problem = problemAt(index.row(), index.column());
        if (!problem.isEmpty())
            return capitalized(problem);
        switch (index.column()) {
        case SubjectsColumn:
            return rule.isPlacementRule() ? tr("Every subject: the class may run only on nodes in the allowed jurisdictions")
                                          : tr("The data subjects' home jurisdictions this rule covers (\"*\" for all)");
        case AllowedColumn: return tr("Where such data may be processed: jurisdiction codes such as EU, DE, US, IN");
        case ModeColumn:
            return rule.mode == ResidencyMode::Audit ? tr("audit: violations are flagged, nothing is removed")
                                                     : tr("enforce: violating placements are removed, requests refused");
        default: return PolicyStyle::ruleSummary(rule);
        }
    }
    case Qt::BackgroundRole:
        if (!problemAt(index.row(), index.column()).isEmpty()) {
            QColor tint = StatusColors::failing();
            tint.setAlpha(70); // reads over a light and a dark base
            return tint;
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == ModeColumn)
            return PolicyStyle::color(rule.mode);
        return {};
    case ProblemRole:
        return problemAt(index.row(), index.column());
    case ChangeRole:
        return changeOf(index.row());
    default:
        return {};
    }
}

bool PolicyRulesModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (m_readOnly || role != Qt::EditRole
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    ResidencyRule &rule = m_policy.rules[std::size_t(index.row())];
    const ResidencyRule before = rule;
    const QString text = value.toString().trimmed();
    switch (index.column()) {
    case NameColumn: rule.name = text.toStdString(); break;
    case DataClassColumn: rule.dataClass = text.toStdString(); break;
    case SubjectsColumn: rule.subjects = PolicyStyle::parseList(text); break;
    case AllowedColumn: rule.allowed = PolicyStyle::parseList(text); break;
    case ModeColumn:
        if (text.compare(QLatin1String("audit"), Qt::CaseInsensitive) == 0)
            rule.mode = ResidencyMode::Audit;
        else if (text.compare(QLatin1String("enforce"), Qt::CaseInsensitive) == 0)
            rule.mode = ResidencyMode::Enforce;
        else
            return false;
        break;
    default: return false;
    }
    if (rule == before)
        return true;
    revalidate(index.row());
    return true;
}

Qt::ItemFlags PolicyRulesModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags flags = QAbstractTableModel::flags(index);
    if (index.isValid() && !m_readOnly)
        flags |= Qt::ItemIsEditable;
    return flags;
}

QVariant PolicyRulesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical) {
        // Rules are numbered as the validator's messages number them ("rule 3 has no name").
        if (section < 0 || section >= rowCount())
            return {};
        if (role == Qt::DisplayRole) {
            // "+" a rule not applied yet, "✎" one changed since it was applied.
            const QString change = changeOf(section);
            return change.isEmpty() ? QString::number(section + 1)
                                    : QStringLiteral("%1 %2").arg(section + 1).arg(change == tr("new") ? QStringLiteral("+") : QStringLiteral("✎"));
        }
        if (role == Qt::ToolTipRole) {
            const QString change = changeOf(section);
            return change.isEmpty() ? tr("As applied") : change == tr("new") ? tr("New: not applied yet") : tr("Changed: not applied yet");
        }
        return {};
    }
    if (section < 0 || section >= ColumnCount || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Rule");
    case DataClassColumn: return tr("Data class");
    case SubjectsColumn: return tr("Subjects");
    case AllowedColumn: return tr("Allowed in");
    case ModeColumn: return tr("Mode");
    }
    return {};
}

QHash<int, QByteArray> PolicyRulesModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(ProblemRole, "problem");
    names.insert(ChangeRole, "change");
    return names;
}

void PolicyRulesModel::setApplied(const ResidencyPolicy &policy, bool replaceEdit)
{
    const bool follow = replaceEdit || !isModified();
    m_applied = policy;
    if (follow) {
        setPolicy(policy);
        return;
    }
    // What "new" and "changed" mean moved: every row may read differently.
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), {ChangeRole});
    if (rowCount() > 0)
        emit headerDataChanged(Qt::Vertical, 0, rowCount() - 1);
    emit appliedChanged();
}

void PolicyRulesModel::setPolicy(const ResidencyPolicy &policy)
{
    beginResetModel();
    m_policy = ResidencyPolicy{};
    m_policy.name = policy.name;
    m_policy.rules = policy.rules;
    m_policy.defaultSubject = policy.defaultSubject;
    m_problems = PolicyValidator::validate(m_policy);
    endResetModel();
    emit edited();
}

ResidencyPolicy PolicyRulesModel::policy() const
{
    ResidencyPolicy policy;
    policy.name = m_policy.name.empty() ? m_applied.name : m_policy.name;
    policy.rules = m_policy.rules;
    policy.defaultSubject = m_policy.defaultSubject;
    return policy;
}

int PolicyRulesModel::addRule()
{
    QSet<QString> names;
    for (const ResidencyRule &rule : m_policy.rules)
        names.insert(QString::fromStdString(rule.name));
    int n = int(m_policy.rules.size()) + 1;
    while (names.contains(QStringLiteral("rule-%1").arg(n)))
        ++n;
    ResidencyRule rule;
    rule.name = QStringLiteral("rule-%1").arg(n).toStdString();
    rule.subjects = {"*"};
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_policy.rules.push_back(rule);
    endInsertRows();
    revalidate(row);
    return row;
}

void PolicyRulesModel::removeRule(int row)
{
    if (row < 0 || row >= rowCount())
        return;
    beginRemoveRows({}, row, row);
    m_policy.rules.erase(m_policy.rules.begin() + row);
    endRemoveRows();
    // Rows after it moved up: their problems (which name rules by index) are found again.
    revalidate(-1);
}

void PolicyRulesModel::setDefaultSubject(const QString &code)
{
    const std::string value = code.trimmed().toUpper().toStdString();
    if (value == m_policy.defaultSubject)
        return;
    m_policy.defaultSubject = value;
    revalidate(-1);
}

QString PolicyRulesModel::defaultSubject() const
{
    return QString::fromStdString(m_policy.defaultSubject);
}

void PolicyRulesModel::setReadOnly(bool readOnly)
{
    if (m_readOnly == readOnly)
        return;
    m_readOnly = readOnly;
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void PolicyRulesModel::revalidate(int editedRow)
{
    const int rows = rowCount();
    const QList<int> before = problemColumns(m_problems, rows);
    m_problems = PolicyValidator::validate(m_policy);
    const QList<int> after = problemColumns(m_problems, rows);
    // Only the rows whose marks moved, and the edited one; a problem's words may change
    // without moving (a duplicate name's partner), so rows with problems are told too.
    for (int row = 0; row < rows; ++row) {
        if (row == editedRow || before.at(row) != after.at(row) || after.at(row) != 0)
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
    if (editedRow >= 0)
        emit headerDataChanged(Qt::Vertical, editedRow, editedRow);
    emit edited();
}

QString PolicyRulesModel::problemText() const
{
    if (m_problems.empty())
        return {};
    QString text = capitalized(QString::fromStdString(m_problems.front().message));
    const int more = int(m_problems.size()) - 1;
    if (more == 1)
        text += tr(" (and 1 more problem)");
    else if (more > 1)
        text += tr(" (and %1 more problems)").arg(more);
    return text;
}

bool PolicyRulesModel::isModified() const
{
    return !policy().sameRules(m_applied);
}

QString PolicyRulesModel::diffText() const
{
    return QString::fromStdString(keel::residency::PolicyDiff::describe(m_applied, policy()));
}

} // namespace Keel
