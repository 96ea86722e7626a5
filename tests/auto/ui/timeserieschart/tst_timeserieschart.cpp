#include "metrics/timeserieschart.h"
#include "nodes/nodehistory.h"

#include <QDateTimeAxis>
#include <QTest>
#include <QValueAxis>

using namespace Keel;

// The chart every pane uses: points appended in time order, trimmed as they scroll out,
// a y axis that follows what is visible, a read-out of every series at a time.
class tst_TimeSeriesChart : public QObject
{
    Q_OBJECT

private slots:
    void appendsTrimsAndReadsOut()
    {
        QDateTime now = QDateTime::fromSecsSinceEpoch(1795700000, Qt::UTC);
        TimeSeriesChart chart(QStringLiteral("Latency"), QStringLiteral("ms"));
        chart.setClockForTest([&] { return now; });
        chart.setRange(std::chrono::seconds(60));
        for (int i = 0; i < 10; ++i) {
            chart.append(QStringLiteral("p50"), now.addSecs(-90 + i * 10), 1.0 + i);
            chart.append(QStringLiteral("p99"), now.addSecs(-90 + i * 10), 10.0 + i);
        }
        QCOMPARE(chart.seriesNames(), (QStringList{QStringLiteral("p50"), QStringLiteral("p99")}));
        QCOMPARE(chart.pointCount(QStringLiteral("p50")), 10);
        // Older or equal times are ignored: a series stays in time order.
        chart.append(QStringLiteral("p50"), now.addSecs(-50), 99);
        QCOMPARE(chart.pointCount(QStringLiteral("p50")), 10);

        chart.advance();
        // 60 s shown: points from -60 s on, and one before so the line enters from the edge.
        QCOMPARE(chart.pointCount(QStringLiteral("p50")), 8);
        auto *y = qobject_cast<QValueAxis *>(chart.chart()->axes(Qt::Vertical).first());
        QVERIFY(y->max() >= 19 && y->max() <= 25);

        const QString readout = chart.readoutAt(now.addSecs(-21));
        QVERIFY2(readout.contains(QStringLiteral("p50: 8.00 ms")), qPrintable(readout));
        QVERIFY2(readout.contains(QStringLiteral("p99: 17.0 ms")), qPrintable(readout));

        // A hidden series leaves the read-out and the y range.
        chart.setSeriesVisible(QStringLiteral("p99"), false);
        QVERIFY(!chart.isSeriesVisible(QStringLiteral("p99")));
        QVERIFY(!chart.readoutAt(now.addSecs(-21)).contains(QStringLiteral("p99")));
        QVERIFY2(y->max() >= 10 && y->max() <= 15, qPrintable(QString::number(y->max())));

        chart.clear();
        QVERIFY(chart.seriesNames().isEmpty());
        QCOMPARE(chart.pointCount(QStringLiteral("p50")), 0);
    }

    void nodeHistoryTellsWhatChanged()
    {
        NodeHistory history;
        Node node;
        node.name = QStringLiteral("edge-1");
        node.region = QStringLiteral("eu-west");
        node.status = NodeStatus::Ready;
        node.desiredGeneration = node.ackedGeneration = 3;
        history.record({NodeChange::Kind::Updated, node}); // the baseline: nothing to tell
        QVERIFY(history.entries(node.name).isEmpty());

        node.status = NodeStatus::Unreachable;
        history.record({NodeChange::Kind::Unreachable, node});
        node.status = NodeStatus::Ready;
        node.desiredGeneration = 4;
        node.components = {{QStringLiteral("hash"), QStringLiteral("2.0.0"), ComponentStatus::State::Failed, {}, QStringLiteral("trap")}};
        history.record({NodeChange::Kind::Ready, node});
        const auto entries = history.entries(node.name);
        QCOMPARE(entries.size(), 4);
        QVERIFY(entries.at(0).text.contains(QStringLiteral("hash@2.0.0 failed: trap")));
        QVERIFY(entries.at(0).bad);
        QCOMPARE(entries.at(1).text, QStringLiteral("Sent desired state generation 4"));
        QCOMPARE(entries.at(2).text, QStringLiteral("Ready again"));
        QVERIFY(entries.at(3).text.startsWith(QStringLiteral("Unreachable")));
        QVERIFY(entries.at(3).bad);
    }
};

QTEST_MAIN(tst_TimeSeriesChart)
#include "tst_timeserieschart.moc"
