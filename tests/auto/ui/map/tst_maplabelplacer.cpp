#include "map/maplabelplacer.h"
#include "map/regionspread.h"

#include <QTest>

using namespace Keel;

class tst_MapLabelPlacer final : public QObject
{
    Q_OBJECT

private slots:
    void aLoneLabelSitsRightOfItsMarker()
    {
        const auto placed = MapLabelPlacer::place({{QPointF(100, 100), 10, QSizeF(80, 30)}}, QRectF(0, 0, 800, 600));
        QCOMPARE(placed.size(), 1);
        QVERIFY(placed[0].rect.left() > 110);
        QCOMPARE(placed[0].rect.center().y(), 100.0);
        QVERIFY(!placed[0].detached);
    }

    void crowdedLabelsNeverOverlap()
    {
        // A cluster of markers close together, as European regions are at a world zoom.
        QList<MapLabelPlacer::Marker> markers;
        for (int i = 0; i < 6; ++i)
            markers.append({QPointF(300 + (i % 3) * 18, 200 + (i / 3) * 16), 8, QSizeF(90, 32)});
        const auto placed = MapLabelPlacer::place(markers, QRectF(0, 0, 800, 600));
        for (int i = 0; i < placed.size(); ++i) {
            for (int j = 0; j < placed.size(); ++j) {
                const QRectF marker(markers[j].center - QPointF(8, 8), QSizeF(16, 16));
                QVERIFY2(!placed[i].rect.intersects(marker), qPrintable(QStringLiteral("label %1 covers marker %2").arg(i).arg(j)));
                if (i != j)
                    QVERIFY2(!placed[i].rect.intersects(placed[j].rect), qPrintable(QStringLiteral("labels %1 and %2").arg(i).arg(j)));
            }
        }
    }

    void labelsStayInsideTheView()
    {
        const auto placed = MapLabelPlacer::place({{QPointF(790, 300), 8, QSizeF(100, 30)}}, QRectF(0, 0, 800, 600));
        QVERIFY(QRectF(0, 0, 800, 600).contains(placed[0].rect));
    }

    void spreadKeepsSitesApart()
    {
        const auto sites = RegionSpread::layout(QPointF(0, 0), {{"a", 120}, {"b", 40}, {"c", 0}}, 11);
        QCOMPARE(sites.size(), 3);
        QCOMPARE(sites[0].nodes.size(), 120);
        QCOMPARE(sites[2].nodes.size(), 0);
        for (int i = 0; i < sites.size(); ++i) {
            for (int j = i + 1; j < sites.size(); ++j) {
                const QPointF d = sites[i].center - sites[j].center;
                QVERIFY(std::hypot(d.x(), d.y()) > sites[i].radius + sites[j].radius);
            }
        }
        // Nodes of a site stay inside its disc and apart from each other.
        for (const QPointF &node : sites[0].nodes) {
            const QPointF d = node - sites[0].center;
            QVERIFY(std::hypot(d.x(), d.y()) <= sites[0].radius);
        }
        qreal closest = 1e9;
        for (int i = 0; i < sites[0].nodes.size(); ++i) {
            for (int j = i + 1; j < sites[0].nodes.size(); ++j) {
                const QPointF d = sites[0].nodes[i] - sites[0].nodes[j];
                closest = std::min(closest, std::hypot(d.x(), d.y()));
            }
        }
        QVERIFY2(closest >= 8, qPrintable(QString::number(closest))); // two dots of radius 4 never overlap
    }
};

QTEST_GUILESS_MAIN(tst_MapLabelPlacer)
#include "tst_maplabelplacer.moc"
