// RolloutPlanner: waves never mix regions, regions come in the requested order, sizes
// follow --batch or the cumulative canary steps, and bad orders are refused by name.
#include "rolloutplanner.h"

#include <QTest>

using namespace Keel;

namespace {

Node node(const char *name, const char *region, const char *jurisdiction)
{
    Node n;
    n.name = QLatin1String(name);
    n.region = QLatin1String(region);
    n.jurisdiction = QLatin1String(jurisdiction);
    return n;
}

// eu-west 3 nodes (EU), eu-central 1 (EU), us-east 2 (US), ap-south 1 (IN).
const QList<Node> kNodes = {
    node("eu-3", "eu-west", "EU"), node("eu-1", "eu-west", "EU"), node("eu-2", "eu-west", "EU"),
    node("fra-1", "eu-central", "EU"), node("us-1", "us-east", "US"), node("us-2", "us-east", "US"),
    node("in-1", "ap-south", "IN"),
};
Region region(const char *name, const char *jurisdiction)
{
    Region r;
    r.name = QLatin1String(name);
    r.jurisdiction = QLatin1String(jurisdiction);
    return r;
}

const QList<Region> kRegions = {region("eu-west", "EU"), region("eu-central", "EU"), region("us-east", "US"),
                                region("ap-south", "IN"), region("sa-east", "BR")};

QList<RolloutWave> plan(const RolloutSpec &spec, const QList<Node> &nodes = kNodes)
{
    auto planned = RolloutPlanner::plan(spec, nodes, kRegions);
    if (auto *error = std::get_if<WireError>(&planned)) {
        qWarning("%s", qPrintable(error->message));
        return {};
    }
    return std::get<QList<RolloutWave>>(planned);
}

QStringList shape(const QList<RolloutWave> &waves)
{
    QStringList out;
    for (const RolloutWave &w : waves)
        out.append(QStringLiteral("%1:%2:%3").arg(w.step).arg(w.regions.join(u','), w.nodes.join(u',')));
    return out;
}

} // namespace

class tst_RolloutPlanner : public QObject
{
    Q_OBJECT

private slots:
    void rollingBatchesNeverReachIntoTheNextRegion()
    {
        RolloutSpec spec;
        spec.batch = {2, 0};
        spec.regionOrder = {QStringLiteral("eu-west"), QStringLiteral("us-east"), QStringLiteral("eu-central"), QStringLiteral("ap-south")};
        QCOMPARE(shape(plan(spec)), (QStringList{QStringLiteral("1:eu-west:eu-1,eu-2"), QStringLiteral("2:eu-west:eu-3"),
                                                 QStringLiteral("3:us-east:us-1,us-2"), QStringLiteral("4:eu-central:fra-1"),
                                                 QStringLiteral("5:ap-south:in-1")}));
    }

    void percentBatchesRoundUpOverAllNodes()
    {
        RolloutSpec spec; // 25% of 7 nodes: 2 per wave; smallest region first by default
        QCOMPARE(shape(plan(spec)), (QStringList{QStringLiteral("1:ap-south:in-1"), QStringLiteral("2:eu-central:fra-1"),
                                                 QStringLiteral("3:us-east:us-1,us-2"), QStringLiteral("4:eu-west:eu-1,eu-2"),
                                                 QStringLiteral("5:eu-west:eu-3")}));
    }

    void byJurisdictionKeepsAJurisdictionsRegionsTogetherSmallestFirst()
    {
        RolloutSpec spec;
        spec.batch = {1, 0};
        spec.orderByJurisdiction = true;
        QStringList regions;
        for (const RolloutWave &w : plan(spec))
            if (regions.isEmpty() || regions.constLast() != w.regions.first())
                regions.append(w.regions.first());
        // IN (1 node), US (2), EU (4: eu-central's 1 before eu-west's 3).
        QCOMPARE(regions, (QStringList{QStringLiteral("ap-south"), QStringLiteral("us-east"), QStringLiteral("eu-central"), QStringLiteral("eu-west")}));
    }

    void canaryStepsAreCumulativeAndSplitAtRegionBoundaries()
    {
        RolloutSpec spec;
        spec.strategy = RolloutStrategy::Canary;
        spec.steps = {{1, 0}, {0, 50}}; // 1, then 4 of 7; 100% is added
        spec.regionOrder = {QStringLiteral("eu-west"), QStringLiteral("us-east"), QStringLiteral("eu-central"), QStringLiteral("ap-south")};
        QCOMPARE(shape(plan(spec)), (QStringList{QStringLiteral("1:eu-west:eu-1"), QStringLiteral("2:eu-west:eu-2,eu-3"),
                                                 QStringLiteral("2:us-east:us-1"), QStringLiteral("3:us-east:us-2"),
                                                 QStringLiteral("3:eu-central:fra-1"), QStringLiteral("3:ap-south:in-1")}));
    }

    void badOrdersAndEmptySelectionsAreRefusedByName()
    {
        RolloutSpec spec;
        spec.regionOrder = {QStringLiteral("eu-west"), QStringLiteral("mars-1")};
        auto planned = RolloutPlanner::plan(spec, kNodes, kRegions);
        QVERIFY(std::get<WireError>(planned).message.contains(QLatin1String("mars-1")));
        spec.regionOrder = {QStringLiteral("eu-west")};
        planned = RolloutPlanner::plan(spec, kNodes, kRegions);
        QVERIFY2(std::get<WireError>(planned).message.contains(QLatin1String("ap-south, eu-central, us-east")),
                 qPrintable(std::get<WireError>(planned).message));
        planned = RolloutPlanner::plan(RolloutSpec{}, {}, kRegions);
        QCOMPARE(std::get<WireError>(planned).field, QStringLiteral("selector"));
        RolloutSpec shrinking;
        shrinking.strategy = RolloutStrategy::Canary;
        shrinking.steps = {{3, 0}, {1, 0}};
        planned = RolloutPlanner::plan(shrinking, kNodes, kRegions);
        QCOMPARE(std::get<WireError>(planned).field, QStringLiteral("steps"));
    }

    void stepsParseAndResolve()
    {
        QString error;
        QCOMPARE(RolloutStep::parse(u"25%", &error)->resolve(7), 2);
        QCOMPARE(RolloutStep::parse(u"3", &error)->resolve(2), 2);
        QCOMPARE(RolloutStep::parse(u"0.1%", &error)->resolve(7), 1);
        QVERIFY(!RolloutStep::parse(u"0", &error));
        QVERIFY(!RolloutStep::parse(u"150%", &error));
        QVERIFY(!RolloutStep::parse(u"a lot", &error));
        QVERIFY(error.contains(QLatin1String("\"a lot\"")));
    }
};

QTEST_GUILESS_MAIN(tst_RolloutPlanner)
#include "tst_rolloutplanner.moc"
