#pragma once

#include <QDateTime>
#include <QSortFilterProxyModel>

namespace Keel {

// Filters the audit log by principal, action (substrings, any case), result kind and time.
class AuditFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit AuditFilterProxy(QObject *parent = nullptr);

    void setPrincipal(const QString &text);
    void setAction(const QString &text);
    // "ok", "denied", "error", or empty for all.
    void setResultKind(const QString &kind);
    // Only records at or after this time; invalid: all.
    void setSince(const QDateTime &since);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_principal;
    QString m_action;
    QString m_resultKind;
    QDateTime m_since;
};

} // namespace Keel
