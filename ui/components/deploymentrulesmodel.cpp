#include "deploymentrulesmodel.h"

#include "common/relativetime.h"

#include <QLocale>

namespace Keel {

DeploymentRulesModel::DeploymentRulesModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
}

int DeploymentRulesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rules.size());
}

int DeploymentRulesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeploymentRulesModel::display(const DeploymentRule &rule, int column) const
{
    const Deployment &d = rule.deployment;
    const bool removes = d.version.isEmpty();
    switch (column) {
    case ActionColumn: return removes ? tr("undeploy") : tr("deploy");
    case ComponentColumn: return removes ? d.component : d.component + u'@' + d.version;
    case SelectorColumn: return d.selector;
    case NodesColumn: return rule.nodesMatched;
    case ByColumn: return d.createdBy.isEmpty() ? tr("unknown") : d.createdBy;
    case CreatedColumn: return formatAge(d.created, m_clock());
    }
    return {};
}

QVariant DeploymentRulesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DeploymentRule &rule = m_rules.at(index.row());
    const Deployment &d = rule.deployment;
    switch (role) {
    case Qt::DisplayRole:
        return display(rule, index.column());
    case Qt::ToolTipRole:
        if (index.column() == CreatedColumn)
            return d.created.isValid() ? QLocale().toString(d.created.toLocalTime(), QLocale::LongFormat) : tr("not recorded");
        return d.version.isEmpty()
            ? tr("Rule %1: %2 does not run on the nodes %3 matches (%4 now), whatever earlier rules say")
                  .arg(index.row() + 1).arg(d.component, d.selector).arg(rule.nodesMatched)
            : tr("Rule %1: %2@%3 runs on the nodes %4 matches (%5 now), unless a later rule says otherwise")
                  .arg(index.row() + 1).arg(d.component, d.version, d.selector).arg(rule.nodesMatched);
    case Qt::TextAlignmentRole:
        return index.column() == NodesColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case ComponentRole:
        return d.component;
    case VersionRole:
        return d.version;
    case SequenceRole:
        return qulonglong(d.sequence);
    case SortRole:
        if (index.column() == CreatedColumn)
            return d.created;
        return display(rule, index.column());
    default:
        return {};
    }
}

QVariant DeploymentRulesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical) {
        if (section < 0 || section >= m_rules.size())
            return {};
        if (role == Qt::DisplayRole)
            return section + 1;
        if (role == Qt::ToolTipRole)
            return tr("Rules apply in this order; for each component a later rule wins.");
        return {};
    }
    if (section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::TextAlignmentRole)
        return section == NodesColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ActionColumn: return tr("Rule");
    case ComponentColumn: return tr("Component");
    case SelectorColumn: return tr("Selector");
    case NodesColumn: return tr("Nodes matched");
    case ByColumn: return tr("By");
    case CreatedColumn: return tr("When");
    }
    return {};
}

QHash<int, QByteArray> DeploymentRulesModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(ComponentRole, "component");
    names.insert(VersionRole, "version");
    names.insert(SequenceRole, "sequence");
    names.insert(SortRole, "sort");
    return names;
}

void DeploymentRulesModel::setRules(const QList<DeploymentRule> &rules)
{
    if (!applyInPlace(rules)) {
        beginResetModel();
        m_rules = rules;
        endResetModel();
    }
}

// A new rule replaces the one for the same component and selector and goes last, so a
// change is rows leaving and rows arriving at the end; the rows that stay keep their
// place (and a view its selection). Anything else is a reset.
bool DeploymentRulesModel::applyInPlace(const QList<DeploymentRule> &rules)
{
    QList<quint64> kept;
    for (const DeploymentRule &rule : rules)
        kept.append(rule.deployment.sequence);
    QList<quint64> staying;
    for (const DeploymentRule &rule : std::as_const(m_rules)) {
        if (kept.contains(rule.deployment.sequence))
            staying.append(rule.deployment.sequence);
    }
    if (staying != kept.mid(0, staying.size()))
        return false;
    for (int row = int(m_rules.size()) - 1; row >= 0; --row) {
        if (staying.contains(m_rules.at(row).deployment.sequence))
            continue;
        beginRemoveRows({}, row, row);
        m_rules.removeAt(row);
        endRemoveRows();
    }
    for (int row = 0; row < m_rules.size(); ++row) {
        if (m_rules.at(row) != rules.at(row)) {
            m_rules[row] = rules.at(row);
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
    if (rules.size() > m_rules.size()) {
        beginInsertRows({}, int(m_rules.size()), int(rules.size()) - 1);
        m_rules.append(rules.mid(m_rules.size()));
        endInsertRows();
    }
    return true;
}

void DeploymentRulesModel::clear()
{
    if (m_rules.isEmpty())
        return;
    beginResetModel();
    m_rules.clear();
    endResetModel();
}

void DeploymentRulesModel::refreshAges()
{
    if (!m_rules.isEmpty())
        emit dataChanged(index(0, CreatedColumn), index(int(m_rules.size()) - 1, CreatedColumn), {Qt::DisplayRole});
}

QList<DeploymentRule> DeploymentRulesModel::rulesFor(const QString &component) const
{
    QList<DeploymentRule> out;
    for (const DeploymentRule &rule : m_rules) {
        if (rule.deployment.component == component)
            out.append(rule);
    }
    return out;
}

void DeploymentRulesModel::setClockForTest(Clock clock)
{
    m_clock = std::move(clock);
}

} // namespace Keel
