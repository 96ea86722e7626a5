// ComponentLog on its own, with the clock injected: what a component logs is kept in
// order up to its rate and buffer, and what is beyond them is dropped and counted.
#include "componentlog.h"

#include <QtTest>

using namespace keel::agent;
using namespace std::chrono_literals;

class tst_ComponentLog : public QObject
{
    Q_OBJECT

private slots:
    void linesComeOutInOrder()
    {
        ComponentLog log;
        const auto now = ComponentLog::Clock::now();
        log.add("one", now);
        log.add("two", now);
        auto drained = log.drain();
        QCOMPARE(drained.lines, (std::vector<std::string>{"one", "two"}));
        QCOMPARE(drained.dropped, 0u);
        QVERIFY(log.drain().lines.empty());
    }

    void burstThenRate()
    {
        ComponentLog::Limits limits;
        limits.linesPerSecond = 10;
        limits.burst = 5;
        ComponentLog log(limits);
        auto now = ComponentLog::Clock::now() + 1s; // a full bucket
        for (int i = 0; i < 8; ++i)
            log.add("line " + std::to_string(i), now);
        auto drained = log.drain();
        QCOMPARE(drained.lines.size(), 5u);
        QCOMPARE(drained.lines.back(), std::string("line 4"));
        QCOMPARE(drained.dropped, 3u);
        // A tenth of a second later: room for one more line.
        now += 100ms;
        log.add("later", now);
        log.add("too soon", now);
        drained = log.drain();
        QCOMPARE(drained.lines, (std::vector<std::string>{"later"}));
        QCOMPARE(drained.dropped, 1u);
        QCOMPARE(log.droppedTotal(), 4u);
    }

    void bufferBoundsWhatWaits()
    {
        ComponentLog::Limits limits;
        limits.burst = 1000;
        limits.bufferBytes = 100;
        ComponentLog log(limits);
        const auto now = ComponentLog::Clock::now() + 10s;
        for (int i = 0; i < 20; ++i)
            log.add(std::string(10, 'x'), now);
        auto drained = log.drain();
        QCOMPARE(drained.lines.size(), 10u);
        QCOMPARE(drained.dropped, 10u);
        log.add("after the drain", now); // the buffer is free again
        QCOMPARE(log.drain().lines.size(), 1u);
    }

    void longLinesAreCut()
    {
        ComponentLog::Limits limits;
        limits.lineBytes = 8;
        ComponentLog log(limits);
        log.add("0123456789abcdef", ComponentLog::Clock::now());
        QCOMPARE(log.drain().lines.front(), std::string("01234567 [cut]"));
    }
};

QTEST_GUILESS_MAIN(tst_ComponentLog)
#include "tst_componentlog.moc"
