#pragma once

#include <QSortFilterProxyModel>

namespace Keel {

// One region's nodes out of the fleet table, as the map's side panel lists them: name,
// site and status (dot and word) only, ordered by site, then name.
class RegionNodesProxy final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit RegionNodesProxy(QObject *parent = nullptr);

    // Empty: no rows.
    void setRegion(const QString &region);
    QString region() const { return m_region; }
    // The node's row here, or -1.
    int rowOfNode(const QString &node) const;
    QString nodeAt(int row) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool filterAcceptsColumn(int sourceColumn, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    QString m_region;
};

} // namespace Keel
