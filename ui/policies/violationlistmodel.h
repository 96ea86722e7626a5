#pragma once

#include "residencytypes.h"

#include <QAbstractTableModel>

namespace Keel {

// Placements against the residency policy, one row each: the state (red "removed" in
// enforce mode, amber "flagged" in audit mode), the node and its region, the component
// and version, the rule and why. Live, it is the control plane's violation list kept
// current by events (a violation's row changes in place, a resolved one goes); as a
// preview, the placements a policy would make violations, "new" where they are not
// violations now. Ordered enforce first, then by node and component. Knows nothing of
// widgets.
class ViolationListModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum class Kind { Live, Preview };

    enum Column { StateColumn, NodeColumn, RegionColumn, ComponentColumn, VersionColumn, RuleColumn, ReasonColumn, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        ModeRole = Qt::UserRole + 1, // int(ResidencyMode)
        NewRole,                     // bool (preview): not a violation now
        NodeRole,
        SortRole,
    };
    Q_ENUM(Role)

    explicit ViolationListModel(Kind kind = Kind::Live, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    Kind kind() const { return m_kind; }
    // A full list; for a preview, `now` are the violations as they are (to tell new ones).
    void setViolations(QList<ResidencyViolation> violations, const QList<ResidencyViolation> &now = {});
    // A violation event: its row changed in place or inserted, removed when resolved.
    void apply(const ResidencyViolation &violation);
    void clear();

    const QList<ResidencyViolation> &violations() const { return m_violations; }
    const ResidencyViolation &violationAt(int row) const { return m_violations.at(row); }
    int rowOf(const ResidencyViolation &violation) const;
    bool isNew(int row) const { return m_new.value(row); }
    int count(ResidencyMode mode) const;
    int newCount() const;

    // The order rows are kept in.
    static bool lessThan(const ResidencyViolation &a, const ResidencyViolation &b);

signals:
    // After a list or any row changed: counts to show again.
    void countsChanged();

private:
    QString stateText(int row) const;

    Kind m_kind;
    QList<ResidencyViolation> m_violations;
    QList<bool> m_new;
};

} // namespace Keel
