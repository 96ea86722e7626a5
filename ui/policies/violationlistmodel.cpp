#include "violationlistmodel.h"

#include "policystyle.h"

#include <algorithm>
#include <tuple>

namespace Keel {

namespace {

bool samePlace(const ResidencyViolation &a, const ResidencyViolation &b)
{
    return a.component == b.component && a.version == b.version && a.node == b.node;
}

} // namespace

ViolationListModel::ViolationListModel(Kind kind, QObject *parent)
    : QAbstractTableModel(parent)
    , m_kind(kind)
{
}

int ViolationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_violations.size());
}

int ViolationListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool ViolationListModel::lessThan(const ResidencyViolation &a, const ResidencyViolation &b)
{
    const int ma = a.mode == ResidencyMode::Enforce ? 0 : 1;
    const int mb = b.mode == ResidencyMode::Enforce ? 0 : 1;
    return std::tie(ma, a.node, a.component, a.version, a.rule) < std::tie(mb, b.node, b.component, b.version, b.rule);
}

QString ViolationListModel::stateText(int row) const
{
    const ResidencyViolation &v = m_violations.at(row);
    if (m_kind == Kind::Live)
        return PolicyStyle::word(v);
    const bool fresh = m_new.value(row);
    if (v.mode == ResidencyMode::Audit)
        return fresh ? tr("will be flagged") : tr("stays flagged");
    return fresh ? tr("will be removed") : tr("stays removed");
}

QVariant ViolationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ResidencyViolation &v = m_violations.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case StateColumn: return stateText(index.row());
        case NodeColumn: return v.node;
        case RegionColumn: return v.nodeJurisdiction.isEmpty() ? v.region : tr("%1 (%2)").arg(v.region, v.nodeJurisdiction);
        case ComponentColumn: return v.component;
        case VersionColumn: return v.version;
        case RuleColumn: return v.rule;
        case ReasonColumn: return v.reason;
        }
        return {};
    case Qt::DecorationRole:
        return index.column() == StateColumn ? QVariant(PolicyStyle::color(v.mode)) : QVariant();
    case Qt::ToolTipRole:
        switch (index.column()) {
        case StateColumn:
            if (v.mode == ResidencyMode::Audit)
                return tr("Audit mode: the placement is flagged and keeps running");
            return v.removed || m_kind == Kind::Preview ? tr("Enforce mode: the component is taken off the node")
                                                        : tr("Enforce mode: the component is being taken off the node");
        case RegionColumn: return PolicyStyle::jurisdictionText(v.nodeJurisdiction);
        case RuleColumn:
            return v.policy.isEmpty() ? tr("%1 (data class %2)").arg(v.rule, v.dataClass)
                                      : tr("%1 of policy %2 (data class %3)").arg(v.rule, v.policy, v.dataClass);
        default: return v.reason;
        }
    case ModeRole: return int(v.mode);
    case NewRole: return m_new.value(index.row());
    case NodeRole: return v.node;
    case SortRole:
        return index.column() == StateColumn ? QVariant(int(v.mode) * 2 + (m_new.value(index.row()) ? 0 : 1))
                                             : data(index, Qt::DisplayRole);
    default: return {};
    }
}

QVariant ViolationListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StateColumn: return m_kind == Kind::Live ? tr("State") : tr("Outcome");
    case NodeColumn: return tr("Node");
    case RegionColumn: return tr("Region");
    case ComponentColumn: return tr("Component");
    case VersionColumn: return tr("Version");
    case RuleColumn: return tr("Rule");
    case ReasonColumn: return tr("Why");
    }
    return {};
}

QHash<int, QByteArray> ViolationListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(ModeRole, "mode");
    names.insert(NewRole, "new");
    names.insert(NodeRole, "node");
    names.insert(SortRole, "sort");
    return names;
}

void ViolationListModel::setViolations(QList<ResidencyViolation> violations, const QList<ResidencyViolation> &now)
{
    std::sort(violations.begin(), violations.end(), lessThan);
    QList<bool> fresh;
    for (const ResidencyViolation &v : std::as_const(violations))
        fresh.append(std::none_of(now.cbegin(), now.cend(), [&](const ResidencyViolation &n) { return samePlace(v, n); }));
    if (m_kind == Kind::Live)
        fresh.fill(false);
    // The same placements again (a listing after a reconnect): rows change in place, so a
    // view keeps its selection; anything else is a new list.
    const bool samePlacements = violations.size() == m_violations.size()
        && std::equal(violations.cbegin(), violations.cend(), m_violations.cbegin(),
                      [](const ResidencyViolation &a, const ResidencyViolation &b) { return a.samePlacement(b); });
    if (!samePlacements) {
        beginResetModel();
        m_violations = std::move(violations);
        m_new = std::move(fresh);
        endResetModel();
    } else {
        for (int row = 0; row < m_violations.size(); ++row) {
            if (m_violations.at(row) == violations.at(row) && m_new.at(row) == fresh.at(row))
                continue;
            m_violations[row] = violations.at(row);
            m_new[row] = fresh.at(row);
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
    emit countsChanged();
}

void ViolationListModel::apply(const ResidencyViolation &violation)
{
    const int row = rowOf(violation);
    if (violation.resolved) {
        if (row < 0)
            return;
        beginRemoveRows({}, row, row);
        m_violations.removeAt(row);
        m_new.removeAt(row);
        endRemoveRows();
    } else if (row >= 0) {
        if (m_violations.at(row) == violation)
            return;
        const bool moves = lessThan(violation, m_violations.at(row)) || lessThan(m_violations.at(row), violation);
        if (!moves) {
            m_violations[row] = violation;
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        } else { // its mode changed: it moves to its place
            beginRemoveRows({}, row, row);
            m_violations.removeAt(row);
            m_new.removeAt(row);
            endRemoveRows();
            apply(violation);
            return;
        }
    } else {
        const auto at = std::lower_bound(m_violations.cbegin(), m_violations.cend(), violation, lessThan);
        const int insertAt = int(at - m_violations.cbegin());
        beginInsertRows({}, insertAt, insertAt);
        m_violations.insert(insertAt, violation);
        m_new.insert(insertAt, m_kind == Kind::Preview);
        endInsertRows();
    }
    emit countsChanged();
}

void ViolationListModel::clear()
{
    if (m_violations.isEmpty())
        return;
    beginResetModel();
    m_violations.clear();
    m_new.clear();
    endResetModel();
    emit countsChanged();
}

int ViolationListModel::rowOf(const ResidencyViolation &violation) const
{
    for (int row = 0; row < m_violations.size(); ++row) {
        if (m_violations.at(row).samePlacement(violation))
            return row;
    }
    return -1;
}

int ViolationListModel::count(ResidencyMode mode) const
{
    return int(std::count_if(m_violations.cbegin(), m_violations.cend(), [mode](const ResidencyViolation &v) { return v.mode == mode; }));
}

int ViolationListModel::newCount() const
{
    return int(std::count(m_new.cbegin(), m_new.cend(), true));
}

} // namespace Keel
