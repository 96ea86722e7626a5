#include "auditfilterproxy.h"

#include "auditlogmodel.h"

namespace Keel {

AuditFilterProxy::AuditFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(AuditLogModel::SortRole);
}

void AuditFilterProxy::setPrincipal(const QString &text)
{
    m_principal = text.trimmed();
    invalidateRowsFilter();
}

void AuditFilterProxy::setAction(const QString &text)
{
    m_action = text.trimmed();
    invalidateRowsFilter();
}

void AuditFilterProxy::setResultKind(const QString &kind)
{
    m_resultKind = kind;
    invalidateRowsFilter();
}

void AuditFilterProxy::setSince(const QDateTime &since)
{
    m_since = since;
    invalidateRowsFilter();
}

bool AuditFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_principal.isEmpty() && !index.data(AuditLogModel::PrincipalRole).toString().contains(m_principal, Qt::CaseInsensitive))
        return false;
    if (!m_action.isEmpty() && !index.data(AuditLogModel::ActionRole).toString().contains(m_action, Qt::CaseInsensitive))
        return false;
    if (!m_resultKind.isEmpty() && index.data(AuditLogModel::ResultKindRole).toString() != m_resultKind)
        return false;
    if (m_since.isValid() && index.data(AuditLogModel::TimeRole).toDateTime() < m_since)
        return false;
    return true;
}

} // namespace Keel
