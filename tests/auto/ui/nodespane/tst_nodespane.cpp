#include "nodes/nodespane.h"
#include "nodes/nodetablemodel.h"
#include "regions/regionlistmodel.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QTest>

using namespace Keel;

namespace {

Node makeNode(const QString &name, const QString &region, NodeStatus status, const QDateTime &lastSeen)
{
    Node node;
    node.name = name;
    node.region = region;
    node.site = region + QStringLiteral("-a");
    node.jurisdiction = region.left(2).toUpper();
    node.status = status;
    node.agentVersion = QStringLiteral("0.1.0");
    node.lastSeen = lastSeen;
    return node;
}

Region makeRegion(const QString &name)
{
    return {name, name.left(2).toUpper(), 0, 0, {name + QStringLiteral("-a")}};
}

} // namespace

class tst_NodesPane final : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        m_nodes = std::make_unique<NodeTableModel>();
        m_regions = std::make_unique<RegionListModel>();
        m_nodes->setNodes({makeNode(QStringLiteral("edge-ams-1"), QStringLiteral("eu-west"), NodeStatus::Ready, now.addSecs(-5)),
                           makeNode(QStringLiteral("edge-nyc-1"), QStringLiteral("us-east"), NodeStatus::Ready, now.addSecs(-300)),
                           makeNode(QStringLiteral("edge-bom-1"), QStringLiteral("in-south"), NodeStatus::Unreachable, now.addSecs(-60))});
        m_regions->setRegions({makeRegion(QStringLiteral("eu-west")), makeRegion(QStringLiteral("us-east")),
                               makeRegion(QStringLiteral("in-south"))});
        m_pane = std::make_unique<NodesPane>(m_nodes.get(), m_regions.get());
        m_pane->resize(900, 400);
        m_pane->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
        m_filter = m_pane->findChild<QLineEdit *>(QStringLiteral("nodeFilter"));
        m_view = m_pane->findChild<QTableView *>(QStringLiteral("nodeTable"));
        m_summary = m_pane->findChild<QLabel *>(QStringLiteral("nodeSummary"));
        m_placeholder = m_pane->findChild<QLabel *>(QStringLiteral("nodePlaceholder"));
        QVERIFY(m_filter && m_view && m_summary && m_placeholder);
    }

    void cleanup()
    {
        m_pane.reset();
        m_regions.reset();
        m_nodes.reset();
    }

    void showsAllRowsSortedByName()
    {
        QCOMPARE(m_view->model()->rowCount(), 3);
        QCOMPARE(m_view->model()->index(0, NodeTableModel::NameColumn).data().toString(), QStringLiteral("edge-ams-1"));
        QCOMPARE(m_view->model()->index(2, NodeTableModel::NameColumn).data().toString(), QStringLiteral("edge-nyc-1"));
        QVERIFY(m_view->isSortingEnabled());
        QCOMPARE(m_view->selectionBehavior(), QAbstractItemView::SelectRows);
        QVERIFY(m_placeholder->isHidden());
    }

    void filterNarrowsRows()
    {
        QTest::keyClicks(m_filter, QStringLiteral("us-"));
        QCOMPARE(m_view->model()->rowCount(), 1);
        QCOMPARE(m_view->model()->index(0, NodeTableModel::NameColumn).data().toString(), QStringLiteral("edge-nyc-1"));

        // Any column matches, case-insensitively: here the status.
        m_filter->clear();
        QCOMPARE(m_view->model()->rowCount(), 3);
        QTest::keyClicks(m_filter, QStringLiteral("UNREACH"));
        QCOMPARE(m_view->model()->rowCount(), 1);
        QCOMPARE(m_view->model()->index(0, NodeTableModel::NameColumn).data().toString(), QStringLiteral("edge-bom-1"));

        m_filter->setText(QStringLiteral("no-such-node"));
        QCOMPARE(m_view->model()->rowCount(), 0);
        QVERIFY(!m_placeholder->isHidden());
        QVERIFY(m_placeholder->text().contains(QStringLiteral("no-such-node")));
    }

    // "ready" as text also matches "unreachable"'s labels and more; the status filter
    // keeps exactly one status, and combines with the text.
    void statusFilterKeepsOneStatus()
    {
        auto *status = m_pane->findChild<QComboBox *>(QStringLiteral("statusFilter"));
        QVERIFY(status);
        status->setCurrentIndex(status->findText(QStringLiteral("Unreachable")));
        QCOMPARE(m_view->model()->rowCount(), 1);
        QCOMPARE(m_view->model()->index(0, NodeTableModel::NameColumn).data().toString(), QStringLiteral("edge-bom-1"));
        status->setCurrentIndex(status->findText(QStringLiteral("Ready")));
        QCOMPARE(m_view->model()->rowCount(), 2);
        m_filter->setText(QStringLiteral("us-east"));
        QCOMPARE(m_view->model()->rowCount(), 1);
        m_filter->setText(QStringLiteral("in-south"));
        QCOMPARE(m_view->model()->rowCount(), 0);
        QVERIFY(!m_placeholder->isHidden());
        m_filter->clear();
        status->setCurrentIndex(status->findText(QStringLiteral("All statuses")));
        QCOMPARE(m_view->model()->rowCount(), 3);
    }

    // Ctrl+C copies the selected rows as TSV with a header line, as shown.
    void copiesSelectionAsTsv()
    {
        m_view->setFocus();
        m_view->selectRow(0);
        QTest::keyClick(m_view, Qt::Key_C, Qt::ControlModifier);
        const QStringList lines = QApplication::clipboard()->text().split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines.at(0).startsWith(QStringLiteral("Name\tRegion\tSite\t")));
        QVERIFY(lines.at(1).startsWith(QStringLiteral("edge-ams-1\teu-west\teu-west-a\tEU\tready\t")));
        QCOMPARE(lines.at(1).count(u'\t'), lines.at(0).count(u'\t'));
        m_view->clearSelection();
        QCOMPARE(m_pane->selectionAsTsv().count(u'\n'), 4); // the header and every shown row
    }

    void filteredRowsFollowChanges()
    {
        m_filter->setText(QStringLiteral("ready"));
        QCOMPARE(m_view->model()->rowCount(), 2);
        Node node = m_nodes->nodeAt(m_nodes->rowOf(QStringLiteral("edge-bom-1")));
        node.status = NodeStatus::Ready;
        m_nodes->applyChange({NodeChange::Kind::Ready, node});
        QCOMPARE(m_view->model()->rowCount(), 3);
    }

    void sortsLastSeenByTime()
    {
        m_view->sortByColumn(NodeTableModel::LastSeenColumn, Qt::AscendingOrder);
        // Oldest first: the unreachable node, silent for 60 s, before the live ones.
        QCOMPARE(m_view->model()->index(0, NodeTableModel::NameColumn).data().toString(), QStringLiteral("edge-bom-1"));
        QCOMPARE(m_view->model()->index(0, NodeTableModel::LastSeenColumn).data().toString(), QStringLiteral("1 min ago"));
        QCOMPARE(m_view->model()->index(1, NodeTableModel::LastSeenColumn).data().toString(), QStringLiteral("live"));
        QCOMPARE(m_view->model()->index(2, NodeTableModel::LastSeenColumn).data().toString(), QStringLiteral("live"));
    }

    void summary()
    {
        QCOMPARE(m_summary->text(), QStringLiteral("3 nodes · 2 ready · 1 unreachable · 3 regions"));
        QCOMPARE(m_pane->summaryText(), m_summary->text());

        Node node = m_nodes->nodeAt(m_nodes->rowOf(QStringLiteral("edge-bom-1")));
        node.status = NodeStatus::Ready;
        m_nodes->applyChange({NodeChange::Kind::Ready, node});
        QCOMPARE(m_summary->text(), QStringLiteral("3 nodes · 3 ready · 0 unreachable · 3 regions"));

        m_nodes->setNodes({node});
        m_regions->setRegions({makeRegion(QStringLiteral("in-south"))});
        QCOMPARE(m_summary->text(), QStringLiteral("1 node · 1 ready · 0 unreachable · 1 region"));
    }

    void emptyFleetShowsHint()
    {
        m_nodes->clear();
        QCOMPARE(m_summary->text(), QStringLiteral("0 nodes · 0 ready · 0 unreachable · 3 regions"));
        QVERIFY(!m_placeholder->isHidden());
        QVERIFY(m_placeholder->text().contains(QStringLiteral("join-token")));
    }

    void staleBanner()
    {
        auto *banner = m_pane->findChild<QLabel *>(QStringLiteral("staleBanner"));
        QVERIFY(banner);
        QVERIFY(banner->isHidden());
        m_pane->setStale(true);
        QVERIFY(!banner->isHidden());
        // Stale rows stay visible: an operator still sees the fleet as it was.
        QCOMPARE(m_view->model()->rowCount(), 3);
        m_pane->setStale(false);
        QVERIFY(banner->isHidden());
    }

private:
    std::unique_ptr<NodeTableModel> m_nodes;
    std::unique_ptr<RegionListModel> m_regions;
    std::unique_ptr<NodesPane> m_pane;
    QLineEdit *m_filter = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_placeholder = nullptr;
};

QTEST_MAIN(tst_NodesPane)
#include "tst_nodespane.moc"
