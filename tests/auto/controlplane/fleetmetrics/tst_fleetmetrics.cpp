// Fleet metrics: histogram merging against a known distribution, the series a control
// plane keeps (1-second points, minute points in the real SQLite store), and reports
// arriving over a real WebSocket from an agent's frames.
#include "rawagent.h"
#include "clientcalls.h"

#include "controlplane.h"
#include "fleetmetrics.h"
#include "keelclient.h"
#include "latencyhistogram.h"
#include "servermetrics.h"
#include "sqlstore.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace Keel;
using Keel::Testing::RawAgent;
using Keel::Testing::readFile;

namespace {

const QList<double> kBounds = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1};

HistogramDelta delta(QList<quint64> counts, double sum)
{
    quint64 total = 0;
    for (quint64 c : counts)
        total += c;
    return {kBounds, counts, sum, total};
}

MetricsReport report(const QDateTime &end, const QString &component, const HistogramDelta &latency, quint64 errors = 0,
                     quint64 rss = 0)
{
    MetricsReport r;
    r.windowStart = end.addSecs(-2);
    r.windowEnd = end;
    r.rssBytes = rss;
    r.components.append({component, QStringLiteral("1.0.0"), RuntimeTier::Aot, latency, latency.count, errors, 0, 0});
    return r;
}

} // namespace

class tst_FleetMetrics : public QObject
{
    Q_OBJECT

private slots:
    void percentilesComeFromMergedBuckets()
    {
        // Node A is fast, node B slow: 200 requests together.
        LatencyHistogram a, b, merged;
        QVERIFY(a.add(delta({10, 20, 30, 40, 0, 0, 0, 0}, 0.5)));
        QVERIFY(b.add(delta({0, 0, 0, 0, 50, 30, 15, 5}, 4.0)));
        QVERIFY(merged.add(a));
        QVERIFY(merged.add(b));
        QCOMPARE(merged.count(), quint64(200));
        // Ranks 100, 190 and 198 of the combined distribution, interpolated in their bucket.
        QCOMPARE(merged.quantile(0.50), 0.005 + 0.005 * (100.0 - 60) / 40); // = 0.01
        QCOMPARE(merged.quantile(0.95), 0.05 + 0.05 * (190.0 - 180) / 15);
        QCOMPARE(merged.quantile(0.99), 0.1); // the +Inf bucket: the last finite bound
        // Averaging the nodes' own medians would say something else entirely.
        QVERIFY(std::abs((a.quantile(0.5) + b.quantile(0.5)) / 2 - merged.quantile(0.5)) > 0.001);
        // Other bounds are refused, not re-bucketed.
        QVERIFY(!merged.add(HistogramDelta{{0.5}, {1, 0}, 0.1, 1}));
        QCOMPARE(LatencyHistogram().quantile(0.5), 0.0);
    }

    void seriesPerNodeRegionAndFleetWithMinutesInTheStore()
    {
        QTemporaryDir dir;
        SqlStore store(dir.filePath(QStringLiteral("m.db")));
        ServerMetrics serverMetrics;
        QDateTime clock = QDateTime::fromSecsSinceEpoch(1795700000, Qt::UTC); // on a minute boundary + 20 s
        FleetMetrics metrics(store.metrics(), serverMetrics, {}, [&] { return clock; });
        QSignalSpy live(&metrics, &FleetMetrics::window);

        QVERIFY(!metrics.ingest(QStringLiteral("eu-1"), QStringLiteral("eu-west"), report(clock, QStringLiteral("hash"), delta({10, 20, 30, 40, 0, 0, 0, 0}, 0.5), 2, 9 << 20)));
        QVERIFY(!metrics.ingest(QStringLiteral("eu-2"), QStringLiteral("eu-west"), report(clock, QStringLiteral("hash"), delta({0, 0, 0, 0, 50, 30, 15, 5}, 4.0))));
        QVERIFY(!metrics.ingest(QStringLiteral("us-1"), QStringLiteral("us-east"), report(clock, QStringLiteral("hash"), delta({100, 0, 0, 0, 0, 0, 0, 0}, 0.05))));
        // Refused, with reasons: a clock an hour off, and foreign buckets.
        QVERIFY(metrics.ingest(QStringLiteral("eu-1"), QStringLiteral("eu-west"), report(clock.addSecs(3600), QStringLiteral("hash"), delta({1, 0, 0, 0, 0, 0, 0, 0}, 0.001))));
        QVERIFY(metrics.ingest(QStringLiteral("eu-1"), QStringLiteral("eu-west"),
                               report(clock, QStringLiteral("hash"), HistogramDelta{{0.5}, {1, 0}, 0.1, 1})));

        // Each report taken gives its node's live reading at once, all components merged
        // (the refused one by buckets too: it still tells the node's memory).
        QCOMPARE(live.size(), 4);
        const MetricsWindow eu1 = live.first().first().value<MetricsWindow>();
        QCOMPARE(eu1.node, QStringLiteral("eu-1"));
        QCOMPARE(eu1.region, QStringLiteral("eu-west"));
        QVERIFY(eu1.component.isEmpty());
        QCOMPARE(eu1.requestsPerSecond, 100.0 / 2); // the report's own 2 s
        QCOMPARE(eu1.errorsPerSecond, 2.0 / 2);
        QCOMPARE(eu1.rssBytes, quint64(9 << 20));
        QCOMPARE(eu1.p50Ms, 4.0); // rank 50 of 100: 2 + 3 * 20/30 ms
        live.clear();

        // A second later the live windows leave that second out: reports of other agents
        // for it may still be on their way (they report every 2 s).
        clock = clock.addSecs(1);
        metrics.tick();
        QCOMPARE(live.size(), 0);
        // Once a report interval has passed: live windows for eu-west, us-east and the
        // fleet, hash's and all components', ending where the seconds are complete.
        clock = clock.addSecs(2);
        metrics.tick();
        QCOMPARE(live.size(), 6);
        QCOMPARE(live.first().first().value<MetricsWindow>().windowEnd, clock.addSecs(-1)); // seconds up to clock - 2 s, whole
        int merged = 0;
        for (const auto &args : live) {
            const auto w = args.first().value<MetricsWindow>();
            QVERIFY(w.node.isEmpty());
            if (w.component.isEmpty()) {
                ++merged;
                QCOMPARE(w.requestsPerSecond, w.region == QStringLiteral("eu-west") ? 20.0 : w.region.isEmpty() ? 30.0 : 10.0);
            }
        }
        QCOMPARE(merged, 3);

        const auto region = metrics.query(QStringLiteral("hash"), QStringLiteral("eu-west"), {}, clock.addSecs(-60));
        QVERIFY(std::holds_alternative<QList<MetricsWindow>>(region));
        const auto &windows = std::get<QList<MetricsWindow>>(region);
        QCOMPARE(windows.size(), 1);
        QCOMPARE(windows.first().region, QStringLiteral("eu-west"));
        QCOMPARE(windows.first().p50Ms, 10.0);
        QVERIFY(std::abs(windows.first().p95Ms - (50 + 50 * 10.0 / 15)) < 1e-9);
        QCOMPARE(windows.first().p99Ms, 100.0);
        QCOMPARE(windows.first().requestsPerSecond, 200.0 / 10); // 10-second windows
        QCOMPARE(windows.first().errorsPerSecond, 2.0 / 10);

        const auto fleet = metrics.query(QStringLiteral("hash"), {}, {}, clock.addSecs(-60));
        QCOMPARE(std::get<QList<MetricsWindow>>(fleet).first().requestsPerSecond, 300.0 / 10);

        // Minutes: written once closed, read back from the store for the long view.
        clock = clock.addSecs(120);
        metrics.tick();
        const qint64 minute = (clock.addSecs(-121).toMSecsSinceEpoch() / 60000) * 60000;
        const auto stored = store.metrics().minutes(QStringLiteral("region"), QStringLiteral("eu-west"), QStringLiteral("hash"), 0,
                                                    std::numeric_limits<qint64>::max());
        QCOMPARE(stored.size(), 1);
        QCOMPARE(stored.first().minuteMs, minute);
        QCOMPARE(stored.first().requests, quint64(200));
        LatencyHistogram fromStore;
        QVERIFY(fromStore.add(stored.first().latency));
        QCOMPARE(fromStore.quantile(0.5), 0.01);

        const auto node = metrics.query(QStringLiteral("hash"), {}, QStringLiteral("eu-1"), clock.addSecs(-3600));
        const auto &nodeWindows = std::get<QList<MetricsWindow>>(node);
        QCOMPARE(nodeWindows.size(), 1);
        QCOMPARE(nodeWindows.first().node, QStringLiteral("eu-1"));
        QCOMPARE(nodeWindows.first().region, QStringLiteral("eu-west"));
        QCOMPARE(nodeWindows.first().rssBytes, quint64(9 << 20));
        QCOMPARE(nodeWindows.first().requestsPerSecond, 100.0 / 60);

        // No component: every component of the node merged, with its memory.
        const auto all = metrics.query({}, {}, QStringLiteral("eu-1"), clock.addSecs(-3600));
        QCOMPARE(std::get<QList<MetricsWindow>>(all).size(), 1);
        QCOMPARE(std::get<QList<MetricsWindow>>(all).first().requestsPerSecond, 100.0 / 60);
        QCOMPARE(std::get<QList<MetricsWindow>>(all).first().rssBytes, quint64(9 << 20));

        const auto bad = metrics.query({}, QStringLiteral("eu-west"), QStringLiteral("eu-1"), {});
        QVERIFY(std::holds_alternative<WireError>(bad));

        // Seven days later the minutes are pruned.
        clock = clock.addDays(8);
        metrics.tick();
        QVERIFY(store.metrics().minutes(QStringLiteral("region"), QStringLiteral("eu-west"), QStringLiteral("hash"), 0,
                                        std::numeric_limits<qint64>::max()).isEmpty());
    }

    // A node's series of one component carries that component's instance memory (the
    // largest level in the window); the node's RSS stays the node's.
    void componentMemoryPerNode()
    {
        QTemporaryDir dir;
        SqlStore store(dir.filePath(QStringLiteral("m.db")));
        ServerMetrics serverMetrics;
        QDateTime clock = QDateTime::fromSecsSinceEpoch(1795700000, Qt::UTC);
        FleetMetrics metrics(store.metrics(), serverMetrics, {}, [&] { return clock; });
        MetricsReport r = report(clock, QStringLiteral("hash"), delta({10, 0, 0, 0, 0, 0, 0, 0}, 0.01), 0, 40 << 20);
        r.components.first().instanceMemoryBytes = 3 << 20;
        QVERIFY(!metrics.ingest(QStringLiteral("eu-1"), QStringLiteral("eu-west"), r));
        r.windowEnd = clock.addSecs(2);
        r.components.first().instanceMemoryBytes = 2 << 20; // lower later: the minute keeps the peak
        QVERIFY(!metrics.ingest(QStringLiteral("eu-1"), QStringLiteral("eu-west"), r));
        clock = clock.addSecs(5);
        const auto held = std::get<QList<MetricsWindow>>(metrics.query(QStringLiteral("hash"), {}, QStringLiteral("eu-1"), clock.addSecs(-120)));
        QCOMPARE(held.size(), 1);
        QCOMPARE(held.first().instanceMemoryBytes, quint64(3 << 20));
        QCOMPARE(held.first().rssBytes, quint64(40 << 20));
        // Written to the store and read back the same.
        metrics.flush();
        const auto stored = std::get<QList<MetricsWindow>>(metrics.query(QStringLiteral("hash"), {}, QStringLiteral("eu-1"), clock.addSecs(-120)));
        QCOMPARE(stored.size(), 1);
        QCOMPARE(stored.first().instanceMemoryBytes, quint64(3 << 20));
        QCOMPARE(stored.first().rssBytes, quint64(40 << 20));
        // The node's own series has no component memory.
        const auto node = std::get<QList<MetricsWindow>>(metrics.query({}, {}, QStringLiteral("eu-1"), clock.addSecs(-120)));
        QCOMPARE(node.first().instanceMemoryBytes, quint64(0));
    }

    // A report that arrives after its minute was written used to replace that minute with
    // its own fragment; it is added to it now (within the lateness bound).
    void aLateReportAddsToItsStoredMinute()
    {
        QTemporaryDir dir;
        SqlStore store(dir.filePath(QStringLiteral("m.db")));
        ServerMetrics serverMetrics;
        QDateTime clock = QDateTime::fromSecsSinceEpoch(1795700000, Qt::UTC);
        FleetMetrics metrics(store.metrics(), serverMetrics, {}, [&] { return clock; });
        const QDateTime windowEnd = clock;
        QVERIFY(!metrics.ingest(QStringLiteral("eu-1"), QStringLiteral("eu-west"), report(windowEnd, QStringLiteral("hash"), delta({10, 20, 30, 40, 0, 0, 0, 0}, 0.5))));
        clock = clock.addSecs(120);
        metrics.tick(); // the minute is closed and written
        auto stored = [&](const QString &scope, const QString &key) {
            const auto minutes = store.metrics().minutes(scope, key, QStringLiteral("hash"), 0, std::numeric_limits<qint64>::max());
            return minutes.size() == 1 ? minutes.first() : MetricsMinute{};
        };
        QCOMPARE(stored(QStringLiteral("node"), QStringLiteral("eu-1")).requests, quint64(100));

        // Two minutes late, same window: merged into the stored minute, every scope.
        QVERIFY(!metrics.ingest(QStringLiteral("eu-1"), QStringLiteral("eu-west"), report(windowEnd, QStringLiteral("hash"), delta({0, 0, 0, 0, 50, 0, 0, 0}, 1.0))));
        clock = clock.addSecs(120);
        metrics.tick();
        for (const auto &[scope, key] : {std::pair{QStringLiteral("node"), QStringLiteral("eu-1")},
                                         std::pair{QStringLiteral("region"), QStringLiteral("eu-west")},
                                         std::pair{QStringLiteral("fleet"), QString()}}) {
            const MetricsMinute minute = stored(scope, key);
            QCOMPARE(minute.requests, quint64(150));
            QCOMPARE(minute.latency.count, quint64(150));
            QCOMPARE(minute.latency.counts, (QList<quint64>{10, 20, 30, 40, 50, 0, 0, 0}));
        }

        // Past the lateness bound: dropped and counted, the minute untouched.
        clock = windowEnd.addMSecs(FleetMetrics::kMaxLatenessMs + 1000);
        QVERIFY(metrics.ingest(QStringLiteral("eu-1"), QStringLiteral("eu-west"), report(windowEnd, QStringLiteral("hash"), delta({1, 0, 0, 0, 0, 0, 0, 0}, 0.001))));
        QCOMPARE(serverMetrics.metricsReportsForTest("late"), 1.0);
        metrics.flush();
        QCOMPARE(stored(QStringLiteral("node"), QStringLiteral("eu-1")).requests, quint64(150));
    }

    // Refused buckets used to land in the node's series but not in its region's or the
    // fleet's: a report is taken by all three or by none.
    void aBucketMismatchLeavesEverySeriesConsistent()
    {
        QTemporaryDir dir;
        SqlStore store(dir.filePath(QStringLiteral("m.db")));
        ServerMetrics serverMetrics;
        QDateTime clock = QDateTime::fromSecsSinceEpoch(1795700000, Qt::UTC);
        FleetMetrics metrics(store.metrics(), serverMetrics, {}, [&] { return clock; });
        QVERIFY(!metrics.ingest(QStringLiteral("eu-1"), QStringLiteral("eu-west"), report(clock, QStringLiteral("hash"), delta({10, 20, 30, 40, 0, 0, 0, 0}, 0.5))));
        // eu-2 has no series yet, but its region and the fleet have other bounds.
        QVERIFY(metrics.ingest(QStringLiteral("eu-2"), QStringLiteral("eu-west"), report(clock, QStringLiteral("hash"), HistogramDelta{{0.5}, {7, 0}, 0.1, 7})));
        QCOMPARE(serverMetrics.metricsReportsForTest("bucket_mismatch"), 1.0);
        metrics.flush();
        QVERIFY(store.metrics().minutes(QStringLiteral("node"), QStringLiteral("eu-2"), QStringLiteral("hash"), 0,
                                        std::numeric_limits<qint64>::max()).isEmpty());
        const auto region = store.metrics().minutes(QStringLiteral("region"), QStringLiteral("eu-west"), QStringLiteral("hash"), 0,
                                                    std::numeric_limits<qint64>::max());
        QCOMPARE(region.size(), 1);
        QCOMPARE(region.first().requests, quint64(100));
    }

    void reportsOverTheAgentChannelReachOperators()
    {
        QVERIFY(sodium_init() >= 0);
        QTemporaryDir dir;
        ControlPlaneOptions options;
        options.dataDir = dir.filePath(QStringLiteral("cp"));
        options.listenPort = 0;
        options.metrics.metricsIntervalMs = 200;
        QString error;
        auto cp = ControlPlane::start(options, &error);
        QVERIFY2(cp, qPrintable(error));
        QFile tokenFile(cp->adminTokenPath());
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        KeelClient client;
        client.open(QUrl(cp->url() + QStringLiteral("/v1/operator")), QString::fromUtf8(tokenFile.readAll().trimmed()));
        std::optional<Result<TopologyApplied>> applied;
        client.applyTopology({{QStringLiteral("eu-west"), QStringLiteral("EU"), 53, -6, {}}}, [&](const auto &r) { applied = r; });
        QTRY_VERIFY(applied.has_value());
        std::optional<Result<JoinToken>> token;
        client.createJoinToken(QStringLiteral("eu-west"), 1, 0, [&](const auto &r) { token = r; });
        QTRY_VERIFY(token.has_value());
        QVERIFY(std::holds_alternative<JoinToken>(*token));

        // Metrics are taken for the components of the node's desired set only.
        Manifest hash;
        hash.name = QStringLiteral("hash");
        hash.version = QStringLiteral("1.0.0");
        hash.abi = ComponentAbi::Keel;
        std::optional<Result<PushedComponent>> pushed;
        client.pushComponent(hash, readFile(QStringLiteral(KEEL_SAMPLE_COMPONENTS_DIR "/hash.wasm")), [&](const auto &r) { pushed = r; });
        QTRY_VERIFY(pushed.has_value());
        QVERIFY(std::holds_alternative<PushedComponent>(*pushed));
        std::optional<Result<int>> deployed;
        client.deploy(QStringLiteral("hash"), QStringLiteral("1.0.0"), QStringLiteral("all"), [&](const auto &r) { deployed = r; });
        QTRY_VERIFY(deployed.has_value());

        RawAgent agent(QStringLiteral("edge-eu-1"), QStringLiteral("eu-west"));
        QVERIFY(agent.connect(cp->url(), std::get<JoinToken>(*token).token));
        const auto state = agent.desiredState([](const DesiredState &s) { return !s.components.isEmpty(); });
        QVERIFY(state);
        // An ack and a report naming a component the set does not: dropped, counted.
        agent.ack({state->generation, true,
                   {{QStringLiteral("hash"), QStringLiteral("1.0.0"), ComponentStatus::State::Running, RuntimeTier::Interpreter, {}},
                    {QStringLiteral("ghost"), QStringLiteral("6.6.6"), ComponentStatus::State::Running, RuntimeTier::Interpreter, {}}}});
        QTRY_COMPARE(cp->metrics().foreignComponentsForTest("ack"), 1.0);
        std::optional<Result<Node>> shown;
        client.getNode(QStringLiteral("edge-eu-1"), [&](const auto &r) { shown = r; });
        QTRY_VERIFY(shown.has_value());
        QCOMPARE(std::get<Node>(*shown).components.size(), 1);
        QCOMPARE(std::get<Node>(*shown).components.first().name, QStringLiteral("hash"));
        agent.report(report(QDateTime::currentDateTimeUtc(), QStringLiteral("ghost"), delta({10, 0, 0, 0, 0, 0, 0, 0}, 0.01)));
        QTRY_COMPARE(cp->metrics().foreignComponentsForTest("metrics"), 1.0);
        QSignalSpy windows(&client, &KeelClient::metricsWindow);
        std::optional<Result<quint64>> watching;
        client.watch({WatchTopic::Metrics}, 0, [&](const auto &r) { watching = r; });
        QTRY_VERIFY(watching.has_value());
        agent.report(report(QDateTime::currentDateTimeUtc(), QStringLiteral("hash"), delta({10, 20, 30, 40, 0, 0, 0, 0}, 0.5)));

        // The node's own reading at once, then hash's in the region and the fleet.
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(windows.cbegin(), windows.cend(), [](const QList<QVariant> &args) {
                                     return args.first().value<MetricsWindow>().component == QStringLiteral("hash");
                                 }), 10000);
        const MetricsWindow nodeLive = windows.first().first().value<MetricsWindow>();
        QCOMPARE(nodeLive.node, QStringLiteral("edge-eu-1"));
        QVERIFY(nodeLive.component.isEmpty());
        QVERIFY(nodeLive.p50Ms > 0);

        std::optional<Result<QList<MetricsWindow>>> queried;
        client.queryMetrics(QStringLiteral("hash"), QStringLiteral("eu-west"), {}, QDateTime::currentDateTimeUtc().addSecs(-600),
                            [&](const auto &r) { queried = r; });
        QTRY_VERIFY(queried.has_value());
        QVERIFY(std::holds_alternative<QList<MetricsWindow>>(*queried));
        QCOMPARE(std::get<QList<MetricsWindow>>(*queried).size(), 1);
        QCOMPARE(std::get<QList<MetricsWindow>>(*queried).first().p50Ms, 4.0); // rank 50 of 100: 2 + 3 * 20/30 ms
    }
};

QTEST_GUILESS_MAIN(tst_FleetMetrics)
#include "tst_fleetmetrics.moc"
