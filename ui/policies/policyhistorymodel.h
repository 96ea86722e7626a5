#pragma once

#include "residencytypes.h"

#include <QAbstractTableModel>

#include <functional>

namespace Keel {

// The residency policy's versions, newest first: version, when (relative; the time in the
// tooltip), who, how many rules, and what changed in keel_residency's words. A listing
// resets it; a policy applied while the console watches is added at the top. Knows
// nothing of widgets.
class PolicyHistoryModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { VersionColumn, AppliedColumn, ByColumn, RulesColumn, ChangeColumn, ColumnCount };
    Q_ENUM(Column)

    enum Role { VersionRole = Qt::UserRole + 1, SortRole };
    Q_ENUM(Role)

    using Clock = std::function<QDateTime()>;

    explicit PolicyHistoryModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setRevisions(QList<PolicyRevision> revisions);
    // A version applied now (a policy event): inserted in its place, or its row updated.
    void add(const PolicyRevision &revision);
    void clear();
    void refreshAges();

    const QList<PolicyRevision> &revisions() const { return m_revisions; }
    int rowOf(quint64 version) const;

    // The revision a policy event describes.
    static PolicyRevision revisionOf(const PolicyChange &change);

    void setClockForTest(Clock clock) { m_clock = std::move(clock); }

private:
    QList<PolicyRevision> m_revisions;
    Clock m_clock;
};

} // namespace Keel
