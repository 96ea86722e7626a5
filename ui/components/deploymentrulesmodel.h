#pragma once

#include "deploymenttypes.h"

#include <QAbstractTableModel>
#include <QDateTime>

#include <functional>

namespace Keel {

// The deployment rules in the order they apply (later rules win per component): one row
// per rule with who made it and how many nodes its selector matches; the vertical header
// numbers them (1: applied first). Filled by a provider
// (ComponentFeed) with setRules(), which keeps the rows that stay and only inserts,
// removes or updates the ones that changed. Knows nothing of widgets.
class DeploymentRulesModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        ActionColumn,    // "deploy" / "undeploy"
        ComponentColumn, // name@version, or name for an undeploy
        SelectorColumn,
        NodesColumn,     // nodes the selector matches now, right-aligned
        ByColumn,
        CreatedColumn,   // relative; absolute in the tooltip
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        ComponentRole = Qt::UserRole + 1, // the component's name
        VersionRole,                      // empty for an undeploy
        SequenceRole,                     // the revision that wrote it (qulonglong)
        SortRole,
    };
    Q_ENUM(Role)

    using Clock = std::function<QDateTime()>;

    explicit DeploymentRulesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The rules as listed, in the order they apply.
    void setRules(const QList<DeploymentRule> &rules);
    void clear();
    void refreshAges();

    const QList<DeploymentRule> &rules() const { return m_rules; }
    // The rules that name a component, in order.
    QList<DeploymentRule> rulesFor(const QString &component) const;

    void setClockForTest(Clock clock);

private:
    QVariant display(const DeploymentRule &rule, int column) const;
    bool applyInPlace(const QList<DeploymentRule> &rules);

    QList<DeploymentRule> m_rules;
    Clock m_clock;
};

} // namespace Keel
