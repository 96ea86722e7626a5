#include "regionlistmodel.h"

#include <algorithm>

namespace Keel {

RegionListModel::RegionListModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int RegionListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_regions.size());
}

QVariant RegionListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Region &region = m_regions.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return region.jurisdiction.isEmpty() ? region.name
                                             : QStringLiteral("%1 (%2)").arg(region.name, region.jurisdiction);
    case Qt::ToolTipRole:
        return region.sites.isEmpty() ? tr("No sites") : tr("Sites: %1").arg(region.sites.join(QStringLiteral(", ")));
    case NameRole: return region.name;
    case JurisdictionRole: return region.jurisdiction;
    case LatitudeRole: return region.latitude;
    case LongitudeRole: return region.longitude;
    case SitesRole: return region.sites;
    default: return {};
    }
}

QHash<int, QByteArray> RegionListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({
        {NameRole, "name"},
        {JurisdictionRole, "jurisdiction"},
        {LatitudeRole, "latitude"},
        {LongitudeRole, "longitude"},
        {SitesRole, "sites"},
    });
    return names;
}

void RegionListModel::setRegions(const QList<Region> &regions)
{
    // A topology change replaces the whole set; regions are few, so a reset is cheap.
    if (regions == m_regions)
        return;
    beginResetModel();
    m_regions = regions;
    endResetModel();
}

void RegionListModel::upsertRegions(const QList<Region> &regions)
{
    QList<Region> merged = m_regions;
    for (const Region &region : regions) {
        auto it = std::find_if(merged.begin(), merged.end(), [&](const Region &r) { return r.name == region.name; });
        if (it != merged.end())
            *it = region;
        else
            merged.append(region);
    }
    std::sort(merged.begin(), merged.end(), [](const Region &a, const Region &b) { return a.name < b.name; });
    setRegions(merged);
}

void RegionListModel::clear()
{
    setRegions({});
}

} // namespace Keel
