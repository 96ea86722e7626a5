#include "rolloutlistmodel.h"

#include "common/relativetime.h"
#include "rolloutstyle.h"

#include <QLocale>

#include <algorithm>

namespace Keel {

namespace {

// Newest first; rollouts started in the same millisecond by id, so the order is total.
bool newerFirst(const Rollout &a, const Rollout &b)
{
    if (a.created != b.created)
        return a.created > b.created;
    return a.id > b.id;
}

} // namespace

RolloutListModel::RolloutListModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
}

int RolloutListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rollouts.size());
}

int RolloutListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RolloutListModel::display(const Rollout &r, int column) const
{
    switch (column) {
    case IdColumn: return r.id;
    case ComponentColumn: return r.spec.component;
    case ChangeColumn:
        return tr("%1 → %2").arg(r.baselineVersion.isEmpty() ? tr("(none)") : r.baselineVersion, r.spec.version);
    case SelectorColumn: return r.spec.selector;
    case StateColumn: return RolloutStyle::word(r.state);
    case ProgressColumn: return tr("%1/%2 nodes").arg(r.nodesDone()).arg(r.nodesTotal());
    case StartedColumn: return formatAge(r.created, m_clock());
    case ByColumn: return r.createdBy.isEmpty() ? tr("unknown") : r.createdBy;
    }
    return {};
}

QVariant RolloutListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Rollout &r = m_rollouts.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(r, index.column());
    case Qt::DecorationRole:
        return index.column() == StateColumn ? QVariant(RolloutStyle::color(r.state)) : QVariant();
    case Qt::ToolTipRole:
        switch (index.column()) {
        case StartedColumn:
            return r.created.isValid() ? QLocale().toString(r.created.toLocalTime(), QLocale::LongFormat) : tr("not recorded");
        case StateColumn: {
            const QString failure = RolloutStyle::failureSentence(r);
            return failure.isEmpty() ? r.message : failure;
        }
        case ProgressColumn:
            return tr("%1 of %2 nodes in passed waves; %3 waves").arg(r.nodesDone()).arg(r.nodesTotal()).arg(r.waves.size());
        default:
            return tr("%1 to %2 (%3)").arg(RolloutStyle::changeText(r), r.spec.selector, r.id);
        }
    case Qt::TextAlignmentRole:
        return index.column() == ProgressColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case IdRole:
        return r.id;
    case StateRole:
        return int(r.state);
    case SortRole:
        switch (index.column()) {
        case StartedColumn: return r.created;
        case StateColumn: return int(r.state);
        case ProgressColumn: return r.nodesTotal() == 0 ? 0.0 : double(r.nodesDone()) / r.nodesTotal();
        default: return display(r, index.column());
        }
    default:
        return {};
    }
}

QVariant RolloutListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::TextAlignmentRole)
        return section == ProgressColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn: return tr("ID");
    case ComponentColumn: return tr("Component");
    case ChangeColumn: return tr("From → To");
    case SelectorColumn: return tr("Selector");
    case StateColumn: return tr("State");
    case ProgressColumn: return tr("Progress");
    case StartedColumn: return tr("Started");
    case ByColumn: return tr("By");
    }
    return {};
}

QHash<int, QByteArray> RolloutListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(IdRole, "id");
    names.insert(StateRole, "state");
    names.insert(SortRole, "sort");
    return names;
}

void RolloutListModel::setRollouts(QList<Rollout> rollouts)
{
    std::sort(rollouts.begin(), rollouts.end(), newerFirst);
    // A listing again after a reconnect usually holds the same rollouts: update them in
    // place so that a view keeps its selection; anything else is a reset.
    QStringList ids, listed;
    for (const Rollout &r : std::as_const(m_rollouts))
        ids.append(r.id);
    for (const Rollout &r : std::as_const(rollouts))
        listed.append(r.id);
    if (ids != listed) {
        beginResetModel();
        m_rollouts = std::move(rollouts);
        endResetModel();
        return;
    }
    for (int row = 0; row < m_rollouts.size(); ++row) {
        if (m_rollouts.at(row) == rollouts.at(row))
            continue;
        m_rollouts[row] = rollouts.at(row);
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        emit rolloutUpdated(m_rollouts.at(row).id);
    }
}

int RolloutListModel::insertionRow(const Rollout &rollout) const
{
    const auto at = std::lower_bound(m_rollouts.cbegin(), m_rollouts.cend(), rollout, newerFirst);
    return int(at - m_rollouts.cbegin());
}

void RolloutListModel::apply(const Rollout &rollout)
{
    const int row = rowOf(rollout.id);
    if (row >= 0) {
        const Rollout &shown = m_rollouts.at(row);
        // A control's answer may arrive after the events that followed it: an older
        // snapshot never replaces a newer one.
        if (shown == rollout || (shown.updated.isValid() && rollout.updated.isValid() && rollout.updated < shown.updated))
            return;
        m_rollouts[row] = rollout;
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    } else {
        const int at = insertionRow(rollout);
        beginInsertRows({}, at, at);
        m_rollouts.insert(at, rollout);
        endInsertRows();
    }
    emit rolloutUpdated(rollout.id);
}

void RolloutListModel::clear()
{
    if (m_rollouts.isEmpty())
        return;
    beginResetModel();
    m_rollouts.clear();
    endResetModel();
}

void RolloutListModel::refreshAges()
{
    if (!m_rollouts.isEmpty())
        emit dataChanged(index(0, StartedColumn), index(int(m_rollouts.size()) - 1, StartedColumn), {Qt::DisplayRole});
}

int RolloutListModel::rowOf(const QString &id) const
{
    for (int row = 0; row < m_rollouts.size(); ++row) {
        if (m_rollouts.at(row).id == id)
            return row;
    }
    return -1;
}

std::optional<Rollout> RolloutListModel::rollout(const QString &id) const
{
    const int row = rowOf(id);
    return row < 0 ? std::nullopt : std::optional<Rollout>(m_rollouts.at(row));
}

int RolloutListModel::activeCount() const
{
    return int(std::count_if(m_rollouts.cbegin(), m_rollouts.cend(), [](const Rollout &r) { return isActive(r.state); }));
}

void RolloutListModel::setClockForTest(Clock clock)
{
    m_clock = std::move(clock);
}

} // namespace Keel
