// The control plane's promise end to end: real keel-controlplane and keel-agent processes
// on ephemeral ports, keelctl for every operator step, HTTP to the agents. A component is
// pushed and deployed to one jurisdiction; only that jurisdiction serves it, on the AOT
// tier once the object is built; the agent keeps serving it with the control plane down
// and across its own restart; a viewer's deploy is refused and audited.
#include "httpclient.h"
#include "keelctlrun.h"
#include "processundertest.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

const QString kBinDir = QStringLiteral(KEEL_BIN_DIR);
const QString kComponents = QStringLiteral(KEEL_SAMPLE_COMPONENTS_DIR);
const QString kTestComponents = QStringLiteral(KEEL_TEST_COMPONENTS_DIR);
constexpr int kHeartbeatMs = 200;
constexpr int kGraceMs = 1500;

QString bin(const char *name)
{
    return kBinDir + u'/' + QLatin1String(name);
}

using CtlResult = KeelctlRun;

} // namespace

class tst_DesiredState : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ProcessUnderTest> m_cp;
    QString m_server;
    QString m_token;
    std::shared_ptr<ProcessUnderTest> m_eu;
    std::shared_ptr<ProcessUnderTest> m_us;
    QString m_cpMetrics;
    QString m_euHttp;
    QString m_usHttp;
    QString m_euAdmin;
    QString m_usAdmin;
    HttpClient m_http;

    CtlResult keelctl(const QStringList &arguments, const QString &token = {})
    {
        return KeelctlRun::run(bin("keelctl"), m_server, token.isEmpty() ? m_token : token, arguments);
    }

    QJsonObject node(const QString &name)
    {
        const CtlResult r = keelctl({QStringLiteral("nodes"), QStringLiteral("show"), name, QStringLiteral("-o"), QStringLiteral("json")});
        return r.exitCode == 0 ? QJsonDocument::fromJson(r.out.toUtf8()).object() : QJsonObject();
    }

    // The tier the node reports for a running component, or an empty string.
    QString runningTier(const QString &nodeName, const QString &component)
    {
        const QJsonObject n = node(nodeName);
        if (n.value(QStringLiteral("acked_generation")) != n.value(QStringLiteral("desired_generation")))
            return {};
        for (const QJsonValue &v : n.value(QStringLiteral("components")).toArray()) {
            const QJsonObject c = v.toObject();
            if (c.value(QStringLiteral("name")).toString() == component && c.value(QStringLiteral("state")).toString() == QLatin1String("running"))
                return c.value(QStringLiteral("tier")).toString();
        }
        return {};
    }

    void startControlPlane()
    {
        m_cp = std::make_unique<ProcessUnderTest>(QStringLiteral("keel-controlplane"));
        m_cp->start(bin("keel-controlplane"), {QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("cp")),
                                               QStringLiteral("--listen"), m_server.isEmpty() ? QStringLiteral("127.0.0.1:0") : m_server.mid(5),
                                               QStringLiteral("--heartbeat-interval"), QString::number(kHeartbeatMs),
                                               QStringLiteral("--grace"), QString::number(kGraceMs),
                                               QStringLiteral("--metrics-listen"), QStringLiteral("127.0.0.1:0")});
        const auto match = m_cp->waitForOutput(QRegularExpression(QStringLiteral("listening on (ws://\\S+)")));
        QVERIFY2(match.hasMatch(), qPrintable(m_cp->transcript()));
        m_server = match.captured(1);
        const auto metrics = m_cp->waitForOutput(QRegularExpression(QStringLiteral("metrics on (http://\\S+/metrics)")));
        QVERIFY2(metrics.hasMatch(), qPrintable(m_cp->transcript()));
        m_cpMetrics = metrics.captured(1);
    }

    std::shared_ptr<ProcessUnderTest> startAgent(const QString &name, const QString &region, const QString &token, QString *http)
    {
        return startAgent(name, region, token, http, name == QLatin1String("edge-us") ? &m_usAdmin : &m_euAdmin);
    }

    std::shared_ptr<ProcessUnderTest> startAgent(const QString &name, const QString &region, const QString &token, QString *http,
                                                 QString *admin)
    {
        auto agent = std::make_shared<ProcessUnderTest>(name);
        QStringList args{QStringLiteral("--controlplane"), m_server,
                         QStringLiteral("--name"), name,
                         QStringLiteral("--region"), region,
                         QStringLiteral("--data-dir"), m_dir.filePath(name),
                         QStringLiteral("--http"), QStringLiteral("127.0.0.1:0"),
                         QStringLiteral("--admin"), QStringLiteral("127.0.0.1:0")};
        if (!token.isEmpty())
            args << QStringLiteral("--join-token") << token;
        agent->start(bin("keel-agent"), args);
        const auto match = agent->waitForOutput(QRegularExpression(QStringLiteral("http listening on (127\\.0\\.0\\.1:\\d+)")));
        *http = match.hasMatch() ? QStringLiteral("http://") + match.captured(1) : QString();
        const auto adminMatch = agent->waitForOutput(QRegularExpression(QStringLiteral("admin listening on (127\\.0\\.0\\.1:\\d+)")));
        *admin = adminMatch.hasMatch() ? QStringLiteral("http://") + adminMatch.captured(1) : QString();
        return agent;
    }

    // The value of one series of an agent's /metrics: `series` is the name with its labels
    // as exposed, e.g. keel_agent_component_loads_total{component="hash"}; -1 when absent.
    double metric(const QString &admin, const QString &series)
    {
        const auto scrape = m_http.get(QUrl(admin + QStringLiteral("/metrics")), 5000);
        for (const QByteArray &line : scrape.body.split('\n')) {
            if (line.startsWith(series.toUtf8() + ' '))
                return line.mid(series.size() + 1).toDouble();
        }
        return -1;
    }

    double loads(const QString &admin, const char *component)
    {
        return metric(admin, QStringLiteral("keel_agent_component_loads_total{component=\"%1\"}").arg(QLatin1String(component)));
    }

    int get(const QString &base, const char *path)
    {
        return m_http.get(QUrl(base + QLatin1String(path)), 5000).status;
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
        QCOMPARE(keelctl({QStringLiteral("topology"), QStringLiteral("apply"), QStringLiteral("-f"), topology.fileName()}).exitCode, 0);
        for (const char *region : {"eu-west", "us-east"}) {
            const CtlResult token = keelctl({QStringLiteral("join-token"), QStringLiteral("create"), QStringLiteral("--region"), QLatin1String(region)});
            QCOMPARE(token.exitCode, 0);
            if (QLatin1String(region) == QLatin1String("eu-west"))
                m_eu = startAgent(QStringLiteral("edge-eu"), QStringLiteral("eu-west"), token.out.trimmed(), &m_euHttp);
            else
                m_us = startAgent(QStringLiteral("edge-us"), QStringLiteral("us-east"), token.out.trimmed(), &m_usHttp);
        }
        QVERIFY2(!m_euHttp.isEmpty() && !m_usHttp.isEmpty(), qPrintable(m_eu->transcript() + m_us->transcript()));
    }

    void cleanupTestCase()
    {
        m_eu.reset();
        m_us.reset();
        if (m_cp)
            m_cp->terminate();
    }

    void deployToOneJurisdictionServesOnlyThere()
    {
        const CtlResult pushed = keelctl({QStringLiteral("component"), QStringLiteral("push"), QStringLiteral("--manifest"),
                                          kComponents + QStringLiteral("/hash.yaml")});
        QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.err));
        const CtlResult deployed = keelctl({QStringLiteral("deploy"), QStringLiteral("hash@1.0.0"), QStringLiteral("--to"), QStringLiteral("jurisdiction=EU")});
        QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
        QVERIFY2(deployed.out.contains(QLatin1String("1 node(s) match")), qPrintable(deployed.out));

        QTRY_COMPARE_WITH_TIMEOUT(get(m_euHttp, "/hash/?n=1"), 200, 60000);
        QCOMPARE(get(m_usHttp, "/hash/?n=1"), 404);
        // On the AOT tier once the object is built and the node has swapped to it.
        QTRY_COMPARE_WITH_TIMEOUT(runningTier(QStringLiteral("edge-eu"), QStringLiteral("hash")), QStringLiteral("aot"), 120000);
        QCOMPARE(get(m_euHttp, "/hash/?n=1"), 200);
    }

    // wabt 1.0.32's C writer aborts on SIMD lane instructions: pushing such a module used
    // to stop the control plane for good. Now it is kept as interpreter-only and served.
    void aSimdModuleIsServedOnTheInterpreterAndNeverTranslated()
    {
        const CtlResult pushed = keelctl({QStringLiteral("component"), QStringLiteral("push"), QStringLiteral("--manifest"),
                                          kTestComponents + QStringLiteral("/simd.yaml")});
        QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.err));
        QVERIFY2(pushed.out.contains(QLatin1String("AOT: unsupported, interpreter only: SIMD (v128.load8_lane at offset 0x")),
                 qPrintable(pushed.out));
        const CtlResult deployed = keelctl({QStringLiteral("deploy"), QStringLiteral("simd@0.0.1"), QStringLiteral("--to"),
                                            QStringLiteral("jurisdiction=US")});
        QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
        QTRY_COMPARE_WITH_TIMEOUT(m_http.get(QUrl(m_usHttp + QStringLiteral("/simd/")), 5000).body, QByteArray("simd ok 3"), 60000);
        QCOMPARE(runningTier(QStringLiteral("edge-us"), QStringLiteral("simd")), QStringLiteral("interp"));
        const CtlResult shown = keelctl({QStringLiteral("component"), QStringLiteral("show"), QStringLiteral("simd@0.0.1"),
                                         QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(shown.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(shown.out.toUtf8()).object().value(QStringLiteral("aot_state")).toString(),
                 QStringLiteral("unsupported"));
        QVERIFY2(m_cp->isRunning(), qPrintable(m_cp->transcript()));
    }

    // Generations are per node, and a swap keeps what did not change: a deploy to one
    // jurisdiction sends the other nodes no new generation and reloads nothing on them;
    // where it lands only the new component is instantiated, and its AOT object, when it
    // arrives, reloads that component alone.
    void aDeployToOneJurisdictionLeavesTheOthersUntouched()
    {
        const auto usGeneration = node(QStringLiteral("edge-us")).value(QStringLiteral("desired_generation"));
        QVERIFY(usGeneration.toInteger() > 0);
        QCOMPARE(loads(m_usAdmin, "simd"), 1.0);
        const double hashLoads = loads(m_euAdmin, "hash");
        QVERIFY(hashLoads >= 1);

        const CtlResult pushed = keelctl({QStringLiteral("component"), QStringLiteral("push"), QStringLiteral("--manifest"),
                                          kComponents + QStringLiteral("/echo.yaml")});
        QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.err));
        const CtlResult deployed = keelctl({QStringLiteral("deploy"), QStringLiteral("echo@1.0.0"), QStringLiteral("--to"),
                                            QStringLiteral("jurisdiction=EU")});
        QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
        QTRY_COMPARE_WITH_TIMEOUT(m_http.send("POST", QUrl(m_euHttp + QStringLiteral("/echo/")), "hi", 5000).status, 200, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(runningTier(QStringLiteral("edge-eu"), QStringLiteral("echo")), QStringLiteral("aot"), 120000);
        QCOMPARE(loads(m_euAdmin, "echo"), 2.0); // the interpreter first, then its AOT object
        QCOMPARE(loads(m_euAdmin, "hash"), hashLoads);
        QCOMPARE(get(m_euHttp, "/hash/?n=1"), 200);

        QCOMPARE(node(QStringLiteral("edge-us")).value(QStringLiteral("desired_generation")), usGeneration);
        QCOMPARE(loads(m_usAdmin, "simd"), 1.0);
        QCOMPARE(m_http.get(QUrl(m_usHttp + QStringLiteral("/simd/")), 5000).body, QByteArray("simd ok 3"));
        QVERIFY2(m_us->output().count(QLatin1String("serving simd 0.0.1")) == 1, qPrintable(m_us->transcript()));
    }

    void metricsShowLatencyPercentilesAfterTraffic()
    {
        for (int i = 0; i < 20; ++i)
            QCOMPARE(get(m_euHttp, "/hash/?n=50"), 200);
        // Agents report every 2 s; the control plane merges their buckets per region.
        QJsonObject window;
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            const CtlResult r = keelctl({QStringLiteral("metrics"), QStringLiteral("--component"), QStringLiteral("hash"),
                                         QStringLiteral("--region"), QStringLiteral("eu-west"), QStringLiteral("-o"), QStringLiteral("json")});
            const QJsonArray windows = QJsonDocument::fromJson(r.out.toUtf8()).array();
            double requests = 0;
            for (const QJsonValue &v : windows) {
                requests += v.toObject().value(QStringLiteral("requests_per_second")).toDouble();
                window = v.toObject();
            }
            return r.exitCode == 0 && requests > 0;
        }(), 20000);
        QVERIFY(window.value(QStringLiteral("p50_ms")).toDouble() > 0);
        QVERIFY(window.value(QStringLiteral("p99_ms")).toDouble() >= window.value(QStringLiteral("p50_ms")).toDouble());
        QCOMPARE(window.value(QStringLiteral("region")).toString(), QStringLiteral("eu-west"));
        // Nothing ran in the US.
        const CtlResult us = keelctl({QStringLiteral("metrics"), QStringLiteral("--component"), QStringLiteral("hash"),
                                      QStringLiteral("--region"), QStringLiteral("us-east"), QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(us.exitCode, 0);
        QVERIFY(QJsonDocument::fromJson(us.out.toUtf8()).array().isEmpty());
    }

    void controlPlaneMetricsPassPromtool()
    {
        const auto scrape = m_http.get(QUrl(m_cpMetrics), 5000);
        QCOMPARE(scrape.status, 200);
        for (const char *family : {"keel_cp_connections", "keel_cp_operator_requests_total", "keel_cp_store_statement_seconds",
                                   "keel_cp_nodes", "keel_cp_metrics_reports_total", "keel_cp_audit_records_total"})
            QVERIFY2(scrape.body.contains(QByteArray("# TYPE ") + family + ' '), family);
        QVERIFY(scrape.body.contains("keel_cp_nodes{region=\"eu-west\",status=\"ready\"} 1"));
        const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
        QVERIFY2(!promtool.isEmpty(), "promtool not found: run packaging/deps.sh (Debian package prometheus)");
        QProcess check;
        check.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
        QVERIFY(check.waitForStarted());
        check.write(scrape.body);
        check.closeWriteChannel();
        QVERIFY(check.waitForFinished(30000));
        QVERIFY2(check.exitStatus() == QProcess::NormalExit && check.exitCode() == 0,
                 qPrintable(QString::fromUtf8(check.readAllStandardOutput() + check.readAllStandardError())));
    }

    void servesItsLastSetWithTheControlPlaneDown()
    {
        m_cp->terminate();
        QVERIFY(m_cp->waitForExit(10000) >= 0);
        QCOMPARE(get(m_euHttp, "/hash/?n=1"), 200);
        // Restarted while the control plane is away: it serves what it applied before.
        m_eu.reset();
        m_eu = startAgent(QStringLiteral("edge-eu"), QStringLiteral("eu-west"), {}, &m_euHttp);
        QVERIFY2(!m_euHttp.isEmpty(), qPrintable(m_eu->transcript()));
        QTRY_COMPARE_WITH_TIMEOUT(get(m_euHttp, "/hash/?n=1"), 200, 20000);

        // And reconciles when the control plane is back (which starts with the SIMD
        // version in its registry and does not hand it to the translator).
        startControlPlane();
        QTRY_COMPARE_WITH_TIMEOUT(runningTier(QStringLiteral("edge-eu"), QStringLiteral("hash")), QStringLiteral("aot"), 60000);
    }

    void aViewersDeployIsRefusedAndAudited()
    {
        const CtlResult viewer = keelctl({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--role"), QStringLiteral("viewer"),
                                          QStringLiteral("--name"), QStringLiteral("auditor")});
        QCOMPARE(viewer.exitCode, 0);
        const CtlResult refused = keelctl({QStringLiteral("deploy"), QStringLiteral("hash@1.0.0"), QStringLiteral("--to"), QStringLiteral("all")},
                                          viewer.out.trimmed());
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QLatin1String("needs role operator")), qPrintable(refused.err));
        QCOMPARE(get(m_usHttp, "/hash/?n=1"), 404);

        const CtlResult audit = keelctl({QStringLiteral("audit"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(audit.exitCode, 0);
        int denied = 0;
        for (const QJsonValue &v : QJsonDocument::fromJson(audit.out.toUtf8()).array()) {
            const QJsonObject r = v.toObject();
            if (r.value(QStringLiteral("principal")).toString() == QLatin1String("token:auditor")
                && r.value(QStringLiteral("action")).toString() == QLatin1String("deploy")
                && r.value(QStringLiteral("result")).toString().startsWith(QLatin1String("denied")))
                ++denied;
        }
        QCOMPARE(denied, 1);
    }
};

QTEST_GUILESS_MAIN(tst_DesiredState)
#include "tst_desiredstate.moc"
