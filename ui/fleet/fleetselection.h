#pragma once

#include <QObject>
#include <QString>

namespace Keel {

// What the operator has selected, shared by every pane: a node selected on the map is
// the node selected in the table. Setting the same value again emits nothing, so panes
// can follow each other without loops.
class FleetSelection final : public QObject
{
    Q_OBJECT

public:
    explicit FleetSelection(QObject *parent = nullptr);

    QString node() const { return m_node; }
    QString region() const { return m_region; }

    // Selecting a node also selects its region (pass it when known).
    void selectNode(const QString &node, const QString &region = {});
    // Selecting another region clears the node.
    void selectRegion(const QString &region);
    void clear();
    // Selects the node and asks for its detail (Enter, double-click).
    void openNode(const QString &node);

signals:
    void nodeSelected(const QString &node);
    void regionSelected(const QString &region);
    // The operator asked to see the node's detail.
    void nodeOpened(const QString &node);

private:
    QString m_node;
    QString m_region;
};

} // namespace Keel
