// keel-fleetsim end to end: the real keel-controlplane, keel-fleetsim with twenty simulated
// agents in each scenario, keelctl to look at what the control plane shows. Everything is
// asserted from the simulator's JSON report and keelctl's JSON; nothing is timed.
//   steady:  every agent admitted and ready (keelctl shows them ready while the sim runs;
//            SIGTERM ends it), every report sent seen on the watch, none lost
//   deploy:  hello@1.0.0 fetched chunk by chunk, acknowledged by every agent, converged
//   rollout: hello@2.0.0 in waves without bake until succeeded
//   storm:   every agent drops its connection and is admitted again holding the same
//            generation; reports dropped on purpose are counted apart, none lost
#include "testfleet.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <csignal>

namespace {

const QString kComponents = QStringLiteral(KEEL_SAMPLE_COMPONENTS_DIR);
constexpr int kAgents = 20;
constexpr int kRunMs = 300000; // generous: the machine may be busy

} // namespace

class tst_FleetSim : public QObject
{
    Q_OBJECT

private:
    TestFleet m_fleet{QStringLiteral(KEEL_BIN_DIR)};

    QStringList common(const QString &prefix, const QString &report) const
    {
        return {QStringLiteral("--server"), m_fleet.server(), QStringLiteral("--token"), m_fleet.token(),
                QStringLiteral("--agents"), QString::number(kAgents), QStringLiteral("--regions"), QStringLiteral("2"),
                QStringLiteral("--prefix"), prefix, QStringLiteral("--report"), report, QStringLiteral("--grace"),
                QStringLiteral("30")};
    }

    // Runs keel-fleetsim to its end; its report, or why there is none.
    QJsonObject run(const QString &prefix, const QStringList &arguments, QString *why)
    {
        const QString report = m_fleet.path(prefix + QStringLiteral(".json"));
        QProcess sim;
        sim.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        sim.start(m_fleet.bin("keel-fleetsim"), common(prefix, report) + arguments);
        if (!QTest::qWaitFor([&] { return sim.state() == QProcess::NotRunning; }, kRunMs)) {
            sim.kill();
            sim.waitForFinished();
            *why = QStringLiteral("keel-fleetsim did not finish");
            return {};
        }
        return readReport(report, why);
    }

    static QJsonObject readReport(const QString &path, QString *why)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *why = QStringLiteral("no report: ") + file.errorString();
            return {};
        }
        return QJsonDocument::fromJson(file.readAll()).object();
    }

    static double num(const QJsonObject &o, const char *key) { return o.value(QLatin1String(key)).toDouble(-1); }

    // What holds after every run: all admitted, every report sent seen, none lost. (A run
    // ended by a signal as soon as its nodes are ready may not have reported yet.)
    static void verifyReports(const QJsonObject &report, bool someSent = true)
    {
        QCOMPARE(num(report, "agents"), double(kAgents));
        QCOMPARE(num(report, "admitted"), double(kAgents));
        QVERIFY(!someSent || num(report, "reports_sent") > 0);
        QCOMPARE(num(report, "reports_seen"), num(report, "reports_sent"));
        QCOMPARE(num(report, "reports_lost"), 0.0);
        QVERIFY(report.value(QStringLiteral("report_to_watch_ms")).toObject().contains(QStringLiteral("p99")));
        QVERIFY(num(report.value(QStringLiteral("sim")).toObject(), "cpu_seconds") >= 0);
    }

    int readyNodes(const QString &prefix)
    {
        const auto listed = m_fleet.ctl({QStringLiteral("nodes"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")});
        int ready = 0;
        for (const QJsonValue &node : listed.array()) {
            const QJsonObject o = node.toObject();
            ready += o.value(QStringLiteral("name")).toString().startsWith(prefix + u'-')
                     && o.value(QStringLiteral("status")).toString() == QLatin1String("ready");
        }
        return ready;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_fleet.isValid());
        QString why;
        QVERIFY2(m_fleet.startControlPlane({QStringLiteral("--heartbeat-interval"), QStringLiteral("500"),
                                            QStringLiteral("--metrics-interval"), QStringLiteral("500")}, &why),
                 qPrintable(why));
        const QString module = kComponents + QStringLiteral("/hello.wasm");
        for (const QString &version : {QStringLiteral("1.0.0"), QStringLiteral("2.0.0")}) {
            const auto pushed = m_fleet.ctl({QStringLiteral("component"), QStringLiteral("push"), module, QStringLiteral("--name"),
                                             QStringLiteral("hello"), QStringLiteral("--version"), version});
            QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.err));
        }
    }

    void steady()
    {
        const QString report = m_fleet.path(QStringLiteral("steady.json"));
        QProcess sim;
        sim.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        sim.start(m_fleet.bin("keel-fleetsim"), common(QStringLiteral("steady"), report) << QStringLiteral("--duration")
                                                                                          << QStringLiteral("0"));
        // Until a signal: the control plane shows every simulated node ready meanwhile.
        QTRY_COMPARE_WITH_TIMEOUT(readyNodes(QStringLiteral("steady")), kAgents, kRunMs);
        ::kill(pid_t(sim.processId()), SIGTERM);
        QVERIFY(QTest::qWaitFor([&] { return sim.state() == QProcess::NotRunning; }, kRunMs));
        QCOMPARE(sim.exitCode(), 0);
        QString why;
        const QJsonObject r = readReport(report, &why);
        QVERIFY2(!r.isEmpty(), qPrintable(why));
        verifyReports(r, false);
        QCOMPARE(r.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(num(r, "ready_at_end"), double(kAgents));
        QCOMPARE(num(r, "desired_states_received"), double(kAgents));
        QCOMPARE(r.value(QStringLiteral("errors")).toObject(), QJsonObject());
    }

    void deploy()
    {
        QString why;
        const QJsonObject r = run(QStringLiteral("deploy"), {QStringLiteral("--scenario"), QStringLiteral("deploy"), QStringLiteral("hello@1.0.0"),
                                                              QStringLiteral("--fetch"), QStringLiteral("--duration"), QStringLiteral("1")},
                                  &why);
        QVERIFY2(!r.isEmpty(), qPrintable(why));
        verifyReports(r);
        const QJsonObject scenario = r.value(QStringLiteral("scenario")).toObject();
        QVERIFY2(scenario.value(QStringLiteral("ok")).toBool(), qPrintable(scenario.value(QStringLiteral("error")).toString()));
        QCOMPARE(num(scenario, "agents_acked"), double(kAgents));
        QCOMPARE(num(scenario, "nodes_converged"), double(kAgents));
        QVERIFY(num(scenario, "acked_seconds") >= 0);
        QVERIFY(num(scenario, "converged_seconds") >= 0);
        QVERIFY(num(r, "acks_sent") >= 2 * kAgents); // the first state, then the deploy
        QCOMPARE(num(r, "artifacts_fetched"), double(kAgents));
        QCOMPARE(num(r, "nacks_sent"), 0.0);
    }

    void rollout()
    {
        QString why;
        const QJsonObject r = run(QStringLiteral("rollout"), {QStringLiteral("--scenario"), QStringLiteral("rollout"), QStringLiteral("hello@2.0.0"),
                                                               QStringLiteral("--waves"), QStringLiteral("4"), QStringLiteral("--bake"),
                                                               QStringLiteral("0"), QStringLiteral("--duration"), QStringLiteral("1")},
                                  &why);
        QVERIFY2(!r.isEmpty(), qPrintable(why));
        verifyReports(r);
        const QJsonObject scenario = r.value(QStringLiteral("scenario")).toObject();
        QVERIFY2(scenario.value(QStringLiteral("ok")).toBool(), qPrintable(scenario.value(QStringLiteral("error")).toString()));
        QCOMPARE(scenario.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(num(scenario, "nodes"), double(kAgents));
        QCOMPARE(num(scenario, "agents_acked"), double(kAgents));
    }

    void storm()
    {
        QString why;
        const QJsonObject r = run(QStringLiteral("storm"), {QStringLiteral("--scenario"), QStringLiteral("storm"), QStringLiteral("--duration"),
                                                             QStringLiteral("2"), QStringLiteral("--drop-rate"), QStringLiteral("0.2"),
                                                             QStringLiteral("--delay-ms"), QStringLiteral("20")},
                                  &why);
        QVERIFY2(!r.isEmpty(), qPrintable(why));
        verifyReports(r);
        QVERIFY(r.value(QStringLiteral("ok")).toBool());
        QVERIFY(num(r, "heartbeats_sent") > 0);
        const QJsonArray storms = r.value(QStringLiteral("storms")).toArray();
        QCOMPARE(storms.size(), 1);
        const QJsonObject storm = storms.first().toObject();
        QCOMPARE(storm.value(QStringLiteral("complete")).toBool(), true);
        QCOMPARE(num(storm, "readmitted_same_generation"), double(kAgents));
        QCOMPARE(num(storm, "readmitted_other_generation"), 0.0);
        QCOMPARE(num(r, "welcomes"), double(2 * kAgents));
        QVERIFY(num(r, "reports_dropped") > 0); // counted apart: not in sent, not lost
    }
};

QTEST_GUILESS_MAIN(tst_FleetSim)
#include "tst_fleetsim.moc"
