// WaveStrip's geometry and colours: a segment per wave in order, as wide as its share
// of the nodes but never narrower than its minimum, ending at the right edge; each
// filled with its state's colour (grey pending, highlight switching or baking, amber
// waiting for traffic, green passed, red failed, red hatching reverted) as painted; the
// current wave marked; labels and tooltips in words.
#include "common/statuscolors.h"
#include "rollouts/wavestrip.h"

#include <QGuiApplication>
#include <QImage>
#include <QPalette>
#include <QTest>

using namespace Keel;

namespace {

RolloutWave wave(int index, const QString &region, int nodes, WaveState state)
{
    RolloutWave w;
    w.index = index;
    w.step = index;
    w.regions = {region};
    for (int i = 0; i < nodes; ++i)
        w.nodes.append(QStringLiteral("edge-%1-%2").arg(region).arg(i + 1));
    w.state = state;
    return w;
}

Rollout rollout(const QList<RolloutWave> &waves, RolloutState state = RolloutState::Progressing)
{
    Rollout r;
    r.id = QStringLiteral("r-1a2b3c");
    r.spec.component = QStringLiteral("hash");
    r.spec.version = QStringLiteral("2.0.0");
    r.spec.bakeSeconds = 10;
    r.baselineVersion = QStringLiteral("1.0.0");
    r.state = state;
    r.waves = waves;
    return r;
}

// The colour painted near a segment's bottom right corner, clear of its text.
QColor fillAt(const QImage &image, const QRect &segment)
{
    return image.pixelColor(segment.right() - 4, segment.bottom() - 4);
}

bool near(const QColor &a, const QColor &b)
{
    return std::abs(a.red() - b.red()) <= 3 && std::abs(a.green() - b.green()) <= 3 && std::abs(a.blue() - b.blue()) <= 3;
}

} // namespace

class tst_WaveStrip : public QObject
{
    Q_OBJECT

private slots:
    void segmentsShareTheWidthByNodes()
    {
        WaveStrip strip;
        strip.resize(800, strip.sizeHint().height());
        strip.setRollout(rollout({wave(1, QStringLiteral("eu-west"), 1, WaveState::Passed),
                                  wave(2, QStringLiteral("ap-south"), 1, WaveState::Baking),
                                  wave(3, QStringLiteral("us-east"), 6, WaveState::Pending)}));
        QCOMPARE(strip.waveCount(), 3);
        const QRect a = strip.segmentRect(0), b = strip.segmentRect(1), c = strip.segmentRect(2);
        QCOMPARE(a.left(), 0);
        QCOMPARE(b.left(), a.right() + 1 + WaveStrip::kGap);
        QCOMPARE(c.left(), b.right() + 1 + WaveStrip::kGap);
        QCOMPARE(c.right(), strip.width() - 2); // one pixel kept for the outline
        QCOMPARE(a.width(), b.width());
        QVERIFY2(c.width() > 3 * a.width(), qPrintable(QStringLiteral("%1 vs %2").arg(c.width()).arg(a.width())));
        QVERIFY(a.width() >= WaveStrip::kMinSegment);
        QCOMPARE(strip.segmentRect(3), QRect());
        QCOMPARE(strip.waveAt(a.center()), 0);
        QCOMPARE(strip.waveAt(c.center()), 2);
        QCOMPARE(strip.waveAt(QPoint(a.right() + 2, a.center().y())), -1); // the gap

        // Narrow: every segment keeps its minimum rather than the share of its nodes.
        strip.resize(3 * WaveStrip::kMinSegment + 2 * WaveStrip::kGap + 1, strip.height());
        QCOMPARE(strip.segmentRect(0).width(), WaveStrip::kMinSegment);
        QCOMPARE(strip.segmentRect(2).width(), WaveStrip::kMinSegment);
    }

    void eachStateHasItsColourAndWord()
    {
        const QColor highlight = QGuiApplication::palette().color(QPalette::Highlight);
        QCOMPARE(WaveStrip::fillColor(WaveState::Pending), StatusColors::inactive());
        QCOMPARE(WaveStrip::fillColor(WaveState::Switching), highlight);
        QCOMPARE(WaveStrip::fillColor(WaveState::Baking), highlight);
        QCOMPARE(WaveStrip::fillColor(WaveState::WaitingForTraffic), StatusColors::degraded());
        QCOMPARE(WaveStrip::fillColor(WaveState::Passed), StatusColors::healthy());
        QCOMPARE(WaveStrip::fillColor(WaveState::Failed), StatusColors::failing());
        QCOMPARE(WaveStrip::fillColor(WaveState::Reverted), StatusColors::failing());
        QVERIFY(WaveStrip::isHatched(WaveState::Reverted));
        QVERIFY(!WaveStrip::isHatched(WaveState::Failed));

        WaveStrip strip;
        strip.resize(900, strip.sizeHint().height());
        const QList<WaveState> states{WaveState::Passed, WaveState::Baking, WaveState::WaitingForTraffic, WaveState::Pending,
                                      WaveState::Failed, WaveState::Reverted};
        QList<RolloutWave> waves;
        for (int i = 0; i < states.size(); ++i)
            waves.append(wave(i + 1, QStringLiteral("r%1").arg(i + 1), 1, states.at(i)));
        strip.setRollout(rollout(waves));
        const QImage image = strip.grab().toImage();
        for (int i = 0; i < 5; ++i) {
            const QColor painted = fillAt(image, strip.segmentRect(i));
            QVERIFY2(near(painted, WaveStrip::fillColor(states.at(i))),
                     qPrintable(QStringLiteral("wave %1: painted %2, wanted %3").arg(i + 1).arg(painted.name(), WaveStrip::fillColor(states.at(i)).name())));
        }
        // Reverted: red lines over the base, so both colours are in the segment.
        const QRect reverted = strip.segmentRect(5);
        int red = 0, base = 0;
        for (int x = reverted.right() - 20; x < reverted.right() - 2; ++x) {
            const QColor c = image.pixelColor(x, reverted.bottom() - 4);
            red += near(c, StatusColors::failing()) ? 1 : 0;
            base += near(c, strip.palette().color(QPalette::Base)) ? 1 : 0;
        }
        QVERIFY2(red > 0 && base > 0, qPrintable(QStringLiteral("red %1, base %2").arg(red).arg(base)));
        QCOMPARE(strip.segmentLabel(1), QStringLiteral("2 · r2"));
    }

    void theCurrentWaveIsMarked()
    {
        WaveStrip strip;
        strip.resize(600, strip.sizeHint().height());
        Rollout r = rollout({wave(1, QStringLiteral("eu-west"), 1, WaveState::Passed),
                             wave(2, QStringLiteral("ap-south"), 2, WaveState::Baking),
                             wave(3, QStringLiteral("us-east"), 1, WaveState::Pending)});
        r.waves[1].gates = {{QStringLiteral("error_rate"), 0.01, 0.05, true, true, 40, {}},
                            {QStringLiteral("min_requests"), 40, 10, true, true, 40, {}}};
        strip.setRollout(r);
        QCOMPARE(strip.currentWave(), 1);
        // The marker above the current segment is painted in the window's text colour.
        const QImage image = strip.grab().toImage();
        const QRect current = strip.segmentRect(1);
        QVERIFY(near(image.pixelColor(current.center().x(), 1), strip.palette().color(QPalette::WindowText)));
        QVERIFY(!near(image.pixelColor(strip.segmentRect(0).center().x(), 1), strip.palette().color(QPalette::WindowText)));
        const QString tip = strip.toolTipText(1);
        QVERIFY2(tip.startsWith(QStringLiteral("Wave 2 of 3 — baking (current)")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("2 nodes: edge-ap-south-1, edge-ap-south-2")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("Error rate 1 % ≤ 5 % — ok")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("Requests 40 ≥ 10 — ok")), qPrintable(tip));

        // A failed wave is the current one, even after the rollout ended.
        r.waves[1].state = WaveState::Failed;
        r.waves[0].state = WaveState::Reverted;
        r.state = RolloutState::RolledBack;
        strip.setRollout(r);
        QCOMPARE(strip.currentWave(), 1);
        QCOMPARE(strip.stateWord(2), QStringLiteral("not run")); // pending no more: the rollout ended
        QCOMPARE(strip.stateWord(0), QStringLiteral("reverted"));
        // A rollout that succeeded has none.
        for (RolloutWave &w : r.waves)
            w.state = WaveState::Passed;
        r.state = RolloutState::Succeeded;
        strip.setRollout(r);
        QCOMPARE(strip.currentWave(), -1);
        // A pending rollout points at its first wave.
        for (RolloutWave &w : r.waves)
            w.state = WaveState::Pending;
        r.state = RolloutState::Pending;
        strip.setRollout(r);
        QCOMPARE(strip.currentWave(), 0);
    }
};

QTEST_MAIN(tst_WaveStrip)
#include "tst_wavestrip.moc"
