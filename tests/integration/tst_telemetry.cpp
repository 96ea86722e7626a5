// Telemetry stays aggregate (docs/residency.md): a real keel-controlplane and a real
// keel-agent with a recording relay between them. Requests carry a unique marker in
// their path, query, headers and body, to components that answer, that fail and that
// do not exist; the marker must then appear in no frame the agent sent, in no file of
// the control plane's data directory (its SQLite database, journal, blobs) and in
// neither process's output, while the agent's counters and histograms of the same
// requests did reach the control plane.
#include "httpclient.h"
#include "keelctlrun.h"
#include "processundertest.h"
#include "recordingrelay.h"

#include "keel/v1/keel.pb.h"

#include <QDirIterator>
#include <QFile>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>

namespace {

const QString kBinDir = QStringLiteral(KEEL_BIN_DIR);
const QString kComponents = QStringLiteral(KEEL_SAMPLE_COMPONENTS_DIR);

QString bin(const char *name)
{
    return kBinDir + u'/' + QLatin1String(name);
}

// The requests the agent's MetricsReport frames recorded for a component, summed.
std::uint64_t reportedRequests(const QList<QByteArray> &frames, const std::string &component)
{
    std::uint64_t requests = 0;
    for (const QByteArray &frame : frames) {
        keel::v1::Envelope envelope;
        if (!envelope.ParseFromArray(frame.constData(), int(frame.size())) || !envelope.has_metrics_report())
            continue;
        for (const auto &c : envelope.metrics_report().components()) {
            if (c.component() == component)
                requests += c.requests();
        }
    }
    return requests;
}

} // namespace

class tst_Telemetry : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ProcessUnderTest> m_cp;
    std::unique_ptr<RecordingRelay> m_relay;
    std::unique_ptr<ProcessUnderTest> m_agent;
    QString m_server;
    QString m_token;
    QString m_http;
    HttpClient m_client;
    // Unique to this run, so a match can only come from what the test sent.
    const QByteArray m_marker = "kmark" + QUuid::createUuid().toByteArray(QUuid::Id128);

    KeelctlRun keelctl(const QStringList &arguments)
    {
        return KeelctlRun::run(bin("keelctl"), m_server, m_token, arguments);
    }

    // One request with the marker everywhere a client can put it but the subject header.
    int send(const QByteArray &method, const QString &path, const QByteArray &body, QByteArray *answer = nullptr)
    {
        QNetworkAccessManager manager;
        QNetworkRequest request(QUrl(m_http + path));
        request.setRawHeader("X-Request-Id", m_marker);
        request.setRawHeader("User-Agent", "client/" + m_marker);
        request.setRawHeader("Cookie", "session=" + m_marker);
        request.setRawHeader("Authorization", "Bearer " + m_marker);
        request.setRawHeader("Referer", "http://example.com/" + m_marker);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("text/plain"));
        QNetworkReply *reply = manager.sendCustomRequest(request, method, body);
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000)) {
            reply->abort();
            delete reply;
            return 0;
        }
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (answer)
            *answer = reply->readAll();
        delete reply;
        return status;
    }

    // Every file under dir that holds `text`.
    static QStringList filesWith(const QString &dir, const QByteArray &text)
    {
        QStringList found;
        QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            if (!file.open(QIODevice::ReadOnly)) {
                found << file.fileName() + QStringLiteral(" (unreadable)");
                continue;
            }
            if (file.readAll().contains(text))
                found << file.fileName();
        }
        return found;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cp = std::make_unique<ProcessUnderTest>(QStringLiteral("keel-controlplane"));
        m_cp->start(bin("keel-controlplane"), {QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("cp")),
                                               QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                               QStringLiteral("--heartbeat-interval"), QStringLiteral("200"),
                                               QStringLiteral("--metrics-interval"), QStringLiteral("500")});
        const auto listening = m_cp->waitForOutput(QRegularExpression(QStringLiteral("listening on (ws://\\S+)")));
        QVERIFY2(listening.hasMatch(), qPrintable(m_cp->transcript()));
        m_server = listening.captured(1);
        QFile tokenFile(m_dir.filePath(QStringLiteral("cp/admin.token")));
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        m_token = QString::fromUtf8(tokenFile.readAll().trimmed());

        QFile topology(m_dir.filePath(QStringLiteral("topology.yaml")));
        QVERIFY(topology.open(QIODevice::WriteOnly));
        topology.write("regions:\n  - {name: eu-west, jurisdiction: EU, latitude: 53.35, longitude: -6.26}\n");
        topology.close();
        QCOMPARE(keelctl({QStringLiteral("topology"), QStringLiteral("apply"), QStringLiteral("-f"), topology.fileName()}).exitCode, 0);
        const KeelctlRun token = keelctl({QStringLiteral("join-token"), QStringLiteral("create"), QStringLiteral("--region"),
                                          QStringLiteral("eu-west")});
        QCOMPARE(token.exitCode, 0);

        m_relay = std::make_unique<RecordingRelay>(QUrl(m_server));
        QVERIFY(m_relay->listen());
        m_agent = std::make_unique<ProcessUnderTest>(QStringLiteral("edge-eu"));
        m_agent->start(bin("keel-agent"), {QStringLiteral("--controlplane"), m_relay->url(), QStringLiteral("--name"),
                                           QStringLiteral("edge-eu"), QStringLiteral("--region"), QStringLiteral("eu-west"),
                                           QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("edge-eu")),
                                           QStringLiteral("--http"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--admin"),
                                           QStringLiteral("127.0.0.1:0"), QStringLiteral("--join-token"), token.out.trimmed()});
        const auto http = m_agent->waitForOutput(QRegularExpression(QStringLiteral("http listening on (127\\.0\\.0\\.1:\\d+)")));
        QVERIFY2(http.hasMatch(), qPrintable(m_agent->transcript()));
        m_http = QStringLiteral("http://") + http.captured(1);

        for (const char *manifest : {"/echo.yaml", "/profile.yaml"}) {
            const KeelctlRun pushed = keelctl({QStringLiteral("component"), QStringLiteral("push"), QStringLiteral("--manifest"),
                                               kComponents + QLatin1String(manifest)});
            QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.err));
        }
        for (const char *version : {"echo@1.0.0", "profile@1.0.0"}) {
            const KeelctlRun deployed = keelctl({QStringLiteral("deploy"), QLatin1String(version), QStringLiteral("--to"), QStringLiteral("all")});
            QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_client.get(QUrl(m_http + QStringLiteral("/profile/42")), 5000).status, 200, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(m_client.send("POST", QUrl(m_http + QStringLiteral("/echo/")), "hi", 5000).status, 200, 60000);
        QVERIFY(m_relay->connectionCount() >= 1);
    }

    void cleanupTestCase()
    {
        m_agent.reset();
        if (m_cp)
            m_cp->terminate();
    }

    void markedRequestsLeaveOnlyAggregates()
    {
        const QString marker = QString::fromLatin1(m_marker);
        const std::uint64_t echoBefore = reportedRequests(m_relay->agentFrames(), "echo");
        const QByteArray body = "name=" + m_marker + "&note=" + m_marker + "\n";

        // Answered by a component that sees everything (and says so).
        QByteArray echoed;
        QCOMPARE(send("POST", QStringLiteral("/echo/%1?q=%1&%1=1").arg(marker), body, &echoed), 200);
        QVERIFY2(echoed.count(m_marker) >= 5, echoed.constData()); // path, query, headers, body reached the guest
        for (int i = 0; i < 9; ++i)
            QCOMPARE(send("PUT", QStringLiteral("/echo/items/%1/%2").arg(marker).arg(i), body), 200);
        // Refused by the component, by the data plane, by the listener.
        QCOMPARE(send("GET", QStringLiteral("/profile/%1").arg(marker), {}), 404);
        QCOMPARE(send("POST", QStringLiteral("/profile/42?%1").arg(marker), body), 405);
        QCOMPARE(send("GET", QStringLiteral("/%1/").arg(marker), {}), 404);
        QCOMPARE(send("POST", QStringLiteral("/echo/%1").arg(marker), QByteArray(2 * 1024 * 1024, 'x') + m_marker), 413);

        // The counts of those requests reached the control plane through the relay...
        QTRY_VERIFY_WITH_TIMEOUT(reportedRequests(m_relay->agentFrames(), "echo") >= echoBefore + 10, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(reportedRequests(m_relay->agentFrames(), "profile") >= 2, 20000);
        // ...and one more report after the last request, so anything the agent might
        // have sent about them has been sent.
        const auto framesNow = m_relay->agentFrames().size();
        QTRY_VERIFY_WITH_TIMEOUT(m_relay->agentFrames().size() > framesNow + 2, 20000);

        // Nothing the agent sent carries the marker, in any frame; the frames are read
        // as they are (the node's name in its Hello is found, so would the marker be).
        int withMarker = 0;
        int withName = 0;
        for (const QByteArray &frame : m_relay->agentFrames()) {
            withMarker += frame.contains(m_marker) ? 1 : 0;
            withName += frame.contains("edge-eu") ? 1 : 0;
        }
        QCOMPARE(withMarker, 0);
        QVERIFY(withName >= 1);
        QVERIFY(m_relay->agentFrames().size() > 10);

        // Nothing the control plane stored or printed, once it has shut down cleanly
        // (its database and journal flushed).
        m_cp->terminate();
        QVERIFY(!m_cp->isRunning());
        const QString dataDir = m_dir.filePath(QStringLiteral("cp"));
        const QStringList stored = filesWith(dataDir, m_marker);
        QVERIFY2(stored.isEmpty(), qPrintable(stored.join(u'\n')));
        QVERIFY(!filesWith(dataDir, "edge-eu").isEmpty()); // the store is read as it is, too
        QVERIFY2(!m_cp->transcript().contains(marker), qPrintable(m_cp->transcript()));
        // Nor did the agent write it to its own log.
        QVERIFY2(!m_agent->transcript().contains(marker), qPrintable(m_agent->transcript()));
    }
};

QTEST_GUILESS_MAIN(tst_Telemetry)
#include "tst_telemetry.moc"
