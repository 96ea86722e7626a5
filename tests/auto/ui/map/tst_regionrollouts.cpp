// The map's rollout marks: RegionRollouts follows the rollout list and marks each region
// a wave is switching, baking or waiting for traffic in, says so only when a mark
// changes (not on every gate evaluation), and clears it when the wave or the rollout
// ends; the map paints a ring of the state's colour around the marked region's marker
// and its hover card names the rollout.
#include "map/mapframe.h"
#include "map/mapview.h"
#include "map/regionhealthmodel.h"
#include "map/regionrollouts.h"
#include "metrics/livemetrics.h"
#include "nodes/nodetablemodel.h"
#include "regions/regionlistmodel.h"
#include "rollouts/rolloutlistmodel.h"
#include "rollouts/rolloutstyle.h"

#include <QSignalSpy>
#include <QTest>

using namespace Keel;

namespace {

RolloutWave wave(int index, const QString &region, WaveState state)
{
    RolloutWave w;
    w.index = index;
    w.step = index;
    w.regions = {region};
    w.nodes = {QStringLiteral("edge-") + region};
    w.state = state;
    return w;
}

Rollout rollout()
{
    Rollout r;
    r.id = QStringLiteral("r-1a2b3c");
    r.spec.component = QStringLiteral("hash");
    r.spec.version = QStringLiteral("2.0.0");
    r.baselineVersion = QStringLiteral("1.0.0");
    r.state = RolloutState::Progressing;
    r.created = QDateTime::currentDateTimeUtc();
    r.waves = {wave(1, QStringLiteral("eu-west"), WaveState::Passed), wave(2, QStringLiteral("ap-south"), WaveState::Baking),
               wave(3, QStringLiteral("us-east"), WaveState::Pending), wave(4, QStringLiteral("us-east"), WaveState::Pending)};
    return r;
}

} // namespace

class tst_RegionRollouts final : public QObject
{
    Q_OBJECT

private slots:
    void marksTheRegionsAWaveWorksIn()
    {
        RolloutListModel list;
        RegionRollouts marks(&list);
        QSignalSpy changed(&marks, &RegionRollouts::changed);
        Rollout r = rollout();
        list.apply(r);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(marks.marks().keys(), QStringList{QStringLiteral("ap-south")});
        QCOMPARE(marks.mark(QStringLiteral("ap-south"))->text(), QStringLiteral("↻ hash 2.0.0 · wave 2/4 · baking"));
        QVERIFY(!marks.mark(QStringLiteral("eu-west")));

        // Gate evaluations change the rollout, not the marks.
        for (int i = 0; i < 5; ++i) {
            r.waves[1].gates = {{QStringLiteral("min_requests"), double(i), 10, false, true, quint64(i), {}}};
            list.apply(r);
        }
        QCOMPARE(changed.count(), 1);

        r.waves[1].state = WaveState::WaitingForTraffic;
        list.apply(r);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(marks.mark(QStringLiteral("ap-south"))->state, WaveState::WaitingForTraffic);

        r.waves[1].state = WaveState::Passed;
        r.waves[2].state = WaveState::Switching;
        list.apply(r);
        QCOMPARE(marks.marks().keys(), QStringList{QStringLiteral("us-east")});
        QCOMPARE(marks.mark(QStringLiteral("us-east"))->text(), QStringLiteral("↻ hash 2.0.0 · wave 3/4 · switching"));

        // A failure returns the nodes: nothing is being rolled out any more.
        r.waves[2].state = WaveState::Failed;
        r.state = RolloutState::Failed;
        list.apply(r);
        QVERIFY(marks.marks().isEmpty());
        r.state = RolloutState::RolledBack;
        list.apply(r);
        QVERIFY(marks.marks().isEmpty());
    }

    void theMapPaintsTheMark()
    {
        NodeTableModel nodes;
        RegionListModel regions;
        regions.setRegions({{QStringLiteral("eu-west"), QStringLiteral("EU"), 53.35, -6.26, {}},
                            {QStringLiteral("ap-south"), QStringLiteral("IN"), 19.07, 72.88, {}}});
        RegionHealthModel health(&regions, &nodes);
        LiveMetrics live;
        RolloutListModel list;
        RegionRollouts marks(&list);
        MapView view(&health, &live);
        view.setRollouts(&marks);
        view.resize(900, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.fitFleet();

        const MapFrame::Marker *marker = view.frame().marker(QStringLiteral("ap-south"));
        QVERIFY(marker);
        // On the ring, left of the marker (the ring's gap is at the upper right).
        const QPoint onRing = (marker->center - QPointF(marker->radius + 6, 0)).toPoint();
        const QColor before = view.grab().toImage().pixelColor(onRing);
        list.apply(rollout());
        const QColor ring = RolloutStyle::color(WaveState::Baking);
        QTRY_VERIFY_WITH_TIMEOUT(view.grab().toImage().pixelColor(onRing) != before, 5000);
        const QColor painted = view.grab().toImage().pixelColor(onRing);
        QVERIFY2(std::abs(painted.red() - ring.red()) < 40 && std::abs(painted.green() - ring.green()) < 40
                     && std::abs(painted.blue() - ring.blue()) < 40,
                 qPrintable(QStringLiteral("%1 painted, %2 wanted").arg(painted.name(), ring.name())));
        // Nothing around the region without a wave at work.
        const MapFrame::Marker *eu = view.frame().marker(QStringLiteral("eu-west"));
        const QPoint euRing = (eu->center - QPointF(eu->radius + 6, 0)).toPoint();
        QVERIFY(view.grab().toImage().pixelColor(euRing) != painted);
    }
};

QTEST_MAIN(tst_RegionRollouts)
#include "tst_regionrollouts.moc"
