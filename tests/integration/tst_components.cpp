#include "httpclient.h"
#include "processundertest.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <sys/resource.h>
#include <vector>

namespace {

const QString kBinDir = QStringLiteral(KEEL_BIN_DIR);
const QString kSamples = QStringLiteral(KEEL_SAMPLE_COMPONENTS_DIR);
const QString kHostile = QStringLiteral(KEEL_TEST_COMPONENTS_DIR);
constexpr int kLoopDeadlineMs = 300; // tests/components/loop/loop.yaml
constexpr int kSlackMs = 1500;       // scheduling on a loaded test machine, not the runtime's

bool copyComponent(const QString &from, const QString &name, const QString &to)
{
    for (const QString &suffix : {QStringLiteral(".wasm"), QStringLiteral(".yaml")}) {
        QFile::remove(to + u'/' + name + suffix);
        if (!QFile::copy(from + u'/' + name + suffix, to + u'/' + name + suffix))
            return false;
    }
    return true;
}

} // namespace

// keel-agent --components DIR, end to end: the real binary, real manifests and modules,
// real HTTP. The samples serve, the hostile components fail only themselves, refused
// manifests are skipped with their reasons, and kv survives a restart.
class tst_Components : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_components;
    std::unique_ptr<ProcessUnderTest> m_agent;
    QUrl m_http;
    QUrl m_admin;
    HttpClient m_client;

    bool startAgent()
    {
        m_agent = std::make_unique<ProcessUnderTest>(QStringLiteral("keel-agent"));
        m_agent->start(kBinDir + QStringLiteral("/keel-agent"),
                       {QStringLiteral("--name"), QStringLiteral("edge-test"), QStringLiteral("--region"),
                        QStringLiteral("local"), QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("data")),
                        QStringLiteral("--components"), m_components, QStringLiteral("--http"),
                        QStringLiteral("127.0.0.1:0"), QStringLiteral("--admin"), QStringLiteral("127.0.0.1:0")});
        const auto http = m_agent->waitForOutput(QRegularExpression(QStringLiteral("http listening on (127\\.0\\.0\\.1:\\d+)")), 30000);
        const auto admin = m_agent->waitForOutput(QRegularExpression(QStringLiteral("admin listening on (127\\.0\\.0\\.1:\\d+)")));
        if (!http.hasMatch() || !admin.hasMatch())
            return false;
        m_http = QUrl(QStringLiteral("http://") + http.captured(1));
        m_admin = QUrl(QStringLiteral("http://") + admin.captured(1));
        return true;
    }

    bool appendTo(const QString &manifest, const QByteArray &text)
    {
        QFile file(QDir(m_components).filePath(manifest));
        return file.open(QIODevice::Append) && file.write(text) == text.size();
    }

    QUrl url(const QString &pathAndQuery) const { return QUrl(m_http.toString() + pathAndQuery); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_components = m_dir.filePath(QStringLiteral("components"));
        QVERIFY(QDir().mkpath(m_components));
        for (const char *name : {"hello", "echo", "counter"})
            QVERIFY2(copyComponent(kSamples, QLatin1String(name), m_components), name);
        for (const char *name : {"loop", "trap", "membomb", "bigresponse", "forbidden", "invalid"})
            QVERIFY2(copyComponent(kHostile, QLatin1String(name), m_components), name);

        // Tier auto: echo gets its AOT object; counter gets echo's, which keel-agent must
        // refuse (another module's digest) and serve counter on the interpreter instead.
        // Tier aot with that wrong object: no fallback, the component is refused.
        QProcess aot;
        aot.start(kBinDir + QStringLiteral("/keel-aot"), {QDir(m_components).filePath(QStringLiteral("echo.wasm")),
                                                          QStringLiteral("-o"), QDir(m_components).filePath(QStringLiteral("echo.so"))});
        QVERIFY(aot.waitForFinished(120000));
        QVERIFY2(aot.exitCode() == 0, aot.readAllStandardError().constData());
        QVERIFY(appendTo(QStringLiteral("echo.yaml"), "aot: echo.so\n"));
        QVERIFY(appendTo(QStringLiteral("counter.yaml"), "aot: echo.so\n"));
        // A manifest with a field the format does not have.
        QVERIFY(appendTo(QStringLiteral("broken.yaml"),
                         "name: broken\nversion: 1.0.0\nabi: wagi\nmodule: hello.wasm\ncolour: red\n"));
        QVERIFY(appendTo(QStringLiteral("hello-aot.yaml"),
                         "name: hello-aot\nversion: 1.0.0\nabi: wagi\nmodule: hello.wasm\naot: echo.so\ntier: aot\n"));
        QVERIFY2(startAgent(), qPrintable(m_agent->transcript()));
    }

    void cleanupTestCase()
    {
        if (m_agent)
            m_agent->terminate();
    }

    void everyGoodComponentIsServed()
    {
        const QString out = m_agent->output();
        for (const QString &line : {QStringLiteral("serving hello 1.0.0 (wagi, interp) at /hello/"),
                                    QStringLiteral("serving echo 1.0.0 (keel, aot) at /echo/"),
                                    QStringLiteral("serving counter 1.0.0 (keel, interp) at /counter/")})
            QVERIFY2(out.contains(line), qPrintable(m_agent->transcript()));
        QVERIFY2(out.contains(QStringLiteral("serving 7 components from %1 (4 refused)").arg(m_components)),
                 qPrintable(m_agent->transcript()));

        const auto listing = m_client.get(url(QStringLiteral("/")));
        QCOMPARE(listing.status, 200);
        QMap<QString, QJsonObject> byName;
        for (const QJsonValue &v : QJsonDocument::fromJson(listing.body).object().value(QStringLiteral("components")).toArray())
            byName.insert(v.toObject().value(QStringLiteral("name")).toString(), v.toObject());
        QCOMPARE(byName.size(), 7);
        const QJsonObject hello = byName.value(QStringLiteral("hello"));
        QCOMPARE(hello.value(QStringLiteral("version")).toString(), QStringLiteral("1.0.0"));
        QCOMPARE(hello.value(QStringLiteral("abi")).toString(), QStringLiteral("wagi"));
        QCOMPARE(hello.value(QStringLiteral("tier")).toString(), QStringLiteral("interp"));
        QCOMPARE(byName.value(QStringLiteral("echo")).value(QStringLiteral("abi")).toString(), QStringLiteral("keel"));
        QCOMPARE(byName.value(QStringLiteral("echo")).value(QStringLiteral("tier")).toString(), QStringLiteral("aot"));
        QCOMPARE(byName.value(QStringLiteral("counter")).value(QStringLiteral("tier")).toString(), QStringLiteral("interp"));
        // Why counter is not on AOT, said once at load.
        const QString fallback = QStringLiteral("component %1: tier auto: ").arg(QDir(m_components).filePath(QStringLiteral("counter.yaml")));
        const QString fallbackLine = out.mid(out.indexOf(fallback)).section(u'\n', 0, 0);
        QVERIFY2(out.contains(fallback) && fallbackLine.contains(QLatin1String("echo.so"))
                     && fallbackLine.endsWith(QLatin1String("serving it on the interpreter")),
                 qPrintable(m_agent->transcript()));
    }

    void refusedComponentsAreSkippedWithTheirReasons()
    {
        const QString err = m_agent->errors();
        const QString forbidden = QStringLiteral("keel-agent: component %1: ").arg(QDir(m_components).filePath(QStringLiteral("forbidden.yaml")));
        const QString invalid = QStringLiteral("keel-agent: component %1: ").arg(QDir(m_components).filePath(QStringLiteral("invalid.yaml")));
        QVERIFY2(err.contains(forbidden), qPrintable(m_agent->transcript()));
        QVERIFY2(err.contains(invalid), qPrintable(m_agent->transcript()));
        // The reasons: the ungranted import by name, and the validator's complaint.
        const QString forbiddenLine = err.mid(err.indexOf(forbidden)).section(u'\n', 0, 0);
        QVERIFY2(forbiddenLine.contains(QLatin1String("kv")), qPrintable(forbiddenLine));
        const QString invalidLine = err.mid(err.indexOf(invalid)).section(u'\n', 0, 0);
        QVERIFY2(invalidLine.size() > invalid.size() + 10, qPrintable(invalidLine));
        const QString wrongObject = QStringLiteral("keel-agent: component %1: ").arg(QDir(m_components).filePath(QStringLiteral("hello-aot.yaml")));
        const QString wrongObjectLine = err.mid(err.indexOf(wrongObject)).section(u'\n', 0, 0);
        QVERIFY2(err.contains(wrongObject) && wrongObjectLine.contains(QLatin1String("echo.so")), qPrintable(m_agent->transcript()));
        QCOMPARE(m_client.get(url(QStringLiteral("/hello-aot/"))).status, 404);
        const QString broken = QStringLiteral("keel-agent: component %1:5: colour: ").arg(QDir(m_components).filePath(QStringLiteral("broken.yaml")));
        QVERIFY2(err.contains(broken), qPrintable(m_agent->transcript()));
        QCOMPARE(m_client.get(url(QStringLiteral("/broken/"))).status, 404);
        QCOMPARE(m_client.get(url(QStringLiteral("/forbidden/"))).status, 404);
        QCOMPARE(m_client.get(url(QStringLiteral("/invalid/"))).status, 404);
    }

    void helloAnswers()
    {
        const auto reply = m_client.get(url(QStringLiteral("/hello/")));
        QCOMPARE(reply.status, 200);
        QVERIFY2(reply.body.contains("Hello from Keel"), reply.body.constData());
    }

    void echoEchoesThePost()
    {
        const auto reply = m_client.send("POST", url(QStringLiteral("/echo/a/b?x=1")), "ping body");
        QCOMPARE(reply.status, 200);
        const QJsonObject echo = QJsonDocument::fromJson(reply.body).object();
        QCOMPARE(echo.value(QStringLiteral("method")).toString(), QStringLiteral("POST"));
        QCOMPARE(echo.value(QStringLiteral("path")).toString(), QStringLiteral("/a/b"));
        QCOMPARE(echo.value(QStringLiteral("query")).toString(), QStringLiteral("x=1"));
        QCOMPARE(echo.value(QStringLiteral("body")).toString(), QStringLiteral("ping body"));
    }

    void loopTimesOutWhileEchoKeepsServing()
    {
        QNetworkReply *loop = m_client.start("GET", url(QStringLiteral("/loop/")));
        constexpr int kEchoes = 30;
        int failures = 0;
        QStringList failed;
        for (int round = 0; round < kEchoes / 3; ++round) {
            std::vector<QNetworkReply *> echoes;
            for (int i = 0; i < 3; ++i)
                echoes.push_back(m_client.start("POST", url(QStringLiteral("/echo/n")), QByteArray::number(round * 3 + i)));
            for (QNetworkReply *echo : echoes) {
                const auto r = HttpClient::wait(echo, 10000);
                if (r.status != 200) {
                    ++failures;
                    failed << QStringLiteral("%1 %2").arg(r.status).arg(r.error);
                }
            }
        }
        const auto timedOut = HttpClient::wait(loop, 10000);
        QCOMPARE(timedOut.status, 504);
        QVERIFY2(timedOut.elapsedMs < kLoopDeadlineMs + kSlackMs, qPrintable(QString::number(timedOut.elapsedMs)));
        QVERIFY2(failures == 0, qPrintable(failed.join(u',')));
    }

    void hostileComponentsFailAlone_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("minStatus");
        QTest::addColumn<int>("maxStatus");
        QTest::newRow("trap") << QStringLiteral("/trap/") << 500 << 500;
        QTest::newRow("bigresponse") << QStringLiteral("/bigresponse/") << 500 << 599;
    }

    void hostileComponentsFailAlone()
    {
        QFETCH(QString, path);
        QFETCH(int, minStatus);
        QFETCH(int, maxStatus);
        const auto reply = m_client.get(url(path), 30000);
        QVERIFY2(reply.status >= minStatus && reply.status <= maxStatus,
                 qPrintable(QStringLiteral("%1: %2 %3").arg(reply.status).arg(reply.error, QString::fromUtf8(reply.body.left(200)))));
        QVERIFY2(m_agent->isRunning(), qPrintable(m_agent->transcript()));
        QCOMPARE(m_client.get(url(QStringLiteral("/hello/"))).status, 200);
    }

    void memoryBombIsContained()
    {
        // The cap (membomb.yaml: memory_mb 32) makes memory.grow fail; the bomb writes into
        // memory it never got and traps: a 5xx, never more than memory_mb held.
        const auto reply = m_client.get(url(QStringLiteral("/membomb/")), 30000);
        QVERIFY2(reply.status / 100 == 5, qPrintable(QString::number(reply.status)));
        QVERIFY2(m_agent->isRunning(), qPrintable(m_agent->transcript()));
        QCOMPARE(m_client.get(url(QStringLiteral("/hello/"))).status, 200);
    }

    // 3,000 idle connections used to fill the listener and refuse every new request
    // until they closed; the longest-waiting ones now make room, and the request is served.
    // Oversized headers and bodies are answered (431, 413), not cut off.
    void slowAndIdleClientsCannotLockOthersOut()
    {
        rlimit files{};
        QVERIFY(getrlimit(RLIMIT_NOFILE, &files) == 0);
        files.rlim_cur = files.rlim_max;
        QVERIFY(setrlimit(RLIMIT_NOFILE, &files) == 0);
        QVERIFY2(files.rlim_cur > 3200, "this test needs room for 3,200 open files");

        std::vector<std::unique_ptr<QTcpSocket>> idle;
        int connected = 0;
        for (int i = 0; i < 3000; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            QObject::connect(socket.get(), &QTcpSocket::connected, socket.get(), [&connected] { ++connected; });
            socket->connectToHost(m_http.host(), quint16(m_http.port()));
            idle.push_back(std::move(socket));
        }
        QTRY_COMPARE_WITH_TIMEOUT(connected, 3000, 60000);
        const auto answer = m_client.get(url(QStringLiteral("/hello/")), 10000);
        QVERIFY2(answer.status == 200, qPrintable(answer.error));
        idle.clear();

        // A 200 KB header: 431, delivered although the client was still sending.
        QTcpSocket big;
        big.connectToHost(m_http.host(), quint16(m_http.port()));
        QVERIFY(big.waitForConnected(5000));
        big.write("GET /hello/ HTTP/1.1\r\nHost: edge\r\nX-Big: " + QByteArray(200 * 1024, 'a') + "\r\n\r\n");
        QByteArray reply;
        QTRY_VERIFY_WITH_TIMEOUT((reply += big.readAll()).contains("\r\n"), 10000);
        QVERIFY2(reply.startsWith("HTTP/1.1 431"), reply.left(80).constData());

        // A body over the data port's 1 MiB: 413.
        const auto tooLarge = m_client.send("POST", url(QStringLiteral("/echo/")), QByteArray(2 * 1024 * 1024, 'b'), 10000);
        QCOMPARE(tooLarge.status, 413);

        const auto metrics = m_client.get(QUrl(m_admin.toString() + QStringLiteral("/metrics")));
        QVERIFY(metrics.body.contains("keel_agent_http_connections_evicted_total{listener=\"data\",reason=\"peer_limit\"}"));
        QVERIFY(metrics.body.contains("keel_agent_http_requests_total{code=\"431\",listener=\"data\"} 1"));
        QVERIFY(metrics.body.contains("keel_agent_http_requests_total{code=\"413\",listener=\"data\"} 1"));
    }

    void metricsPassPromtool()
    {
        const auto metrics = m_client.get(QUrl(m_admin.toString() + QStringLiteral("/metrics")));
        QCOMPARE(metrics.status, 200);
        for (const char *family : {"keel_agent_component_requests_total", "keel_agent_component_errors_total",
                                   "keel_agent_request_duration_seconds", "keel_agent_instantiation_seconds",
                                   "keel_agent_cold_starts_total", "keel_agent_component_memory_bytes",
                                   "keel_agent_component_info", "keel_agent_components",
                                   "keel_agent_components_refused", "process_resident_memory_bytes"})
            QVERIFY2(metrics.body.contains(QByteArray("# TYPE ") + family + ' '), family);
        QVERIFY(metrics.body.contains("keel_agent_component_requests_total{code=\"504\",component=\"loop\"}"));
        QVERIFY(metrics.body.contains("keel_agent_components_refused 4"));

        // Required, not optional: Debian's prometheus package ships it (packaging/deps.sh).
        const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
        QVERIFY2(!promtool.isEmpty(), "promtool not found: run packaging/deps.sh (Debian package prometheus)");
        QProcess check;
        check.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
        QVERIFY(check.waitForStarted());
        check.write(metrics.body);
        check.closeWriteChannel();
        QVERIFY(check.waitForFinished(30000));
        QVERIFY2(check.exitStatus() == QProcess::NormalExit && check.exitCode() == 0,
                 qPrintable(QString::fromUtf8(check.readAllStandardOutput() + check.readAllStandardError())));
    }

    void missingComponentsDirIsABadSetup()
    {
        ProcessUnderTest agent(QStringLiteral("keel-agent (no such dir)"));
        agent.start(kBinDir + QStringLiteral("/keel-agent"),
                    {QStringLiteral("--name"), QStringLiteral("edge-test"), QStringLiteral("--region"), QStringLiteral("local"),
                     QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("data-2")), QStringLiteral("--components"),
                     m_dir.filePath(QStringLiteral("no-such-dir")), QStringLiteral("--http"), QStringLiteral("127.0.0.1:0"),
                     QStringLiteral("--admin"), QStringLiteral("127.0.0.1:0")});
        QCOMPARE(agent.waitForExit(), 2);
        QVERIFY2(agent.errors().contains(QLatin1String("keel-agent: --components: ")), qPrintable(agent.transcript()));
    }

    void kvPersistsAcrossRestart()
    {
        QCOMPARE(m_client.send("DELETE", url(QStringLiteral("/counter/apples")), {}).status / 100, 2);
        for (int expected = 1; expected <= 2; ++expected) {
            const auto reply = m_client.get(url(QStringLiteral("/counter/apples")));
            QCOMPARE(reply.status, 200);
            QCOMPARE(QJsonDocument::fromJson(reply.body).object().value(QStringLiteral("count")).toInt(), expected);
        }
        m_agent->kill(); // no clean shutdown: what was answered must already be durable
        QVERIFY2(startAgent(), qPrintable(m_agent->transcript()));
        const auto reply = m_client.get(url(QStringLiteral("/counter/apples")));
        QCOMPARE(reply.status, 200);
        QCOMPARE(QJsonDocument::fromJson(reply.body).object().value(QStringLiteral("count")).toInt(), 3);
    }
};

QTEST_GUILESS_MAIN(tst_Components)
#include "tst_components.moc"
