#include "map/equalearthprojection.h"
#include "map/landoutline.h"

#include <QTest>

using namespace Keel;

// Reference values: d3-geo's geoEqualEarth at scale 1 (y flipped back to north-up),
// itself checked against the publication's tables.
class tst_EqualEarthProjection final : public QObject
{
    Q_OBJECT

private slots:
    void knownValues_data()
    {
        QTest::addColumn<double>("longitude");
        QTest::addColumn<double>("latitude");
        QTest::addColumn<double>("x");
        QTest::addColumn<double>("y");
        QTest::newRow("origin") << 0.0 << 0.0 << 0.0 << 0.0;
        QTest::newRow("antimeridian") << 180.0 << 0.0 << 2.706629984 << 0.0;
        QTest::newRow("north pole") << 0.0 << 90.0 << 0.0 << 1.317362759;
        QTest::newRow("south-west corner") << -180.0 << -90.0 << -1.603588648 << -1.317362759;
        QTest::newRow("dublin") << -6.26 << 53.35 << -0.075477983 << 0.993262792;
        QTest::newRow("washington") << -77.04 << 38.90 << -1.033710954 << 0.755273178;
        QTest::newRow("mumbai") << 72.88 << 19.08 << 1.067007998 << 0.382762199;
        QTest::newRow("sydney") << 151.21 << -33.87 << 2.087103104 << -0.664705766;
    }

    void knownValues()
    {
        QFETCH(double, longitude);
        QFETCH(double, latitude);
        QFETCH(double, x);
        QFETCH(double, y);
        const QPointF p = EqualEarthProjection::project(longitude, latitude);
        QVERIFY2(qAbs(p.x() - x) < 1e-8, qPrintable(QString::number(p.x(), 'f', 10)));
        QVERIFY2(qAbs(p.y() - y) < 1e-8, qPrintable(QString::number(p.y(), 'f', 10)));
    }

    void extentsMatchTheConstants()
    {
        QVERIFY(qAbs(EqualEarthProjection::project(180, 0).x() - EqualEarthProjection::kMaxX) < 1e-9);
        QVERIFY(qAbs(EqualEarthProjection::project(0, 90).y() - EqualEarthProjection::kMaxY) < 1e-9);
    }

    void roundTrip()
    {
        for (double lat = -89.5; lat <= 89.5; lat += 7.25) {
            for (double lon = -179.5; lon <= 179.5; lon += 11.5) {
                const QPointF back = EqualEarthProjection::unproject(EqualEarthProjection::project(lon, lat));
                QVERIFY2(qAbs(back.x() - lon) < 1e-7 && qAbs(back.y() - lat) < 1e-7,
                         qPrintable(QStringLiteral("%1,%2 came back as %3,%4").arg(lon).arg(lat).arg(back.x()).arg(back.y())));
            }
        }
    }

    void planeIsSouthwards()
    {
        const QPointF p = LandOutline::toPlane(-6.26, 53.35);
        QVERIFY(qAbs(p.y() + 0.993262792) < 1e-8);
    }

    void shippedLandLoads()
    {
        const QPainterPath &land = LandOutline::land();
        QVERIFY(!land.isEmpty());
        QVERIFY(land.elementCount() > 1000);
        // The outline spans the globe: Alaska to Chukotka, Antarctica to the Arctic.
        const QRectF bounds = land.boundingRect();
        QVERIFY2(bounds.left() < -2.2 && bounds.right() > 2.6, qPrintable(QStringLiteral("%1 %2").arg(bounds.left()).arg(bounds.right())));
        QVERIFY(bounds.bottom() > 1.3 && bounds.top() < -1.0);
        // Dublin is on land, the middle of the Atlantic is not.
        QVERIFY(land.contains(LandOutline::toPlane(-7.5, 53.0)));
        QVERIFY(!land.contains(LandOutline::toPlane(-35, 30)));
    }

    void badDataIsReported()
    {
        QString error;
        QVERIFY(LandOutline::fromJson("{\"rings\": [[1, 2, 3]]}", &error).isEmpty());
        QVERIFY2(error.contains(QLatin1String("ring 0")), qPrintable(error));
        error.clear();
        QVERIFY(LandOutline::fromJson("not json", &error).isEmpty());
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_EqualEarthProjection)
#include "tst_equalearthprojection.moc"
