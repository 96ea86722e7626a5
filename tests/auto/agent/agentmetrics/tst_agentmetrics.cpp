// The agent's per-report metrics windows: one per component version, and errors as the
// control plane's rollout gates judge them (every answer of 500 or more).
#include "metrics/agentmetrics.h"

#include <QtTest>

#include <algorithm>

using namespace keel::agent;

namespace {

const AgentMetrics::ComponentWindow *find(const std::vector<AgentMetrics::ComponentWindow> &windows,
                                          const std::string &component, const std::string &version)
{
    const auto it = std::find_if(windows.begin(), windows.end(), [&](const AgentMetrics::ComponentWindow &w) {
        return w.component == component && w.version == version;
    });
    return it == windows.end() ? nullptr : &*it;
}

std::uint64_t bucketTotal(const AgentMetrics::ComponentWindow &w)
{
    std::uint64_t total = 0;
    for (const auto count : w.counts)
        total += count;
    return total;
}

} // namespace

class tst_AgentMetrics : public QObject
{
    Q_OBJECT

private slots:
    void twoVersionsOfOneComponentAreReportedSeparately()
    {
        AgentMetrics metrics("test", "edge-1", "eu");
        metrics.setComponentMemorySource([] { return std::vector<std::pair<std::string, double>>{{"hash", 4096}}; });
        metrics.addComponent("hash", "1.0.0", "keel", "interp");
        metrics.countComponentRequest("hash", "1.0.0", "interp", 200, {}, 0.001);
        metrics.observeInstantiation("hash", "1.0.0", "interp", 0.002, true);
        // The switch: 2.0.0 is served now, while requests of 1.0.0 still finish.
        metrics.clearComponents();
        metrics.addComponent("hash", "2.0.0", "keel", "aot");
        metrics.countComponentRequest("hash", "1.0.0", "interp", 200, {}, 0.003);
        metrics.countComponentRequest("hash", "2.0.0", "aot", 200, {}, 0.0002);
        metrics.countComponentRequest("hash", "2.0.0", "aot", 500, {}, 0.0002);

        const auto windows = metrics.takeWindows();
        QCOMPARE(windows.size(), size_t(2));
        const auto *old = find(windows, "hash", "1.0.0");
        const auto *now = find(windows, "hash", "2.0.0");
        QVERIFY(old && now);
        QCOMPARE(old->requests, 2u);
        QCOMPARE(old->count, 2u);
        QCOMPARE(bucketTotal(*old), 2u);
        QCOMPARE(old->errors, 0u);
        QCOMPARE(old->coldStarts, 1u);
        QCOMPARE(*old->tier, RuntimeTier::Interpreter);
        QCOMPARE(old->memoryBytes, 0u); // the memory source reads the served instances only
        QCOMPARE(now->requests, 2u);
        QCOMPARE(now->errors, 1u);
        QCOMPARE(*now->tier, RuntimeTier::Aot);
        QCOMPARE(now->memoryBytes, 4096u);
        QCOMPARE(now->coldStarts, 0u);

        // The next window starts empty; an idle version reports nothing.
        QVERIFY(metrics.takeWindows().empty());
        // A straggler of the old version, after its window was forgotten, is still its own.
        metrics.countComponentRequest("hash", "1.0.0", "interp", 200, {}, 0.001);
        const auto later = metrics.takeWindows();
        QCOMPARE(later.size(), size_t(1));
        QCOMPARE(later.front().version, std::string("1.0.0"));
        QCOMPARE(later.front().requests, 1u);
    }

    void everyAnswerOf500OrMoreIsAnError_data()
    {
        QTest::addColumn<unsigned>("status");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("error");
        QTest::newRow("guest 200") << 200u << "" << false;
        QTest::newRow("guest 404") << 404u << "" << false;
        QTest::newRow("guest 500") << 500u << "" << true;
        QTest::newRow("guest 503") << 503u << "" << true;
        QTest::newRow("trap") << 500u << "trap" << true;
        QTest::newRow("deadline") << 504u << "deadline" << true;
        QTest::newRow("response too large") << 502u << "response_too_large" << true;
        QTest::newRow("overloaded") << 503u << "" << true;
    }

    void everyAnswerOf500OrMoreIsAnError()
    {
        QFETCH(unsigned, status);
        QFETCH(QString, kind);
        QFETCH(bool, error);
        AgentMetrics metrics("test", "edge-1", "eu");
        metrics.addComponent("hash", "2.1.0-broken", "keel", "interp");
        const std::string errorKind = kind.toStdString();
        metrics.countComponentRequest("hash", "2.1.0-broken", "interp", status, errorKind, 0.001);
        const auto windows = metrics.takeWindows();
        QCOMPARE(windows.size(), size_t(1));
        QCOMPARE(windows.front().requests, 1u);
        QCOMPARE(windows.front().errors, error ? 1u : 0u);
        // Prometheus keeps counting runtime failures by kind, and answers by status.
        const std::string text = metrics.scrape();
        QVERIFY(text.find("keel_agent_component_requests_total{code=\"" + std::to_string(status)
                          + "\",component=\"hash\"} 1") != std::string::npos);
        for (const char *k : {"trap", "deadline", "response_too_large"}) {
            const std::string series = "keel_agent_component_errors_total{component=\"hash\",kind=\"" + std::string(k) + "\"} ";
            QVERIFY2(text.find(series + (errorKind == k ? "1" : "0")) != std::string::npos, series.c_str());
        }
    }

    void standbyMetrics()
    {
        AgentMetrics metrics("test", "edge-1", "eu");
        const std::string before = metrics.scrape();
        QVERIFY(before.find("keel_agent_standby_components 0") != std::string::npos);
        QVERIFY(before.find("keel_agent_standby_load_failures_total 0") != std::string::npos);
        metrics.setStandbyComponents(1);
        metrics.countStandbyFailures(2);
        metrics.countStandbyFailures(0);
        const std::string after = metrics.scrape();
        QVERIFY(after.find("keel_agent_standby_components 1") != std::string::npos);
        QVERIFY(after.find("keel_agent_standby_load_failures_total 2") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(tst_AgentMetrics)
#include "tst_agentmetrics.moc"
