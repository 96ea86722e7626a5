#pragma once

#include "fleettypes.h"
#include "registrytypes.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QHash>
#include <QList>

#include <functional>

namespace Keel {

class NodeTableModel;

// What needs an operator's attention now, raised from the fleet's state and events: a
// node unreachable, a node that refused its desired state or whose component failed, an
// AOT build that failed. Each alert clears when its cause does (the node is back, the
// component runs, a later build of that component succeeds). Node alerts follow the
// node table row by row; AOT alerts come from build events.
class AlertModel final : public QAbstractListModel
{
    Q_OBJECT

public:
    enum class Severity { Warning, Critical };
    Q_ENUM(Severity)
    enum Role {
        KeyRole = Qt::UserRole + 1, // "unreachable:<node>", "failed:<node>:<component>", "aot:<component>@<version>"
        SeverityRole,               // int(Severity)
        RaisedRole,                 // QDateTime
        NodeRole,                   // the node it is about, if any
    };
    Q_ENUM(Role)

    struct Alert
    {
        QString key;
        Severity severity = Severity::Warning;
        QString text;
        QString node;
        QDateTime raised;
    };

    using Clock = std::function<QDateTime()>;

    explicit AlertModel(NodeTableModel *nodes, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    // An AOT build finished: a failure raises an alert, a success clears the component's.
    void onAotBuildFinished(const AotBuildFinished &event);
    void clear();

    int alertCount() const { return int(m_alerts.size()); }
    int count(Severity severity) const;
    bool contains(const QString &key) const;
    const Alert &alertAt(int row) const { return m_alerts.at(row); }

    void setClockForTest(Clock clock) { m_clock = std::move(clock); }

signals:
    void countsChanged();

private:
    void syncRows(int first, int last);
    void syncAll();
    void syncNode(const Node &node);
    void raise(Alert alert);
    void drop(const std::function<bool(const Alert &)> &matches);
    QDateTime now() const;

    NodeTableModel *m_nodes;
    QList<Alert> m_alerts; // newest first
    Clock m_clock;
};

} // namespace Keel
