#include "common/statuscolors.h"
#include "metrics/livemetrics.h"
#include "nodes/nodefilterproxy.h"
#include "nodes/nodetablemodel.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace Keel;

namespace {

const QDateTime kNow = QDateTime(QDate(2024, 5, 1), QTime(12, 0, 0), Qt::UTC);

Node makeNode(const QString &name, const QString &region, NodeStatus status = NodeStatus::Ready)
{
    Node node;
    node.name = name;
    node.region = region;
    node.site = region + QStringLiteral("-a");
    node.jurisdiction = region.left(2).toUpper();
    node.status = status;
    node.agentVersion = QStringLiteral("0.1.0");
    node.lastSeen = kNow.addSecs(-42);
    node.labels = {{QStringLiteral("tier"), QStringLiteral("edge")}, {QStringLiteral("arch"), QStringLiteral("x86_64")}};
    return node;
}

QList<Node> threeNodes()
{
    return {makeNode(QStringLiteral("edge-1"), QStringLiteral("eu-west")),
            makeNode(QStringLiteral("edge-2"), QStringLiteral("us-east")),
            makeNode(QStringLiteral("edge-3"), QStringLiteral("in-south"), NodeStatus::Unreachable)};
}

} // namespace

class tst_NodeTableModel final : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_model = std::make_unique<NodeTableModel>();
        m_model->setClockForTest([] { return kNow; });
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    }

    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void startsEmpty()
    {
        QCOMPARE(m_model->rowCount(), 0);
        QCOMPARE(m_model->columnCount(), int(NodeTableModel::ColumnCount));
        QCOMPARE(m_model->nodeCount(), 0);
        QCOMPARE(m_model->count(NodeStatus::Ready), 0);
    }

    void setNodesResets()
    {
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        QSignalSpy counts(m_model.get(), &NodeTableModel::countsChanged);
        m_model->setNodes(threeNodes());
        QCOMPARE(reset.count(), 1);
        QCOMPARE(counts.count(), 1);
        QCOMPARE(m_model->rowCount(), 3);
        QCOMPARE(m_model->nodeCount(), 3);
        QCOMPARE(m_model->rowOf(QStringLiteral("edge-2")), 1);
        QCOMPARE(m_model->index(0, NodeTableModel::NameColumn).data().toString(), QStringLiteral("edge-1"));
        QCOMPARE(m_model->index(1, NodeTableModel::RegionColumn).data().toString(), QStringLiteral("us-east"));
        QCOMPARE(m_model->index(1, NodeTableModel::SiteColumn).data().toString(), QStringLiteral("us-east-a"));
        QCOMPARE(m_model->index(2, NodeTableModel::JurisdictionColumn).data().toString(), QStringLiteral("IN"));
        QCOMPARE(m_model->index(2, NodeTableModel::StatusColumn).data().toString(), QStringLiteral("unreachable"));
        QCOMPARE(m_model->index(0, NodeTableModel::AgentVersionColumn).data().toString(), QStringLiteral("0.1.0"));
        QCOMPARE(m_model->index(0, NodeTableModel::LastSeenColumn).data().toString(), QStringLiteral("live"));
        QCOMPARE(m_model->index(2, NodeTableModel::LastSeenColumn).data().toString(), QStringLiteral("42 s ago"));
        QCOMPARE(m_model->index(0, NodeTableModel::LabelsColumn).data().toString(), QStringLiteral("arch=x86_64, tier=edge"));

        m_model->setNodes({});
        QCOMPARE(reset.count(), 2);
        QCOMPARE(m_model->rowCount(), 0);
    }

    void joinedInsertsOneRow()
    {
        m_model->setNodes(threeNodes());
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        QSignalSpy aboutToInsert(m_model.get(), &QAbstractItemModel::rowsAboutToBeInserted);
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);

        m_model->applyChange({NodeChange::Kind::Joined, makeNode(QStringLiteral("edge-4"), QStringLiteral("eu-west"))});

        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(aboutToInsert.count(), 1);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 3);
        QCOMPARE(inserted.first().at(2).toInt(), 3);
        QCOMPARE(m_model->rowCount(), 4);
        QCOMPARE(m_model->index(3, NodeTableModel::NameColumn).data().toString(), QStringLiteral("edge-4"));
        QCOMPARE(m_model->rowOf(QStringLiteral("edge-4")), 3);
    }

    void statusChangesTouchOnlyThatRow_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("expectedRow");
        QTest::addColumn<int>("ready");
        QTest::addColumn<int>("unreachable");
        QTest::newRow("unreachable") << int(NodeChange::Kind::Unreachable) << QStringLiteral("edge-2")
                                     << int(NodeStatus::Unreachable) << 1 << 1 << 2;
        QTest::newRow("ready") << int(NodeChange::Kind::Ready) << QStringLiteral("edge-3")
                               << int(NodeStatus::Ready) << 2 << 3 << 0;
    }

    void statusChangesTouchOnlyThatRow()
    {
        QFETCH(int, kind);
        QFETCH(QString, name);
        QFETCH(int, status);
        QFETCH(int, expectedRow);
        QFETCH(int, ready);
        QFETCH(int, unreachable);

        m_model->setNodes(threeNodes());
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy counts(m_model.get(), &NodeTableModel::countsChanged);

        Node node = m_model->nodeAt(expectedRow);
        node.status = NodeStatus(status);
        m_model->applyChange({NodeChange::Kind(kind), node});

        QCOMPARE(reset.count(), 0);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(changed.count(), 1);
        const auto topLeft = changed.first().at(0).value<QModelIndex>();
        const auto bottomRight = changed.first().at(1).value<QModelIndex>();
        QCOMPARE(topLeft.row(), expectedRow);
        QCOMPARE(bottomRight.row(), expectedRow);
        QVERIFY(topLeft.column() <= NodeTableModel::StatusColumn);
        QVERIFY(bottomRight.column() >= NodeTableModel::StatusColumn);
        QCOMPARE(counts.count(), 1);
        QCOMPARE(m_model->index(expectedRow, NodeTableModel::StatusColumn).data(NodeTableModel::StatusRole).toInt(), status);
        QCOMPARE(m_model->count(NodeStatus::Ready), ready);
        QCOMPARE(m_model->count(NodeStatus::Unreachable), unreachable);
    }

    void updatedReplacesRowInPlace()
    {
        m_model->setNodes(threeNodes());
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        Node node = m_model->nodeAt(0);
        node.agentVersion = QStringLiteral("0.2.0");
        node.labels.insert(QStringLiteral("canary"), QStringLiteral("yes"));
        m_model->applyChange({NodeChange::Kind::Updated, node});
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).value<QModelIndex>().row(), 0);
        QCOMPARE(m_model->rowCount(), 3);
        QCOMPARE(m_model->index(0, NodeTableModel::AgentVersionColumn).data().toString(), QStringLiteral("0.2.0"));
        QVERIFY(m_model->index(0, NodeTableModel::LabelsColumn).data().toString().contains(QStringLiteral("canary=yes")));

        // The same state again is not a change.
        m_model->applyChange({NodeChange::Kind::Updated, node});
        QCOMPARE(changed.count(), 1);
    }

    void changeForUnknownNodeInserts()
    {
        // An event that races the first list must still show the node.
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        m_model->applyChange({NodeChange::Kind::Ready, makeNode(QStringLiteral("edge-9"), QStringLiteral("eu-west"))});
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(m_model->rowCount(), 1);
    }

    void roles()
    {
        m_model->setNodes(threeNodes());
        const QModelIndex any = m_model->index(2, NodeTableModel::LabelsColumn);
        QCOMPARE(any.data(NodeTableModel::NameRole).toString(), QStringLiteral("edge-3"));
        QCOMPARE(any.data(NodeTableModel::RegionRole).toString(), QStringLiteral("in-south"));
        QCOMPARE(any.data(NodeTableModel::SiteRole).toString(), QStringLiteral("in-south-a"));
        QCOMPARE(any.data(NodeTableModel::JurisdictionRole).toString(), QStringLiteral("IN"));
        QCOMPARE(any.data(NodeTableModel::StatusRole).toInt(), int(NodeStatus::Unreachable));
        QCOMPARE(any.data(NodeTableModel::AgentVersionRole).toString(), QStringLiteral("0.1.0"));
        QCOMPARE(any.data(NodeTableModel::LastSeenRole).toDateTime(), kNow.addSecs(-42));
        QCOMPARE(any.data(NodeTableModel::LabelsRole).toMap().value(QStringLiteral("tier")).toString(), QStringLiteral("edge"));
        QVERIFY(NodeTableModel::NameRole == Qt::UserRole + 1);

        const QHash<int, QByteArray> names = m_model->roleNames();
        QCOMPARE(names.value(NodeTableModel::NameRole), QByteArray("name"));
        QCOMPARE(names.value(NodeTableModel::LastSeenRole), QByteArray("lastSeen"));
        QCOMPARE(names.value(Qt::DisplayRole), QByteArray("display"));
    }

    void statusDecorationAndForeground()
    {
        m_model->setNodes(threeNodes());
        const QModelIndex ready = m_model->index(0, NodeTableModel::StatusColumn);
        const QModelIndex unreachable = m_model->index(2, NodeTableModel::StatusColumn);
        QCOMPARE(ready.data().toString(), QStringLiteral("ready"));
        QCOMPARE(ready.data(Qt::DecorationRole).typeId(), int(QMetaType::QColor));
        QCOMPARE(unreachable.data(Qt::DecorationRole).typeId(), int(QMetaType::QColor));
        const QColor green = ready.data(Qt::DecorationRole).value<QColor>();
        const QColor red = unreachable.data(Qt::DecorationRole).value<QColor>();
        QVERIFY(green.green() > green.red());
        QVERIFY(red.red() > red.green());
        QVERIFY(!ready.data(Qt::ForegroundRole).isValid());
        QCOMPARE(unreachable.data(Qt::ForegroundRole).value<QColor>(), red);
        // Only the status cell carries the dot.
        QVERIFY(!m_model->index(0, NodeTableModel::NameColumn).data(Qt::DecorationRole).isValid());
    }

    void lastSeen_data()
    {
        QTest::addColumn<qint64>("secondsAgo");
        QTest::addColumn<QString>("expected");
        QTest::newRow("now") << qint64(0) << QStringLiteral("just now");
        QTest::newRow("future") << qint64(-30) << QStringLiteral("just now");
        QTest::newRow("seconds") << qint64(59) << QStringLiteral("59 s ago");
        QTest::newRow("minutes") << qint64(5 * 60 + 3) << QStringLiteral("5 min ago");
        QTest::newRow("hours") << qint64(3 * 3600) << QStringLiteral("3 h ago");
        QTest::newRow("days") << qint64(2 * 86400 + 1) << QStringLiteral("2 d ago");
    }

    void lastSeen()
    {
        QFETCH(qint64, secondsAgo);
        QFETCH(QString, expected);
        Node node = makeNode(QStringLiteral("edge-1"), QStringLiteral("eu-west"), NodeStatus::Unreachable);
        node.lastSeen = kNow.addSecs(-secondsAgo);
        m_model->setNodes({node});
        const QModelIndex cell = m_model->index(0, NodeTableModel::LastSeenColumn);
        QCOMPARE(cell.data().toString(), expected);
        QCOMPARE(cell.data(Qt::ToolTipRole).toString(), node.lastSeen.toString(Qt::ISODate));
        QCOMPARE(cell.data(NodeTableModel::SortRole).toDateTime(), node.lastSeen);
    }

    void readyNodeIsLive()
    {
        m_model->setNodes({makeNode(QStringLiteral("edge-1"), QStringLiteral("eu-west"))});
        const QModelIndex cell = m_model->index(0, NodeTableModel::LastSeenColumn);
        QCOMPARE(cell.data().toString(), QStringLiteral("live"));
        QVERIFY(cell.data(Qt::ToolTipRole).toString().contains(kNow.addSecs(-42).toString(Qt::ISODate)));
        // "Live" sorts after any time a node was last seen, without asking the clock.
        QVERIFY(cell.data(NodeTableModel::SortRole).toDateTime() > kNow.addYears(100));
    }

    // Not connected: a node that was ready is not "live" any more, it is unknown.
    void staleRowsAreNotLive()
    {
        m_model->setNodes(threeNodes());
        QCOMPARE(m_model->index(0, NodeTableModel::LastSeenColumn).data().toString(), QStringLiteral("live"));
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        m_model->setStale(true);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(m_model->index(0, NodeTableModel::LastSeenColumn).data().toString(), QStringLiteral("unknown"));
        QVERIFY(m_model->index(0, NodeTableModel::LastSeenColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("Not connected")));
        QCOMPARE(m_model->index(2, NodeTableModel::LastSeenColumn).data().toString(), QStringLiteral("42 s ago")); // unchanged
        m_model->setStale(false);
        QCOMPARE(m_model->index(0, NodeTableModel::LastSeenColumn).data().toString(), QStringLiteral("live"));
    }

    void lastSeenNever()
    {
        Node node = makeNode(QStringLiteral("edge-1"), QStringLiteral("eu-west"), NodeStatus::Unreachable);
        node.lastSeen = {};
        m_model->setNodes({node});
        QCOMPARE(m_model->index(0, NodeTableModel::LastSeenColumn).data().toString(), QStringLiteral("never"));
        QVERIFY(!m_model->index(0, NodeTableModel::LastSeenColumn).data(Qt::ToolTipRole).isValid());
    }

    void refreshAgesTouchesOnlyTimeBoundColumns()
    {
        m_model->setNodes(threeNodes());
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        m_model->setClockForTest([] { return kNow.addSecs(60); });
        QCOMPARE(changed.count(), 1);
        // The live numbers (a reading goes idle when reports stop) through "last seen".
        QCOMPARE(changed.first().at(0).value<QModelIndex>(), m_model->index(0, NodeTableModel::RequestsColumn));
        QCOMPARE(changed.first().at(1).value<QModelIndex>(), m_model->index(2, NodeTableModel::LastSeenColumn));
        QCOMPARE(m_model->index(0, NodeTableModel::LastSeenColumn).data().toString(), QStringLiteral("live"));
        QCOMPARE(m_model->index(2, NodeTableModel::LastSeenColumn).data().toString(), QStringLiteral("1 min ago"));
    }

    void headerData()
    {
        const QStringList expected{QStringLiteral("Name"), QStringLiteral("Region"), QStringLiteral("Site"),
                                   QStringLiteral("Jurisdiction"), QStringLiteral("Status"), QStringLiteral("Generation"),
                                   QStringLiteral("Req/s"), QStringLiteral("p99 (ms)"), QStringLiteral("RSS (MiB)"),
                                   QStringLiteral("Last seen"), QStringLiteral("Agent version"), QStringLiteral("Components"),
                                   QStringLiteral("Labels")};
        QCOMPARE(expected.size(), m_model->columnCount());
        for (int column = 0; column < expected.size(); ++column)
            QCOMPARE(m_model->headerData(column, Qt::Horizontal).toString(), expected.at(column));
        QVERIFY(!m_model->headerData(0, Qt::Horizontal, Qt::DecorationRole).isValid());
    }

    // Each node's live reading, one row at a time as its report arrives; numbers sort as
    // numbers, and a node that stopped reporting reads idle.
    void liveNumbers()
    {
        LiveMetrics live;
        QDateTime now = kNow;
        live.setClockForTest([&] { return now; });
        m_model->setLiveMetrics(&live);
        m_model->setNodes(threeNodes());
        QCOMPARE(m_model->index(0, NodeTableModel::RequestsColumn).data().toString(), QStringLiteral("–"));
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        MetricsWindow w;
        w.windowEnd = kNow;
        w.node = m_model->nodeAt(1).name;
        w.region = m_model->nodeAt(1).region;
        w.requestsPerSecond = 123.4;
        w.p99Ms = 4.25;
        w.rssBytes = 12 * 1024 * 1024 + 512 * 1024;
        live.add(w);
        // Announced in a batch, a moment later: one dataChanged over the rows touched.
        QCOMPARE(changed.count(), 0);
        QTRY_COMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).value<QModelIndex>(), m_model->index(1, NodeTableModel::RequestsColumn));
        QCOMPARE(changed.first().at(1).value<QModelIndex>(), m_model->index(1, NodeTableModel::RssColumn));
        QCOMPARE(m_model->index(1, NodeTableModel::RequestsColumn).data().toString(), QStringLiteral("123"));
        QCOMPARE(m_model->index(1, NodeTableModel::P99Column).data().toString(), QStringLiteral("4.25"));
        QCOMPARE(m_model->index(1, NodeTableModel::RssColumn).data().toString(), QStringLiteral("12.5"));
        QCOMPARE(m_model->index(1, NodeTableModel::RequestsColumn).data(NodeTableModel::SortRole).toDouble(), 123.4);
        QCOMPARE(m_model->index(0, NodeTableModel::RequestsColumn).data(NodeTableModel::SortRole).toDouble(), -1.0);
        QCOMPARE(int(m_model->index(1, NodeTableModel::P99Column).data(Qt::TextAlignmentRole).toInt()),
                 int(Qt::AlignRight | Qt::AlignVCenter));
        QVERIFY(m_model->index(1, NodeTableModel::P99Column).data(Qt::ToolTipRole).toString().contains(QStringLiteral("p99 4.25 ms")));

        // No report for longer than the live window: idle, memory still shown.
        now = kNow.addSecs(LiveMetrics::kFreshSeconds + 1);
        QCOMPARE(m_model->index(1, NodeTableModel::RequestsColumn).data().toString(), QStringLiteral("0.0"));
        QCOMPARE(m_model->index(1, NodeTableModel::P99Column).data().toString(), QStringLiteral("–"));
        QCOMPARE(m_model->index(1, NodeTableModel::RssColumn).data().toString(), QStringLiteral("12.5"));
        m_model->setLiveMetrics(nullptr);
    }

    // The fleet table's proxy sorts through NodeTableModel::lessThan (typed keys kept per
    // row); every column must come out in the order a plain proxy gets from SortRole.
    void lessThanOrdersAsSortRole()
    {
        LiveMetrics live;
        live.setClockForTest([] { return kNow; });
        m_model->setLiveMetrics(&live);
        QList<Node> nodes;
        const QStringList names{QStringLiteral("edge-b"), QStringLiteral("Edge-a"), QStringLiteral("edge-C"), QStringLiteral("alpha"),
                                QStringLiteral("edge-10"), QStringLiteral("edge-9"), QStringLiteral("zulu")};
        for (int i = 0; i < names.size(); ++i) {
            Node n = makeNode(names.at(i), i % 2 ? QStringLiteral("us-east") : QStringLiteral("EU-west"),
                              i % 3 == 0 ? NodeStatus::Unreachable : NodeStatus::Ready);
            n.lastSeen = i == 3 ? QDateTime() : kNow.addSecs(-10 * i);
            n.desiredGeneration = 5;
            n.ackedGeneration = 5 - i % 3;
            n.agentVersion = i % 2 ? QStringLiteral("0.2.0") : QStringLiteral("0.10.0");
            n.labels = {{QStringLiteral("tier"), i % 2 ? QStringLiteral("Edge") : QStringLiteral("core")}};
            if (i % 3 == 1)
                n.components = {{QStringLiteral("hash"), QStringLiteral("1.0.0"), ComponentStatus::State::Running, RuntimeTier::Aot, {}}};
            nodes.append(n);
        }
        m_model->setNodes(nodes);
        for (int i = 0; i < names.size(); i += 2) { // some with readings (one idle: no latency), some without
            MetricsWindow w;
            w.windowEnd = kNow;
            w.node = names.at(i);
            w.requestsPerSecond = i == 4 ? 0 : 100.0 / (i + 1);
            w.p99Ms = i * 1.5;
            w.rssBytes = quint64(20 - i) << 20;
            live.add(w);
        }
        NodeFilterProxy typed;
        typed.setSourceModel(m_model.get());
        QAbstractItemModelTester tester(&typed, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSortFilterProxyModel plain; // QVariants of SortRole, compared as NodeFilterProxy sets them up
        plain.setSourceModel(m_model.get());
        plain.setSortRole(NodeTableModel::SortRole);
        plain.setSortCaseSensitivity(Qt::CaseInsensitive);
        for (int column = 0; column < NodeTableModel::ColumnCount; ++column) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                typed.sort(column, order);
                plain.sort(column, order);
                for (int row = 0; row < typed.rowCount(); ++row)
                    QCOMPARE(typed.index(row, NodeTableModel::NameColumn).data().toString(),
                             plain.index(row, NodeTableModel::NameColumn).data().toString());
            }
        }
        // A reading arriving re-sorts a proxy sorted by that live column.
        typed.sort(NodeTableModel::RequestsColumn, Qt::DescendingOrder);
        MetricsWindow w;
        w.windowEnd = kNow;
        w.node = QStringLiteral("zulu");
        w.requestsPerSecond = 1e6;
        live.add(w);
        m_model->flushLiveUpdates();
        QCOMPARE(typed.index(0, NodeTableModel::NameColumn).data().toString(), QStringLiteral("zulu"));
        m_model->setLiveMetrics(nullptr);
    }

    // What a node runs, and whether it runs what it should: "6" in sync, "4 → 6" while it
    // catches up (amber), a failed component red with the reason in the tooltip.
    void componentsAndGeneration()
    {
        QList<Node> nodes = threeNodes();
        nodes[0].desiredGeneration = nodes[0].ackedGeneration = 6;
        nodes[0].components = {{QStringLiteral("echo"), QStringLiteral("1.0.0"), ComponentStatus::State::Running, RuntimeTier::Aot, {}},
                               {QStringLiteral("hash"), QStringLiteral("1.0.0"), ComponentStatus::State::Running, RuntimeTier::Interpreter, {}}};
        nodes[1].desiredGeneration = 6;
        nodes[1].ackedGeneration = 4;
        nodes[2].desiredGeneration = 7;
        nodes[2].ackedGeneration = 6;
        nodes[2].components = {{QStringLiteral("echo"), QStringLiteral("2.0.0"), ComponentStatus::State::Failed, {},
                                QStringLiteral("import keel:platform/kv not granted")}};
        m_model->setNodes(nodes);
        auto cell = [&](int row, int column, int role = Qt::DisplayRole) { return m_model->index(row, column).data(role); };
        QCOMPARE(cell(0, NodeTableModel::ComponentsColumn).toString(), QStringLiteral("echo@1.0.0, hash@1.0.0"));
        QVERIFY(cell(0, NodeTableModel::ComponentsColumn, Qt::ToolTipRole).toString().contains(QStringLiteral("hash@1.0.0: running (interp)")));
        QCOMPARE(cell(0, NodeTableModel::GenerationColumn).toString(), QStringLiteral("6"));
        QVERIFY(cell(0, NodeTableModel::NameColumn, NodeTableModel::InSyncRole).toBool());
        QVERIFY(!cell(0, NodeTableModel::GenerationColumn, Qt::ForegroundRole).isValid());
        QCOMPARE(cell(1, NodeTableModel::GenerationColumn).toString(), QStringLiteral("4 → 6"));
        QCOMPARE(cell(1, NodeTableModel::GenerationColumn, Qt::ForegroundRole).value<QColor>(), StatusColors::degraded());
        QCOMPARE(cell(1, NodeTableModel::GenerationColumn, NodeTableModel::SortRole).toLongLong(), 2);
        QCOMPARE(cell(2, NodeTableModel::ComponentsColumn).toString(), QStringLiteral("echo@2.0.0 (failed)"));
        QCOMPARE(cell(2, NodeTableModel::GenerationColumn, Qt::ForegroundRole).value<QColor>(), StatusColors::failing());
        QVERIFY(cell(2, NodeTableModel::ComponentsColumn, Qt::ToolTipRole).toString().contains(QStringLiteral("not granted")));
        QVERIFY(cell(2, NodeTableModel::GenerationColumn, Qt::ToolTipRole).toString().contains(QStringLiteral("Refused generation 7")));
    }

    void countAndClear()
    {
        m_model->setNodes(threeNodes());
        QCOMPARE(m_model->count(NodeStatus::Ready), 2);
        QCOMPARE(m_model->count(NodeStatus::Unreachable), 1);
        QSignalSpy counts(m_model.get(), &NodeTableModel::countsChanged);
        m_model->clear();
        QCOMPARE(counts.count(), 1);
        QCOMPARE(m_model->rowCount(), 0);
        QCOMPARE(m_model->count(NodeStatus::Ready), 0);
        QCOMPARE(m_model->rowOf(QStringLiteral("edge-1")), -1);
    }

private:
    std::unique_ptr<NodeTableModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(tst_NodeTableModel)
#include "tst_nodetablemodel.moc"
