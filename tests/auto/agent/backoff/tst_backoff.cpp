#include "control/backoff.h"

#include <QTest>

using keel::agent::Backoff;
using namespace std::chrono_literals;

class tst_Backoff : public QObject
{
    Q_OBJECT

private slots:
    void growsToTheCap()
    {
        // The highest jitter shows the ceilings: 250, 500, 1000, ... capped at 15 s.
        Backoff backoff(250ms, 2.0, 15s, [] { return 0.999999; });
        const std::vector<long> expected{250, 500, 1000, 2000, 4000, 8000, 15000, 15000};
        for (const long ms : expected)
            QCOMPARE(backoff.next().count(), ms);
    }

    void fullJitterReachesZero()
    {
        Backoff backoff(250ms, 2.0, 15s, [] { return 0.0; });
        QCOMPARE(backoff.next().count(), 0);
        QCOMPARE(backoff.ceiling().count(), 500);
    }

    void jitterIsProportional()
    {
        Backoff backoff(250ms, 2.0, 15s, [] { return 0.5; });
        QCOMPARE(backoff.next().count(), 125);
        QCOMPARE(backoff.next().count(), 250);
    }

    void resetStartsOver()
    {
        Backoff backoff(250ms, 2.0, 15s, [] { return 0.999999; });
        for (int i = 0; i < 10; ++i)
            backoff.next();
        backoff.reset();
        QCOMPARE(backoff.next().count(), 250);
    }

    void defaultRandomStaysInBounds()
    {
        Backoff backoff(250ms, 2.0, 15s);
        for (int i = 0; i < 100; ++i) {
            const auto ceiling = backoff.ceiling();
            const auto delay = backoff.next();
            QVERIFY(delay >= 0ms && delay <= ceiling);
        }
    }
};

QTEST_APPLESS_MAIN(tst_Backoff)
#include "tst_backoff.moc"
