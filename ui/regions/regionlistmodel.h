#pragma once

#include "fleettypes.h"

#include <QAbstractListModel>
#include <QList>

namespace Keel {

// The fleet's topology: one row per region, as the control plane last reported it.
// Fed by FleetFeed; the nodes summary counts it today, the map pane will draw it.
class RegionListModel final : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        JurisdictionRole,
        LatitudeRole,  // double
        LongitudeRole, // double
        SitesRole,     // QStringList
    };
    Q_ENUM(Role)

    explicit RegionListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setRegions(const QList<Region> &regions);
    // A topology event names only the regions it created or updated.
    void upsertRegions(const QList<Region> &regions);
    void clear();
    int regionCount() const { return int(m_regions.size()); }
    const Region &regionAt(int row) const { return m_regions.at(row); }

private:
    QList<Region> m_regions;
};

} // namespace Keel
