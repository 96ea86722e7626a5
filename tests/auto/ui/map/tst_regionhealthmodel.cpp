#include "map/regionhealthmodel.h"
#include "map/regionnodesproxy.h"
#include "nodes/nodetablemodel.h"
#include "regions/regionlistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Keel;
using Health = RegionHealthModel::Health;

namespace {

Node node(const QString &name, const QString &region, NodeStatus status, const QString &site = {})
{
    Node n;
    n.name = name;
    n.region = region;
    n.site = site.isEmpty() ? region + QStringLiteral("-a") : site;
    n.status = status;
    return n;
}

Region region(const QString &name, const QString &jurisdiction, double lat, double lon)
{
    return {name, jurisdiction, lat, lon, {name + QStringLiteral("-a"), name + QStringLiteral("-b")}};
}

} // namespace

class tst_RegionHealthModel final : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_nodes = std::make_unique<NodeTableModel>();
        m_regions = std::make_unique<RegionListModel>();
        m_model = std::make_unique<RegionHealthModel>(m_regions.get(), m_nodes.get());
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
        m_regions.reset();
        m_nodes.reset();
    }

    void oneRowPerRegionWithWhereItIs()
    {
        QCOMPARE(m_model->rowCount(), 0);
        m_regions->setRegions({region("eu-west", "EU", 53.35, -6.26), region("us-east", "US", 38.9, -77.04)});
        QCOMPARE(m_model->rowCount(), 2);
        const QModelIndex eu = m_model->index(0);
        QCOMPARE(eu.data(RegionHealthModel::NameRole).toString(), QStringLiteral("eu-west"));
        QCOMPARE(eu.data(Qt::DisplayRole).toString(), QStringLiteral("eu-west (EU)"));
        QCOMPARE(eu.data(RegionHealthModel::LatitudeRole).toDouble(), 53.35);
        QCOMPARE(eu.data(RegionHealthModel::LongitudeRole).toDouble(), -6.26);
        QCOMPARE(eu.data(RegionHealthModel::HealthRole).toInt(), int(Health::NoNodes));
        QCOMPARE(eu.data(RegionHealthModel::TotalRole).toInt(), 0);
        QCOMPARE(m_model->rowOf(QStringLiteral("us-east")), 1);
    }

    void countsFollowTheNodes()
    {
        m_regions->setRegions({region("eu-west", "EU", 53.35, -6.26), region("us-east", "US", 38.9, -77.04)});
        m_nodes->setNodes({node("e1", "eu-west", NodeStatus::Ready), node("e2", "eu-west", NodeStatus::Ready),
                           node("u1", "us-east", NodeStatus::Ready)});
        QCOMPARE(m_model->health(QStringLiteral("eu-west")), Health::Ready);
        QCOMPARE(m_model->counts(QStringLiteral("eu-west")), (RegionHealthModel::Counts{2, 2, 0}));
        QCOMPARE(m_model->nodeRows(QStringLiteral("eu-west")), (QList<int>{0, 1}));

        // One node of two unreachable: amber; only its region's row changes.
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        m_nodes->applyChange({NodeChange::Kind::Unreachable, node("e1", "eu-west", NodeStatus::Unreachable)});
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), 0);
        QCOMPARE(m_model->health(QStringLiteral("eu-west")), Health::Degraded);
        QCOMPARE(m_model->index(0).data(RegionHealthModel::UnreachableRole).toInt(), 1);
        QCOMPARE(m_model->index(0).data(Qt::DecorationRole).value<QColor>(), RegionHealthModel::healthColor(Health::Degraded));
        QVERIFY(m_model->index(0).data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("degraded")));

        // Both: red. A change that moves no count announces nothing.
        m_nodes->applyChange({NodeChange::Kind::Unreachable, node("e2", "eu-west", NodeStatus::Unreachable)});
        QCOMPARE(m_model->health(QStringLiteral("eu-west")), Health::Down);
        changed.clear();
        Node relabelled = node("e2", "eu-west", NodeStatus::Unreachable);
        relabelled.agentVersion = QStringLiteral("0.2.0");
        m_nodes->applyChange({NodeChange::Kind::Updated, relabelled});
        QCOMPARE(changed.size(), 0);

        // A new node joins: counted.
        m_nodes->applyChange({NodeChange::Kind::Joined, node("u2", "us-east", NodeStatus::Ready)});
        QCOMPARE(m_model->counts(QStringLiteral("us-east")), (RegionHealthModel::Counts{2, 2, 0}));
        QCOMPARE(m_model->nodeRows(QStringLiteral("us-east")), (QList<int>{2, 3}));

        // Cleared (another server): back to no nodes.
        m_nodes->clear();
        QCOMPARE(m_model->health(QStringLiteral("us-east")), Health::NoNodes);
    }

    void nodesBeforeRegionsAreCountedOnceTheyArrive()
    {
        m_nodes->setNodes({node("a1", "ap-south", NodeStatus::Ready)});
        QCOMPARE(m_model->rowCount(), 0);
        m_regions->upsertRegions({region("ap-south", "IN", 19.08, 72.88)});
        QCOMPARE(m_model->rowCount(), 1);
        QCOMPARE(m_model->index(0).data(RegionHealthModel::ReadyRole).toInt(), 1);
    }

    void regionNodesListsOneRegionBySite()
    {
        m_nodes->setNodes({node("e2", "eu-west", NodeStatus::Ready, "eu-west-b"),
                           node("u1", "us-east", NodeStatus::Ready),
                           node("e1", "eu-west", NodeStatus::Unreachable, "eu-west-a"),
                           node("e3", "eu-west", NodeStatus::Ready, "eu-west-a")});
        RegionNodesProxy proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(m_nodes.get());
        proxy.sort(1); // site
        QCOMPARE(proxy.rowCount(), 0); // no region: nothing
        proxy.setRegion(QStringLiteral("eu-west"));
        QCOMPARE(proxy.rowCount(), 3);
        QCOMPARE(proxy.columnCount(), 3); // name, site, status
        QCOMPARE(proxy.nodeAt(0), QStringLiteral("e1"));
        QCOMPARE(proxy.nodeAt(1), QStringLiteral("e3"));
        QCOMPARE(proxy.nodeAt(2), QStringLiteral("e2"));
        QCOMPARE(proxy.index(0, 2).data().toString(), QStringLiteral("unreachable"));
        QVERIFY(proxy.index(0, 2).data(Qt::DecorationRole).canConvert<QColor>());
        QCOMPARE(proxy.rowOfNode(QStringLiteral("e2")), 2);
        QCOMPARE(proxy.rowOfNode(QStringLiteral("u1")), -1);
        m_nodes->applyChange({NodeChange::Kind::Joined, node("e4", "eu-west", NodeStatus::Ready, "eu-west-b")});
        QCOMPARE(proxy.rowCount(), 4);
    }

private:
    std::unique_ptr<NodeTableModel> m_nodes;
    std::unique_ptr<RegionListModel> m_regions;
    std::unique_ptr<RegionHealthModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(tst_RegionHealthModel)
#include "tst_regionhealthmodel.moc"
