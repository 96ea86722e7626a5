#include "auditlogmodel.h"

#include "common/statuscolors.h"

#include <QLocale>

#include <algorithm>

namespace Keel {

AuditLogModel::AuditLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int AuditLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int AuditLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AuditLogModel::resultKind(const QString &result)
{
    if (result == QLatin1String("ok"))
        return QStringLiteral("ok");
    if (result.startsWith(QLatin1String("denied")))
        return QStringLiteral("denied");
    return QStringLiteral("error");
}

QVariant AuditLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AuditRecord &r = m_records.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn: return QLocale().toString(r.time.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case PrincipalColumn: return r.principal;
        case ActionColumn: return r.action;
        case TargetColumn: return r.target;
        case ResultColumn: return r.result;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == TimeColumn)
            return r.time.toUTC().toString(Qt::ISODateWithMs);
        if (index.column() == PrincipalColumn && !r.principalId.isEmpty())
            return tr("Token id %1").arg(r.principalId);
        if (index.column() == ResultColumn || index.column() == TargetColumn)
            return index.data(Qt::DisplayRole);
        return {};
    case Qt::DecorationRole:
        if (index.column() == ResultColumn) {
            const QString kind = resultKind(r.result);
            return kind == QLatin1String("ok") ? StatusColors::healthy()
                   : kind == QLatin1String("denied") ? StatusColors::degraded() : StatusColors::failing();
        }
        return {};
    case TimeRole: return r.time;
    case PrincipalRole: return r.principal;
    case ActionRole: return r.action;
    case ResultKindRole: return resultKind(r.result);
    case SortRole:
        return index.column() == TimeColumn ? QVariant(qulonglong(r.sequence)) : index.data(Qt::DisplayRole);
    }
    return {};
}

QVariant AuditLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn: return tr("Time");
    case PrincipalColumn: return tr("Principal");
    case ActionColumn: return tr("Action");
    case TargetColumn: return tr("Target");
    case ResultColumn: return tr("Result");
    }
    return {};
}

void AuditLogModel::append(const QList<AuditRecord> &records)
{
    QList<AuditRecord> fresh;
    for (const AuditRecord &r : records) {
        if (r.sequence > m_lastSequence)
            fresh.append(r);
    }
    if (fresh.isEmpty())
        return;
    std::sort(fresh.begin(), fresh.end(), [](const AuditRecord &a, const AuditRecord &b) { return a.sequence > b.sequence; });
    // Newest first: new records go on top.
    beginInsertRows({}, 0, int(fresh.size()) - 1);
    m_lastSequence = fresh.first().sequence;
    fresh.append(m_records);
    m_records = std::move(fresh);
    endInsertRows();
}

void AuditLogModel::clear()
{
    beginResetModel();
    m_records.clear();
    m_lastSequence = 0;
    endResetModel();
}

} // namespace Keel
