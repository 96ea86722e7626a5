#pragma once

#include "accesstypes.h"

#include <QAbstractTableModel>
#include <QList>

namespace Keel {

// The control plane's audit log as a table, newest first: who did what to which thing,
// and how it ended. Filled by appending pages in sequence order (AuditPane reads them);
// a record already held (by sequence) is not added twice.
class AuditLogModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TimeColumn, PrincipalColumn, ActionColumn, TargetColumn, ResultColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        TimeRole = Qt::UserRole + 1, // QDateTime
        PrincipalRole,
        ActionRole,
        ResultKindRole,              // "ok", "denied" or "error"
        SortRole,
    };
    Q_ENUM(Role)

    explicit AuditLogModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Records in ascending sequence, newer than what is held.
    void append(const QList<AuditRecord> &records);
    void clear();
    quint64 lastSequence() const { return m_lastSequence; }
    int recordCount() const { return int(m_records.size()); }
    const AuditRecord &recordAt(int row) const { return m_records.at(row); }

    static QString resultKind(const QString &result);

private:
    QList<AuditRecord> m_records; // newest first
    quint64 m_lastSequence = 0;
};

} // namespace Keel
