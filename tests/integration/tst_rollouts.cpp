// Progressive rollouts end to end: a real keel-controlplane, four keel-agents in two
// regions serving the hash component under steady HTTP traffic, keelctl for every step.
// A good version goes out wave by wave in the requested region order; a version that
// answers 500s is rolled back by the error-rate gate and a ten times slower one by the
// p99-regression gate, both without reloading the baseline; too little traffic waits and
// fails at the deadline; a control plane killed with SIGKILL between waves resumes and
// finishes without redoing a wave. Through all of it no request fails except the broken
// version's own 500s.
#include "processundertest.h"
#include "trafficgenerator.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

const QString kBinDir = QStringLiteral(KEEL_BIN_DIR);
const QString kComponents = QStringLiteral(KEEL_SAMPLE_COMPONENTS_DIR);
constexpr int kWait = 60000;
const QStringList kNodes = {QStringLiteral("edge-eu-1"), QStringLiteral("edge-eu-2"), QStringLiteral("edge-us-1"),
                            QStringLiteral("edge-us-2")};

QString bin(const char *name)
{
    return kBinDir + u'/' + QLatin1String(name);
}

struct Ctl
{
    int exitCode = -1;
    QString out;
    QString err;
    QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
};

} // namespace

class tst_Rollouts : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ProcessUnderTest> m_cp;
    QString m_server;
    QString m_token;
    QList<std::shared_ptr<ProcessUnderTest>> m_agents;
    QHash<QString, QString> m_admin; // node -> admin URL
    TrafficGenerator m_traffic;
    QNetworkAccessManager m_http;

    // keelctl without blocking the event loop: the traffic keeps flowing meanwhile.
    Ctl ctl(const QStringList &arguments, int timeoutMs = 30000)
    {
        QProcess process;
        process.start(bin("keelctl"), QStringList{QStringLiteral("--server"), m_server, QStringLiteral("--token"), m_token} + arguments);
        Ctl result;
        if (!QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, timeoutMs)) {
            process.kill();
            process.waitForFinished();
            result.err = QStringLiteral("keelctl did not finish within %1 ms").arg(timeoutMs);
        } else {
            result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        }
        result.out = QString::fromUtf8(process.readAllStandardOutput());
        result.err += QString::fromUtf8(process.readAllStandardError());
        return result;
    }

    QJsonObject status(const QString &id)
    {
        return ctl({QStringLiteral("rollout"), QStringLiteral("status"), id, QStringLiteral("-o"), QStringLiteral("json")}).json();
    }

    QString start(const QStringList &arguments)
    {
        const Ctl started = ctl(QStringList{QStringLiteral("rollout"), QStringLiteral("start")} + arguments
                                + QStringList{QStringLiteral("-o"), QStringLiteral("json")});
        if (started.exitCode != 0)
            qWarning("rollout start failed: %s", qPrintable(started.err));
        return started.json().value(QStringLiteral("id")).toString();
    }

    // `rollout status ID --watch -o json` to the end: every event it printed, in order.
    QList<QJsonObject> watch(const QString &id, int *exitCode)
    {
        const Ctl watched = ctl({QStringLiteral("rollout"), QStringLiteral("status"), id, QStringLiteral("--watch"),
                                 QStringLiteral("-o"), QStringLiteral("json")},
                                180000);
        *exitCode = watched.exitCode;
        QList<QJsonObject> events;
        for (const QString &line : watched.out.split(u'\n', Qt::SkipEmptyParts))
            events.append(QJsonDocument::fromJson(line.toUtf8()).object());
        if (events.isEmpty())
            qWarning("watch printed nothing: %s", qPrintable(watched.err));
        return events;
    }

    double agentMetric(const QString &node, const QString &series)
    {
        QNetworkReply *reply = m_http.get(QNetworkRequest(QUrl(m_admin.value(node) + QStringLiteral("/metrics"))));
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 5000)) {
            reply->deleteLater();
            return -1;
        }
        const QByteArray body = reply->readAll();
        reply->deleteLater();
        for (const QByteArray &line : body.split('\n')) {
            if (line.startsWith(series.toUtf8() + ' '))
                return line.mid(series.size() + 1).toDouble();
        }
        return -1;
    }

    double hashLoads(const QString &node)
    {
        return agentMetric(node, QStringLiteral("keel_agent_component_loads_total{component=\"hash\"}"));
    }

    bool allRun(const QString &version)
    {
        return std::all_of(kNodes.cbegin(), kNodes.cend(), [&](const QString &node) { return m_traffic.lastVersion(node) == version; });
    }

    void startControlPlane()
    {
        m_cp = std::make_unique<ProcessUnderTest>(QStringLiteral("keel-controlplane"));
        m_cp->start(bin("keel-controlplane"), {QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("cp")),
                                               QStringLiteral("--listen"), m_server.isEmpty() ? QStringLiteral("127.0.0.1:0") : m_server.mid(5),
                                               QStringLiteral("--heartbeat-interval"), QStringLiteral("200"),
                                               QStringLiteral("--grace"), QStringLiteral("1500"),
                                               QStringLiteral("--metrics-interval"), QStringLiteral("500")});
        const auto match = m_cp->waitForOutput(QRegularExpression(QStringLiteral("listening on (ws://\\S+)")));
        QVERIFY2(match.hasMatch(), qPrintable(m_cp->transcript()));
        m_server = match.captured(1);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        startControlPlane();
        QFile tokenFile(m_dir.filePath(QStringLiteral("cp/admin.token")));
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        m_token = QString::fromUtf8(tokenFile.readAll().trimmed());
        QFile topology(m_dir.filePath(QStringLiteral("topology.yaml")));
        QVERIFY(topology.open(QIODevice::WriteOnly));
        topology.write("regions:\n"
                       "  - {name: eu-west, jurisdiction: EU, latitude: 53.35, longitude: -6.26}\n"
                       "  - {name: us-east, jurisdiction: US, latitude: 38.9, longitude: -77.04}\n");
        topology.close();
        QCOMPARE(ctl({QStringLiteral("topology"), QStringLiteral("apply"), QStringLiteral("-f"), topology.fileName()}).exitCode, 0);
        for (const QString &name : kNodes) {
            const QString region = name.startsWith(QLatin1String("edge-eu")) ? QStringLiteral("eu-west") : QStringLiteral("us-east");
            const Ctl token = ctl({QStringLiteral("join-token"), QStringLiteral("create"), QStringLiteral("--region"), region});
            QCOMPARE(token.exitCode, 0);
            auto agent = std::make_shared<ProcessUnderTest>(name);
            agent->start(bin("keel-agent"), {QStringLiteral("--controlplane"), m_server, QStringLiteral("--name"), name,
                                             QStringLiteral("--region"), region, QStringLiteral("--data-dir"), m_dir.filePath(name),
                                             QStringLiteral("--http"), QStringLiteral("127.0.0.1:0"),
                                             QStringLiteral("--admin"), QStringLiteral("127.0.0.1:0"),
                                             QStringLiteral("--join-token"), token.out.trimmed()});
            const auto http = agent->waitForOutput(QRegularExpression(QStringLiteral("http listening on (127\\.0\\.0\\.1:\\d+)")));
            const auto admin = agent->waitForOutput(QRegularExpression(QStringLiteral("admin listening on (127\\.0\\.0\\.1:\\d+)")));
            QVERIFY2(http.hasMatch() && admin.hasMatch(), qPrintable(agent->transcript()));
            m_traffic.addTarget(name, QStringLiteral("http://") + http.captured(1));
            m_admin.insert(name, QStringLiteral("http://") + admin.captured(1));
            m_agents.append(agent);
        }
        // Every version pushed, the baseline on every node, all of it on the AOT tier:
        // gates compare versions on the same tier.
        for (const QString &manifest : {kComponents + QStringLiteral("/hash.yaml"),
                                        kComponents + QStringLiteral("/hash-versions/hash-2.0.0.yaml"),
                                        kComponents + QStringLiteral("/hash-versions/hash-2.1.0-broken.yaml"),
                                        kComponents + QStringLiteral("/hash-versions/hash-2.2.0-slow.yaml")}) {
            const Ctl pushed = ctl({QStringLiteral("component"), QStringLiteral("push"), QStringLiteral("--manifest"), manifest});
            QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.err));
        }
        // The health path travels with the manifest: agents check it before switching.
        const Ctl shown = ctl({QStringLiteral("component"), QStringLiteral("show"), QStringLiteral("hash@2.0.0"), QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(shown.json().value(QStringLiteral("health_path")).toString(), QStringLiteral("/healthz"));
        const Ctl deployed = ctl({QStringLiteral("deploy"), QStringLiteral("hash@1.0.0"), QStringLiteral("--to"), QStringLiteral("all")});
        QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
        auto built = [this] {
            const Ctl list = ctl({QStringLiteral("component"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")});
            const QJsonArray versions = QJsonDocument::fromJson(list.out.toUtf8()).array();
            return versions.size() == 4 && std::all_of(versions.begin(), versions.end(), [](const QJsonValue &v) {
                return v.toObject().value(QStringLiteral("aot_state")).toString() == QLatin1String("ready");
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(built(), 240000);
        m_traffic.start(QStringLiteral("/hash/?n=20000"), 100);
        QTRY_VERIFY_WITH_TIMEOUT(allRun(QStringLiteral("1.0.0")), kWait);
    }

    void cleanupTestCase()
    {
        m_traffic.stop();
        m_agents.clear();
        if (m_cp)
            m_cp->terminate();
    }

    void aGoodVersionGoesOutWaveByWaveInRegionOrder()
    {
        const QString id = start({QStringLiteral("hash@2.0.0"), QStringLiteral("--to"), QStringLiteral("all"),
                                  QStringLiteral("--order"), QStringLiteral("us-east,eu-west"), QStringLiteral("--batch"), QStringLiteral("1"),
                                  QStringLiteral("--bake"), QStringLiteral("2s"), QStringLiteral("--min-requests"), QStringLiteral("5"),
                                  QStringLiteral("--max-p99-regression"), QStringLiteral("4")});
        QVERIFY(id.startsWith(QLatin1String("r-")));
        int exitCode = -1;
        const QList<QJsonObject> events = watch(id, &exitCode);
        QVERIFY2(exitCode == 0, QJsonDocument(status(id)).toJson(QJsonDocument::Compact).constData());

        const QJsonObject done = status(id);
        QCOMPARE(done.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(done.value(QStringLiteral("baseline_version")).toString(), QStringLiteral("1.0.0"));
        const QJsonArray waves = done.value(QStringLiteral("waves")).toArray();
        QCOMPARE(waves.size(), 4);
        // us-east's two waves first, then eu-west's; each began after the one before passed.
        const QStringList regions = {QStringLiteral("us-east"), QStringLiteral("us-east"), QStringLiteral("eu-west"), QStringLiteral("eu-west")};
        QString previousFinished;
        for (int i = 0; i < waves.size(); ++i) {
            const QJsonObject wave = waves[i].toObject();
            QCOMPARE(wave.value(QStringLiteral("index")).toInt(), i + 1);
            QCOMPARE(wave.value(QStringLiteral("regions")).toArray().first().toString(), regions[i]);
            QCOMPARE(wave.value(QStringLiteral("nodes")).toArray().size(), 1);
            QCOMPARE(wave.value(QStringLiteral("state")).toString(), QStringLiteral("passed"));
            QVERIFY(wave.value(QStringLiteral("started")).toString() >= previousFinished);
            previousFinished = wave.value(QStringLiteral("finished")).toString();
            bool sawErrorGate = false;
            for (const QJsonValue &g : wave.value(QStringLiteral("gates")).toArray()) {
                const QJsonObject gate = g.toObject();
                QVERIFY2(gate.value(QStringLiteral("passed")).toBool(), qPrintable(QJsonDocument(gate).toJson()));
                sawErrorGate = sawErrorGate || gate.value(QStringLiteral("name")).toString() == QLatin1String("error_rate");
            }
            QVERIFY(sawErrorGate);
        }
        // The watch saw transitions and gate evaluations as they happened.
        QStringList kinds;
        for (const QJsonObject &event : events)
            kinds.append(event.value(QStringLiteral("event")).toString());
        QVERIFY2(kinds.filter(QStringLiteral("gates evaluated")).size() >= 2, qPrintable(kinds.join(u'\n')));
        QVERIFY2(kinds.filter(QStringLiteral("wave 1 passed")).size() == 1, qPrintable(kinds.join(u'\n')));
        QTRY_VERIFY_WITH_TIMEOUT(allRun(QStringLiteral("2.0.0")), kWait);
        // The rollout wrote the rule it rolled out.
        const Ctl rules = ctl({QStringLiteral("deployments"), QStringLiteral("--component"), QStringLiteral("hash"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(rules.out.contains(QLatin1String("\"version\": \"2.0.0\"")), qPrintable(rules.out));
    }

    void aVersionAnswering500sIsRolledBackByTheErrorRateGate()
    {
        const double loadsBefore = hashLoads(QStringLiteral("edge-eu-1"));
        const QString id = start({QStringLiteral("hash@2.1.0-broken"), QStringLiteral("--to"), QStringLiteral("all"),
                                  QStringLiteral("--order"), QStringLiteral("eu-west,us-east"), QStringLiteral("--batch"), QStringLiteral("1"),
                                  QStringLiteral("--bake"), QStringLiteral("3s"), QStringLiteral("--min-requests"), QStringLiteral("5"),
                                  QStringLiteral("--max-error-rate"), QStringLiteral("0.05")});
        QVERIFY(!id.isEmpty());
        int exitCode = -1;
        watch(id, &exitCode);
        QCOMPARE(exitCode, 1);
        const QJsonObject done = status(id);
        QCOMPARE(done.value(QStringLiteral("state")).toString(), QStringLiteral("rolled_back"));
        const QJsonObject failure = done.value(QStringLiteral("failure")).toObject();
        QCOMPARE(failure.value(QStringLiteral("gate")).toString(), QStringLiteral("error_rate"));
        QCOMPARE(failure.value(QStringLiteral("nodes")).toArray(), QJsonArray{QStringLiteral("edge-eu-1")});
        QCOMPARE(failure.value(QStringLiteral("value")).toDouble(), 1.0);
        QCOMPARE(failure.value(QStringLiteral("threshold")).toDouble(), 0.05);
        const QString sentence = failure.value(QStringLiteral("sentence")).toString();
        QVERIFY2(sentence.startsWith(QLatin1String("error rate 100% on edge-eu-1 over ")) && sentence.endsWith(QLatin1String("exceeded 5%")),
                 qPrintable(sentence));
        const QJsonArray waves = done.value(QStringLiteral("waves")).toArray();
        QCOMPARE(waves[0].toObject().value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QCOMPARE(waves[1].toObject().value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
        QTRY_VERIFY_WITH_TIMEOUT(allRun(QStringLiteral("2.0.0")), kWait);
        // Back on the baseline that stayed loaded: one load for the broken version, none
        // for the way back.
        QCOMPARE(hashLoads(QStringLiteral("edge-eu-1")), loadsBefore + 1);
    }

    void aTenTimesSlowerVersionIsRolledBackByTheP99RegressionGate()
    {
        const QString id = start({QStringLiteral("hash@2.2.0-slow"), QStringLiteral("--to"), QStringLiteral("all"),
                                  QStringLiteral("--order"), QStringLiteral("eu-west,us-east"), QStringLiteral("--batch"), QStringLiteral("1"),
                                  QStringLiteral("--bake"), QStringLiteral("4s"), QStringLiteral("--min-requests"), QStringLiteral("10"),
                                  QStringLiteral("--max-p99-regression"), QStringLiteral("2")});
        QVERIFY(!id.isEmpty());
        int exitCode = -1;
        watch(id, &exitCode);
        QCOMPARE(exitCode, 1);
        const QJsonObject done = status(id);
        QCOMPARE(done.value(QStringLiteral("state")).toString(), QStringLiteral("rolled_back"));
        const QJsonObject failure = done.value(QStringLiteral("failure")).toObject();
        QCOMPARE(failure.value(QStringLiteral("gate")).toString(), QStringLiteral("p99_regression"));
        // p99 comes from merged buckets (steps of 2 to 2.5×), so the measured ratio of a ten
        // times slower version is well above 2 but not exactly 10.
        QVERIFY2(failure.value(QStringLiteral("value")).toDouble() > 2, qPrintable(QJsonDocument(failure).toJson()));
        const QString node = failure.value(QStringLiteral("nodes")).toArray().first().toString();
        QVERIFY2(failure.value(QStringLiteral("sentence")).toString().contains(QStringLiteral("the baseline's on ") + node),
                 qPrintable(failure.value(QStringLiteral("sentence")).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(allRun(QStringLiteral("2.0.0")), kWait);
    }

    void tooLittleTrafficWaitsThenFailsAtTheDeadline()
    {
        const QString id = start({QStringLiteral("hash@1.0.0"), QStringLiteral("--to"), QStringLiteral("name=edge-us-2"),
                                  QStringLiteral("--bake"), QStringLiteral("1s"), QStringLiteral("--min-requests"), QStringLiteral("1000000"),
                                  QStringLiteral("--deadline"), QStringLiteral("8s")});
        QVERIFY(!id.isEmpty());
        int exitCode = -1;
        const QList<QJsonObject> events = watch(id, &exitCode);
        QCOMPARE(exitCode, 1);
        bool waited = false;
        for (const QJsonObject &event : events) {
            const QJsonArray waves = event.value(QStringLiteral("waves")).toArray();
            waited = waited || (!waves.isEmpty() && waves[0].toObject().value(QStringLiteral("state")).toString() == QLatin1String("waiting_for_traffic"));
        }
        QVERIFY(waited);
        const QJsonObject done = status(id);
        QCOMPARE(done.value(QStringLiteral("state")).toString(), QStringLiteral("rolled_back"));
        const QJsonObject failure = done.value(QStringLiteral("failure")).toObject();
        QCOMPARE(failure.value(QStringLiteral("gate")).toString(), QStringLiteral("min_requests"));
        QVERIFY2(failure.value(QStringLiteral("sentence")).toString().contains(QLatin1String("before the deadline")),
                 qPrintable(failure.value(QStringLiteral("sentence")).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(m_traffic.lastVersion(QStringLiteral("edge-us-2")) == QLatin1String("2.0.0"), kWait);
    }

    void aRolloutSurvivesKill9OfTheControlPlaneBetweenWaves()
    {
        const QString id = start({QStringLiteral("hash@1.0.0"), QStringLiteral("--to"), QStringLiteral("all"),
                                  QStringLiteral("--order"), QStringLiteral("eu-west,us-east"), QStringLiteral("--batch"), QStringLiteral("1"),
                                  QStringLiteral("--bake"), QStringLiteral("3s"), QStringLiteral("--min-requests"), QStringLiteral("5")});
        QVERIFY(!id.isEmpty());
        // One rollout per component: a second one and a deploy are refused, naming it.
        const Ctl second = ctl({QStringLiteral("rollout"), QStringLiteral("start"), QStringLiteral("hash@2.0.0"), QStringLiteral("--to"), QStringLiteral("all")});
        QCOMPARE(second.exitCode, 1);
        QVERIFY2(second.err.contains(id), qPrintable(second.err));
        const Ctl deploy = ctl({QStringLiteral("deploy"), QStringLiteral("hash@2.0.0"), QStringLiteral("--to"), QStringLiteral("all")});
        QCOMPARE(deploy.exitCode, 1);
        QVERIFY2(deploy.err.contains(id), qPrintable(deploy.err));

        auto waveState = [this, id](int index) {
            return status(id).value(QStringLiteral("waves")).toArray().at(index).toObject().value(QStringLiteral("state")).toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(waveState(0), QStringLiteral("passed"), kWait);
        const QJsonObject before = status(id);
        const QString firstFinished = before.value(QStringLiteral("waves")).toArray().at(0).toObject().value(QStringLiteral("finished")).toString();
        QVERIFY(!firstFinished.isEmpty());

        m_cp->kill();
        QVERIFY(m_cp->waitForExit() != 0 || !m_cp->isRunning());
        const int answersDuringOutage = m_traffic.answers(QStringLiteral("edge-us-1"));
        QTRY_VERIFY_WITH_TIMEOUT(m_traffic.answers(QStringLiteral("edge-us-1")) > answersDuringOutage + 5, kWait); // still serving
        startControlPlane();

        int exitCode = -1;
        watch(id, &exitCode);
        QVERIFY2(exitCode == 0, QJsonDocument(status(id)).toJson(QJsonDocument::Compact).constData());
        const QJsonObject done = status(id);
        QCOMPARE(done.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        const QJsonArray waves = done.value(QStringLiteral("waves")).toArray();
        // The wave that had passed was not redone.
        QCOMPARE(waves.at(0).toObject().value(QStringLiteral("finished")).toString(), firstFinished);
        for (const QJsonValue &wave : waves)
            QCOMPARE(wave.toObject().value(QStringLiteral("state")).toString(), QStringLiteral("passed"));
        QTRY_VERIFY_WITH_TIMEOUT(allRun(QStringLiteral("1.0.0")), kWait);
    }

    // The agent checks a new version through its health path before switching; a refusal
    // (a NACK) fails the wave at once and nothing ever served the bad version.
    void aVersionFailingItsHealthCheckIsRefusedBeforeItServes()
    {
        // The broken build answers 200 only on /healthz: named /ready, its check fails.
        QVERIFY(QFile::copy(kComponents + QStringLiteral("/hash-versions/hash-2.1.0-broken.wasm"),
                            m_dir.filePath(QStringLiteral("unhealthy.wasm"))));
        QFile manifest(m_dir.filePath(QStringLiteral("hash-2.3.0-unhealthy.yaml")));
        QVERIFY(manifest.open(QIODevice::WriteOnly));
        manifest.write("name: hash\nversion: 2.3.0-unhealthy\nabi: keel\nmodule: unhealthy.wasm\nhealth_path: /ready\n");
        manifest.close();
        const Ctl pushed = ctl({QStringLiteral("component"), QStringLiteral("push"), QStringLiteral("--manifest"), manifest.fileName()});
        QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.err));
        const int failuresBefore = int(m_traffic.failures().size());
        const QString id = start({QStringLiteral("hash@2.3.0-unhealthy"), QStringLiteral("--to"), QStringLiteral("all"),
                                  QStringLiteral("--order"), QStringLiteral("us-east,eu-west"), QStringLiteral("--batch"), QStringLiteral("2"),
                                  QStringLiteral("--bake"), QStringLiteral("2s")});
        QVERIFY(!id.isEmpty());
        int exitCode = -1;
        watch(id, &exitCode);
        QCOMPARE(exitCode, 1);
        const QJsonObject done = status(id);
        QCOMPARE(done.value(QStringLiteral("state")).toString(), QStringLiteral("rolled_back"));
        const QJsonObject failure = done.value(QStringLiteral("failure")).toObject();
        QCOMPARE(failure.value(QStringLiteral("gate")).toString(), QStringLiteral("ack"));
        const QString sentence = failure.value(QStringLiteral("sentence")).toString();
        QVERIFY2(sentence.contains(QLatin1String("health check GET /ready answered 500")), qPrintable(sentence));
        QVERIFY2(failure.value(QStringLiteral("nodes")).toArray().first().toString().startsWith(QLatin1String("edge-us-")), qPrintable(sentence));
        QCOMPARE(int(m_traffic.failures().size()), failuresBefore); // never served
        QVERIFY(allRun(QStringLiteral("1.0.0")));
    }

    void pauseResumeAndAbortDoWhatTheySay()
    {
        // A canary that waits after its first step until resumed.
        QString id = start({QStringLiteral("hash@2.0.0"), QStringLiteral("--to"), QStringLiteral("all"), QStringLiteral("--steps"),
                            QStringLiteral("1,100%"), QStringLiteral("--pause-after-step"), QStringLiteral("--order"),
                            QStringLiteral("eu-west,us-east"), QStringLiteral("--bake"), QStringLiteral("1s"),
                            QStringLiteral("--min-requests"), QStringLiteral("3")});
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(status(id).value(QStringLiteral("state")).toString(), QStringLiteral("paused"), kWait);
        QVERIFY(status(id).value(QStringLiteral("message")).toString().contains(QLatin1String("paused after step 1")));
        QTRY_COMPARE_WITH_TIMEOUT(m_traffic.lastVersion(QStringLiteral("edge-eu-1")), QStringLiteral("2.0.0"), kWait);
        QCOMPARE(m_traffic.lastVersion(QStringLiteral("edge-eu-2")), QStringLiteral("1.0.0"));
        const Ctl resumed = ctl({QStringLiteral("rollout"), QStringLiteral("resume"), id});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        int exitCode = -1;
        watch(id, &exitCode);
        QVERIFY2(exitCode == 0, QJsonDocument(status(id)).toJson(QJsonDocument::Compact).constData());
        QTRY_VERIFY_WITH_TIMEOUT(allRun(QStringLiteral("2.0.0")), kWait);

        // Abort: the switched nodes go back to the baseline at once.
        id = start({QStringLiteral("hash@1.0.0"), QStringLiteral("--to"), QStringLiteral("all"), QStringLiteral("--batch"), QStringLiteral("2"),
                    QStringLiteral("--order"), QStringLiteral("eu-west,us-east"), QStringLiteral("--bake"), QStringLiteral("60s")});
        QVERIFY(!id.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(m_traffic.lastVersion(QStringLiteral("edge-eu-1")) == QLatin1String("1.0.0")
                                     && m_traffic.lastVersion(QStringLiteral("edge-eu-2")) == QLatin1String("1.0.0"), kWait);
        const Ctl aborted = ctl({QStringLiteral("rollout"), QStringLiteral("abort"), id, QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(aborted.exitCode == 0, qPrintable(aborted.err));
        QCOMPARE(aborted.json().value(QStringLiteral("state")).toString(), QStringLiteral("aborted"));
        QTRY_VERIFY_WITH_TIMEOUT(allRun(QStringLiteral("2.0.0")), kWait);
        // Nothing left to abort, and it says so.
        const Ctl again = ctl({QStringLiteral("rollout"), QStringLiteral("abort"), id});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains(QLatin1String("is aborted")), qPrintable(again.err));
    }

    void noRequestFailedButTheBrokenVersionsOwn500s()
    {
        m_traffic.stop();
        const auto unexpected = m_traffic.unexpectedFailures(QStringLiteral("broken on purpose"));
        QStringList lines;
        for (const auto &f : unexpected)
            lines.append(QStringLiteral("%1: %2 %3").arg(f.node).arg(f.status).arg(f.body));
        QVERIFY2(unexpected.isEmpty(), qPrintable(lines.mid(0, 20).join(u'\n')));
        // The broken version did answer, and was caught on those answers.
        QVERIFY(!m_traffic.failures().isEmpty());
        for (const QString &node : kNodes)
            QVERIFY2(m_traffic.answers(node) > 50, qPrintable(node));
    }
};

QTEST_GUILESS_MAIN(tst_Rollouts)
#include "tst_rollouts.moc"
