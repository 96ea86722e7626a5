#include "policyhistorymodel.h"

#include "common/relativetime.h"

#include <QLocale>

#include <algorithm>

namespace Keel {

namespace {

bool newerFirst(const PolicyRevision &a, const PolicyRevision &b)
{
    return a.version > b.version;
}

} // namespace

PolicyHistoryModel::PolicyHistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
}

int PolicyHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_revisions.size());
}

int PolicyHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PolicyHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PolicyRevision &r = m_revisions.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case VersionColumn: return QString::number(r.version);
        case AppliedColumn: return formatAge(r.applied, m_clock());
        case ByColumn: return r.appliedBy.isEmpty() ? tr("unknown") : r.appliedBy;
        case RulesColumn: return QString::number(r.rules);
        case ChangeColumn: return r.diff.isEmpty() ? tr("(no change to the rules)") : r.diff;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == AppliedColumn)
            return r.applied.isValid() ? QLocale().toString(r.applied.toLocalTime(), QLocale::LongFormat) : tr("not recorded");
        return r.diff;
    case Qt::TextAlignmentRole:
        return index.column() == VersionColumn || index.column() == RulesColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                                                : QVariant();
    case VersionRole: return r.version;
    case SortRole:
        switch (index.column()) {
        case VersionColumn: return r.version;
        case AppliedColumn: return r.applied;
        case RulesColumn: return r.rules;
        default: return data(index, Qt::DisplayRole);
        }
    default: return {};
    }
}

QVariant PolicyHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::TextAlignmentRole)
        return section == VersionColumn || section == RulesColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                                  : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case VersionColumn: return tr("Version");
    case AppliedColumn: return tr("Applied");
    case ByColumn: return tr("By");
    case RulesColumn: return tr("Rules");
    case ChangeColumn: return tr("Change");
    }
    return {};
}

QHash<int, QByteArray> PolicyHistoryModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(VersionRole, "version");
    names.insert(SortRole, "sort");
    return names;
}

void PolicyHistoryModel::setRevisions(QList<PolicyRevision> revisions)
{
    std::sort(revisions.begin(), revisions.end(), newerFirst);
    if (revisions == m_revisions)
        return;
    beginResetModel();
    m_revisions = std::move(revisions);
    endResetModel();
}

void PolicyHistoryModel::add(const PolicyRevision &revision)
{
    const int row = rowOf(revision.version);
    if (row >= 0) {
        if (m_revisions.at(row) == revision)
            return;
        m_revisions[row] = revision;
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    const auto at = std::lower_bound(m_revisions.cbegin(), m_revisions.cend(), revision, newerFirst);
    const int insertAt = int(at - m_revisions.cbegin());
    beginInsertRows({}, insertAt, insertAt);
    m_revisions.insert(insertAt, revision);
    endInsertRows();
}

void PolicyHistoryModel::clear()
{
    if (m_revisions.isEmpty())
        return;
    beginResetModel();
    m_revisions.clear();
    endResetModel();
}

void PolicyHistoryModel::refreshAges()
{
    if (!m_revisions.isEmpty())
        emit dataChanged(index(0, AppliedColumn), index(rowCount() - 1, AppliedColumn), {Qt::DisplayRole});
}

int PolicyHistoryModel::rowOf(quint64 version) const
{
    for (int row = 0; row < m_revisions.size(); ++row) {
        if (m_revisions.at(row).version == version)
            return row;
    }
    return -1;
}

PolicyRevision PolicyHistoryModel::revisionOf(const PolicyChange &change)
{
    PolicyRevision revision;
    revision.version = change.policy.version;
    revision.applied = change.policy.appliedUnixMs > 0 ? QDateTime::fromMSecsSinceEpoch(change.policy.appliedUnixMs, Qt::UTC)
                                                       : QDateTime();
    revision.appliedBy = QString::fromStdString(change.policy.appliedBy);
    revision.diff = change.diff;
    revision.rules = int(change.policy.rules.size());
    return revision;
}

} // namespace Keel
