#include "fleetselection.h"

namespace Keel {

FleetSelection::FleetSelection(QObject *parent)
    : QObject(parent)
{
}

void FleetSelection::selectNode(const QString &node, const QString &region)
{
    if (!region.isEmpty() && region != m_region) {
        m_region = region;
        emit regionSelected(m_region);
    }
    if (node == m_node)
        return;
    m_node = node;
    emit nodeSelected(m_node);
}

void FleetSelection::selectRegion(const QString &region)
{
    if (region == m_region)
        return;
    m_region = region;
    emit regionSelected(m_region);
    if (!m_node.isEmpty()) {
        m_node.clear();
        emit nodeSelected(m_node);
    }
}

void FleetSelection::clear()
{
    selectRegion({});
    selectNode({});
}

void FleetSelection::openNode(const QString &node)
{
    selectNode(node);
    emit nodeOpened(node);
}

} // namespace Keel
