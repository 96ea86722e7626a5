// GateMeter: gates from merged bucket deltas of the new version on the wave's nodes and
// of the baseline on the nodes not yet switched, over the bake window; the failure
// sentence names the nodes and the numbers.
#include "gatemeter.h"

#include <QTest>

using namespace Keel;

namespace {

const QList<double> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
const QDateTime kSince = QDateTime::fromMSecsSinceEpoch(1'800'000'000'000, Qt::UTC);

// `requests` answers of `version`, all in the bucket that holds `seconds`, `errors` of them 5xx.
MetricsReport report(const QString &version, quint64 requests, quint64 errors, double seconds, int endAfterMs = 1000)
{
    ComponentMetricsDelta delta;
    delta.component = QStringLiteral("hash");
    delta.version = version;
    delta.latency.upperBounds = kBounds;
    delta.latency.counts = QList<quint64>(kBounds.size() + 1, 0);
    const auto bucket = std::lower_bound(kBounds.cbegin(), kBounds.cend(), seconds) - kBounds.cbegin();
    delta.latency.counts[bucket] = requests;
    delta.latency.count = requests;
    delta.latency.sum = seconds * double(requests);
    delta.requests = requests;
    delta.errors = errors;
    return {kSince.addMSecs(endAfterMs - 1000), kSince.addMSecs(endAfterMs), {delta}, 0};
}

GateMeter meter()
{
    GateMeter m;
    m.reset({QStringLiteral("hash"), QStringLiteral("2.0.0"), QStringLiteral("1.0.0"), {QStringLiteral("edge-eu-2")},
             {QStringLiteral("edge-us-1"), QStringLiteral("edge-us-2")}, kSince});
    return m;
}

const GateResult &gate(const QList<GateResult> &gates, const char *name)
{
    for (const GateResult &g : gates)
        if (g.name == QLatin1String(name))
            return g;
    static GateResult none;
    return none;
}

} // namespace

class tst_GateMeter : public QObject
{
    Q_OBJECT

private slots:
    void errorRateFailsAndSaysWhereAndHowMuch()
    {
        GateMeter m = meter();
        m.add(QStringLiteral("edge-eu-2"), report(QStringLiteral("2.0.0"), 40, 40, 0.002, 5000));
        const QDateTime now = kSince.addSecs(5);
        const auto gates = m.evaluate(RolloutGates{}, now);
        const GateResult &errors = gate(gates, "error_rate");
        QVERIFY(errors.measured);
        QVERIFY(!errors.passed);
        QCOMPARE(errors.value, 1.0);
        QVERIFY(gate(gates, "min_requests").passed);
        const RolloutFailure failure = m.explain(errors, now);
        QCOMPARE(failure.nodes, QStringList{QStringLiteral("edge-eu-2")});
        QCOMPARE(failure.sentence, QStringLiteral("error rate 100% on edge-eu-2 over 5 s (40 requests) exceeded 5%"));
    }

    void onlyTheWindowTheWaveAndTheVersionCount()
    {
        GateMeter m = meter();
        m.add(QStringLiteral("edge-eu-2"), report(QStringLiteral("2.0.0"), 10, 10, 0.002, 0));     // ended before the bake
        m.add(QStringLiteral("edge-eu-2"), report(QStringLiteral("1.0.0"), 10, 10, 0.002));        // the old instance's last answers
        m.add(QStringLiteral("edge-eu-1"), report(QStringLiteral("2.0.0"), 10, 10, 0.002));        // not in the wave
        m.add(QStringLiteral("edge-eu-2"), report(QStringLiteral("2.0.0"), 20, 0, 0.002));
        QCOMPARE(m.requests(), quint64(20));
        QVERIFY(gate(m.evaluate(RolloutGates{}, kSince.addSecs(2)), "error_rate").passed);
    }

    void p99RegressionComparesWithTheBaselineOverTheSameWindow()
    {
        GateMeter m = meter();
        RolloutGates gates;
        gates.maxP99Regression = 3;
        m.add(QStringLiteral("edge-us-1"), report(QStringLiteral("1.0.0"), 100, 0, 0.004));
        m.add(QStringLiteral("edge-eu-2"), report(QStringLiteral("2.0.0"), 50, 0, 0.04));
        const GateResult &regression = gate(m.evaluate(gates, kSince.addSecs(4)), "p99_regression");
        QVERIFY(regression.measured);
        QVERIFY2(regression.value > 8 && !regression.passed, qPrintable(QString::number(regression.value)));
        QVERIFY2(m.explain(regression, kSince.addSecs(4)).sentence.startsWith(QStringLiteral("p99 latency 10× the baseline's on edge-eu-2 over 4 s (50 requests) exceeded 3× (p99 ")),
                 qPrintable(m.explain(regression, kSince.addSecs(4)).sentence));
    }

    void withoutBaselineTrafficTheRegressionGateIsNotJudgedBlindly()
    {
        GateMeter m = meter();
        RolloutGates gates;
        gates.maxP99Regression = 2;
        m.add(QStringLiteral("edge-eu-2"), report(QStringLiteral("2.0.0"), 50, 0, 0.04));
        GateResult regression = gate(m.evaluate(gates, kSince.addSecs(4)), "p99_regression");
        QVERIFY(!regression.measured);
        QVERIFY(regression.detail.contains(QLatin1String("no baseline traffic")));
        // The last baseline measured (an earlier wave's) stands in.
        regression = gate(m.evaluate(gates, kSince.addSecs(4), 40.0), "p99_regression");
        QVERIFY(regression.measured);
        QVERIFY(regression.passed);
    }

    void tooFewRequestsIsSaidPlainly()
    {
        GateMeter m = meter();
        m.add(QStringLiteral("edge-eu-2"), report(QStringLiteral("2.0.0"), 3, 0, 0.002));
        const auto gates = m.evaluate(RolloutGates{}, kSince.addSecs(3600));
        const GateResult &min = gate(gates, "min_requests");
        QVERIFY(!min.passed);
        QCOMPARE(m.explain(min, kSince.addSecs(3600)).sentence,
                 QStringLiteral("only 3 requests reached hash@2.0.0 on edge-eu-2 in 60 min (at least 10 needed to judge it) before the deadline"));
    }
};

QTEST_GUILESS_MAIN(tst_GateMeter)
#include "tst_gatemeter.moc"
