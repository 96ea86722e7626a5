// RegionViolations and JurisdictionAreas, the map's residency: violations grouped per
// region and node (red and "removed" when any is enforce-mode, amber and "flagged"
// when all are audit), following the violation list and changing only when a mark does;
// jurisdictions as areas around their regions, one colour each, apart from the state
// colours.
#include "common/statuscolors.h"
#include "map/jurisdictionareas.h"
#include "map/landoutline.h"
#include "map/regionviolations.h"
#include "policies/violationlistmodel.h"

#include <QSignalSpy>
#include <QTest>

using namespace Keel;

namespace {

ResidencyViolation violation(const QString &node, const QString &region, const QString &component, ResidencyMode mode)
{
    ResidencyViolation v;
    v.component = component;
    v.version = QStringLiteral("1.0.0");
    v.node = node;
    v.region = region;
    v.rule = QStringLiteral("eu-only");
    v.mode = mode;
    v.removed = mode == ResidencyMode::Enforce;
    return v;
}

Region region(const QString &name, const QString &jurisdiction, double latitude, double longitude)
{
    Region r;
    r.name = name;
    r.jurisdiction = jurisdiction;
    r.latitude = latitude;
    r.longitude = longitude;
    return r;
}

} // namespace

class tst_RegionViolations : public QObject
{
    Q_OBJECT

private slots:
    void marksFollowTheList()
    {
        ViolationListModel list;
        RegionViolations marks(&list);
        QVERIFY(marks.isEmpty());
        QSignalSpy changed(&marks, &RegionViolations::changed);

        list.apply(violation(QStringLiteral("edge-us-1"), QStringLiteral("us-east"), QStringLiteral("profile"), ResidencyMode::Enforce));
        QCOMPARE(changed.count(), 1);
        auto us = marks.region(QStringLiteral("us-east"));
        QVERIFY(us);
        QCOMPARE(us->removed, 1);
        QCOMPARE(us->mode(), ResidencyMode::Enforce);
        QCOMPARE(us->text(), QStringLiteral("✖ profile removed"));
        QCOMPARE(marks.node(QStringLiteral("edge-us-1"))->components, QStringList{QStringLiteral("profile@1.0.0")});
        QVERIFY(!marks.region(QStringLiteral("eu-west")));

        list.apply(violation(QStringLiteral("edge-us-2"), QStringLiteral("us-east"), QStringLiteral("tracker"), ResidencyMode::Audit));
        us = marks.region(QStringLiteral("us-east"));
        QCOMPARE(us->text(), QStringLiteral("✖ profile removed · ⚑ tracker flagged"));
        QCOMPARE(us->text(ResidencyMode::Enforce), QStringLiteral("✖ profile removed")); // a badge per mode
        QCOMPARE(us->text(ResidencyMode::Audit), QStringLiteral("⚑ tracker flagged"));
        QCOMPARE(us->mode(), ResidencyMode::Enforce); // red wins
        QCOMPARE(marks.node(QStringLiteral("edge-us-2"))->mode(), ResidencyMode::Audit);
        QCOMPARE(marks.node(QStringLiteral("edge-us-2"))->text(), QStringLiteral("⚑ tracker flagged"));

        // The same again: no change, no signal.
        const int before = int(changed.count());
        list.apply(violation(QStringLiteral("edge-us-2"), QStringLiteral("us-east"), QStringLiteral("tracker"), ResidencyMode::Audit));
        QCOMPARE(changed.count(), before);

        ResidencyViolation gone = violation(QStringLiteral("edge-us-1"), QStringLiteral("us-east"), QStringLiteral("profile"), ResidencyMode::Enforce);
        gone.resolved = true;
        list.apply(gone);
        QCOMPARE(marks.region(QStringLiteral("us-east"))->text(), QStringLiteral("⚑ tracker flagged"));
        QCOMPARE(marks.region(QStringLiteral("us-east"))->mode(), ResidencyMode::Audit);
        list.clear();
        QVERIFY(marks.isEmpty());
    }

    void manyAreCounted()
    {
        const auto marks = RegionViolations::byRegion(
            {violation(QStringLiteral("a"), QStringLiteral("r"), QStringLiteral("x"), ResidencyMode::Enforce),
             violation(QStringLiteral("b"), QStringLiteral("r"), QStringLiteral("x"), ResidencyMode::Enforce),
             violation(QStringLiteral("c"), QStringLiteral("r"), QStringLiteral("y"), ResidencyMode::Audit),
             violation(QStringLiteral("d"), QStringLiteral("r"), QStringLiteral("y"), ResidencyMode::Audit)});
        QCOMPARE(marks.value(QStringLiteral("r")).text(), QStringLiteral("✖ 2 removed · ⚑ 2 flagged"));
        QCOMPARE(marks.value(QStringLiteral("r")).text(ResidencyMode::Audit), QStringLiteral("⚑ 2 flagged"));
        QCOMPARE(RegionViolations::Mark{}.text(ResidencyMode::Enforce), QString());
        QCOMPARE(marks.value(QStringLiteral("r")).components, (QStringList{QStringLiteral("x@1.0.0"), QStringLiteral("y@1.0.0")}));
    }

    void jurisdictionsAreAreasAroundTheirRegions()
    {
        const QList<JurisdictionAreas::Area> areas = JurisdictionAreas::build(
            {region(QStringLiteral("us-east"), QStringLiteral("US"), 38.9, -77.04), region(QStringLiteral("eu-west"), QStringLiteral("EU"), 53.35, -6.26),
             region(QStringLiteral("eu-central"), QStringLiteral("EU"), 50.11, 8.68), region(QStringLiteral("lab"), QString(), 0, 0)});
        // Sorted by code whatever the topology's order, the colours following.
        QCOMPARE(areas.size(), 2); // a region without a jurisdiction is not shaded
        QCOMPARE(areas.at(0).code, QStringLiteral("EU"));
        QCOMPARE(areas.at(0).name, QStringLiteral("European Union"));
        QCOMPARE(areas.at(0).regions, (QStringList{QStringLiteral("eu-west"), QStringLiteral("eu-central")}));
        QCOMPARE(areas.at(1).code, QStringLiteral("US"));
        QCOMPARE(areas.at(0).color, JurisdictionAreas::colorAt(0));
        QCOMPARE(areas.at(1).color, JurisdictionAreas::colorAt(1));
        // Both EU regions lie in the EU area, Washington in the US one, Paris (between the
        // two EU regions) in the EU's, Tokyo in none.
        const auto inside = [](const JurisdictionAreas::Area &area, double lat, double lon) {
            return area.path.contains(LandOutline::toPlane(lon, lat));
        };
        QVERIFY(inside(areas.at(0), 53.35, -6.26));
        QVERIFY(inside(areas.at(0), 50.11, 8.68));
        QVERIFY(inside(areas.at(0), 48.86, 2.35));
        QVERIFY(inside(areas.at(1), 38.9, -77.04));
        QVERIFY(!inside(areas.at(0), 38.9, -77.04));
        QVERIFY(!inside(areas.at(0), 35.68, 139.69) && !inside(areas.at(1), 35.68, 139.69));
        // 1100 km from Dublin: London (460 km) in, Rome (1880 km) out of the EU-west circle alone.
        const QPainterPath dublin = JurisdictionAreas::circle(-6.26, 53.35, JurisdictionAreas::kRadiusKm);
        QVERIFY(dublin.contains(LandOutline::toPlane(-0.13, 51.51)));
        QVERIFY(!dublin.contains(LandOutline::toPlane(12.5, 41.9)));
    }

    void jurisdictionColoursAreNotStateColours()
    {
        QCOMPARE(JurisdictionAreas::colorAt(0), JurisdictionAreas::colorAt(6)); // a cycle
        for (int i = 0; i < 6; ++i) {
            const QColor c = JurisdictionAreas::colorAt(i);
            for (const QColor &state : {StatusColors::healthy(), StatusColors::failing(), StatusColors::degraded(), StatusColors::inactive()})
                QVERIFY2(c != state, qPrintable(c.name()));
            for (int j = 0; j < i; ++j)
                QVERIFY(c != JurisdictionAreas::colorAt(j));
        }
    }
};

QTEST_GUILESS_MAIN(tst_RegionViolations)
#include "tst_regionviolations.moc"
