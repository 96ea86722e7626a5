// InlinePolicy on its own, with the clock injected: when a component earns the network
// thread, when it loses it, and for how long.
#include "inlinepolicy.h"

#include <QtTest>

using namespace keel::agent;
using namespace std::chrono_literals;

namespace {

using Clock = InlinePolicy::Clock;

void proveFast(InlinePolicy &policy, Clock::time_point now, std::uint32_t runs = InlinePolicy::kPromoteAfter)
{
    for (std::uint32_t i = 0; i < runs; ++i)
        policy.recordWorker(20us, false, now);
}

} // namespace

class tst_InlinePolicy : public QObject
{
    Q_OBJECT

private slots:
    void startsOnWorkersAndEarnsInline()
    {
        InlinePolicy policy;
        const auto now = Clock::now();
        QVERIFY(!policy.mayRunInline());
        proveFast(policy, now, InlinePolicy::kPromoteAfter - 1);
        QVERIFY(!policy.mayRunInline());
        proveFast(policy, now, 1);
        QVERIFY(policy.mayRunInline());
    }

    void aSlowWorkerRunStartsTheCountAgain()
    {
        InlinePolicy policy;
        const auto now = Clock::now();
        proveFast(policy, now, InlinePolicy::kPromoteAfter - 1);
        policy.recordWorker(InlinePolicy::kBudget / 2, false, now);
        proveFast(policy, now, InlinePolicy::kPromoteAfter - 1);
        QVERIFY(!policy.mayRunInline());
        policy.recordWorker(20us, true, now); // a deadline, however quick
        proveFast(policy, now, InlinePolicy::kPromoteAfter - 1);
        QVERIFY(!policy.mayRunInline());
        proveFast(policy, now, 1);
        QVERIFY(policy.mayRunInline());
    }

    void oneDeadlineOrHardBudgetDemotesAtOnce()
    {
        for (const bool deadline : {true, false}) {
            InlinePolicy policy;
            const auto now = Clock::now();
            proveFast(policy, now);
            QVERIFY(!policy.recordInline(deadline ? 10us : InlinePolicy::kHardBudget + 1us, deadline, now));
            QVERIFY(!policy.mayRunInline());
            QCOMPARE(policy.demotions(), 1u);
        }
    }

    void twoSlowInlineRunsInARowDemote()
    {
        InlinePolicy policy;
        const auto now = Clock::now();
        proveFast(policy, now);
        const auto slow = InlinePolicy::kBudget + 100us;
        QVERIFY(policy.recordInline(slow, false, now)); // once: could be the machine
        QVERIFY(policy.recordInline(10us, false, now));
        QVERIFY(policy.recordInline(slow, false, now)); // not in a row
        QVERIFY(policy.mayRunInline());
        QVERIFY(!policy.recordInline(slow, false, now));
        QVERIFY(!policy.mayRunInline());
    }

    void coolDownDoublesAndIsForgiven()
    {
        InlinePolicy policy;
        auto now = Clock::now();
        proveFast(policy, now);
        policy.recordInline(10us, true, now);
        // Fast again at once, but the cool-down holds.
        proveFast(policy, now);
        QVERIFY(!policy.mayRunInline());
        now += InlinePolicy::kCooldown;
        proveFast(policy, now);
        QVERIFY(policy.mayRunInline());
        // The second demotion in a row: twice as long.
        policy.recordInline(10us, true, now);
        proveFast(policy, now + 2 * InlinePolicy::kCooldown - 1s);
        QVERIFY(!policy.mayRunInline());
        now += 2 * InlinePolicy::kCooldown;
        proveFast(policy, now);
        QVERIFY(policy.mayRunInline());
        // Long good behaviour resets the cool-down to its first length.
        now += InlinePolicy::kForgiveAfter;
        QVERIFY(policy.recordInline(10us, false, now));
        policy.recordInline(10us, true, now);
        proveFast(policy, now + InlinePolicy::kCooldown);
        QVERIFY(policy.mayRunInline());
        QCOMPARE(policy.demotions(), 3u);
    }
};

QTEST_GUILESS_MAIN(tst_InlinePolicy)
#include "tst_inlinepolicy.moc"
