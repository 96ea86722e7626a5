#include "keelversion.h"
#include "keelctlrun.h"
#include "processundertest.h"

#include <QCryptographicHash>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

const QString kBinDir = QStringLiteral(KEEL_BIN_DIR);
constexpr int kHeartbeatMs = 200;
constexpr int kGraceMs = 1500;

QString bin(const char *name)
{
    return kBinDir + u'/' + QLatin1String(name);
}

using CtlResult = KeelctlRun;

} // namespace

// The foundation's promise, end to end: a real control plane, real agents, keelctl.
class tst_Fleet : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ProcessUnderTest> m_cp;
    QString m_server;
    QString m_token;
    QMap<QString, std::shared_ptr<ProcessUnderTest>> m_agents;

    CtlResult keelctl(const QStringList &arguments)
    {
        return KeelctlRun::run(bin("keelctl"), m_server, m_token, arguments);
    }

    // name -> node object, from `keelctl nodes list -o json`.
    QMap<QString, QJsonObject> nodes()
    {
        const CtlResult r = keelctl({QStringLiteral("nodes"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")});
        QMap<QString, QJsonObject> byName;
        if (r.exitCode != 0)
            return byName;
        for (const QJsonValue &v : QJsonDocument::fromJson(r.out.toUtf8()).array())
            byName.insert(v.toObject().value(QStringLiteral("name")).toString(), v.toObject());
        return byName;
    }

    QString status(const QString &node)
    {
        return nodes().value(node).value(QStringLiteral("status")).toString();
    }

    QString joinToken(const QString &region)
    {
        const CtlResult r = keelctl({QStringLiteral("join-token"), QStringLiteral("create"), QStringLiteral("--region"), region});
        return r.exitCode == 0 ? r.out.trimmed() : QString();
    }

    std::shared_ptr<ProcessUnderTest> startAgent(const QString &name, const QString &region, const QString &token,
                                                 const QString &dataDir = {}, const QStringList &extra = {},
                                                 const QString &labels = QStringLiteral("tier=edge"))
    {
        auto agent = std::make_shared<ProcessUnderTest>(name);
        QStringList args{QStringLiteral("--controlplane"), m_server,
                         QStringLiteral("--name"), name,
                         QStringLiteral("--region"), region,
                         QStringLiteral("--labels"), labels,
                         QStringLiteral("--data-dir"), dataDir.isEmpty() ? m_dir.filePath(name) : dataDir,
                         QStringLiteral("--http"), QStringLiteral("127.0.0.1:0"),
                         QStringLiteral("--admin"), QStringLiteral("127.0.0.1:0")};
        if (!token.isEmpty())
            args << QStringLiteral("--join-token") << token;
        agent->start(bin("keel-agent"), args + extra);
        return agent;
    }

    QStringList selected(const QString &selector)
    {
        const CtlResult r = keelctl({QStringLiteral("nodes"), QStringLiteral("list"), QStringLiteral("--selector"), selector,
                                     QStringLiteral("-o"), QStringLiteral("json")});
        QStringList names;
        for (const QJsonValue &v : QJsonDocument::fromJson(r.out.toUtf8()).array())
            names.append(v.toObject().value(QStringLiteral("name")).toString());
        return names;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cp = std::make_unique<ProcessUnderTest>(QStringLiteral("keel-controlplane"));
        m_cp->start(bin("keel-controlplane"), {QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("cp")),
                                               QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                               QStringLiteral("--heartbeat-interval"), QString::number(kHeartbeatMs),
                                               QStringLiteral("--grace"), QString::number(kGraceMs)});
        const auto match = m_cp->waitForOutput(QRegularExpression(QStringLiteral("listening on (ws://\\S+)")));
        QVERIFY2(match.hasMatch(), qPrintable(m_cp->transcript()));
        m_server = match.captured(1);
        QFile tokenFile(m_dir.filePath(QStringLiteral("cp/admin.token")));
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        m_token = QString::fromUtf8(tokenFile.readAll().trimmed());

        QFile topology(m_dir.filePath(QStringLiteral("topology.yaml")));
        QVERIFY(topology.open(QIODevice::WriteOnly));
        topology.write("regions:\n"
                       "  - {name: eu-west, jurisdiction: EU, latitude: 53.35, longitude: -6.26, sites: [dub-1]}\n"
                       "  - {name: us-east, jurisdiction: US, latitude: 38.9, longitude: -77.04}\n");
        topology.close();
        const CtlResult applied = keelctl({QStringLiteral("topology"), QStringLiteral("apply"), QStringLiteral("-f"), topology.fileName()});
        QVERIFY2(applied.exitCode == 0, qPrintable(applied.err));
    }

    void cleanupTestCase()
    {
        m_agents.clear();
        if (m_cp)
            m_cp->terminate();
    }

    void everyBinaryAnswersHelpAndVersion_data()
    {
        QTest::addColumn<QString>("binary");
        for (const char *name : {"keel-controlplane", "keel-agent", "keelctl", "keel-console"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }

    void everyBinaryAnswersHelpAndVersion()
    {
        QFETCH(QString, binary);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY")); // the console must answer without a display
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        for (const QString &flag : {QStringLiteral("--version"), QStringLiteral("--help")}) {
            QProcess process;
            process.setProcessEnvironment(env);
            process.start(kBinDir + u'/' + binary, {flag});
            QVERIFY(process.waitForFinished(10000));
            QCOMPARE(process.exitCode(), 0);
            const QString out = QString::fromUtf8(process.readAllStandardOutput());
            if (flag == QLatin1String("--version"))
                QCOMPARE(out.trimmed(), binary + QStringLiteral(" " KEEL_VERSION));
            else
                QVERIFY2(out.contains(QLatin1String("--")), qPrintable(out));
        }
    }

    void agentsEnrollAndHeartbeat()
    {
        m_agents.insert(QStringLiteral("edge-eu"), startAgent(QStringLiteral("edge-eu"), QStringLiteral("eu-west"), joinToken(QStringLiteral("eu-west"))));
        m_agents.insert(QStringLiteral("edge-us"), startAgent(QStringLiteral("edge-us"), QStringLiteral("us-east"), joinToken(QStringLiteral("us-east"))));
        for (const auto &agent : std::as_const(m_agents))
            QVERIFY2(agent->waitForOutput(QRegularExpression(QStringLiteral("http listening on 127\\.0\\.0\\.1:\\d+"))).hasMatch(), qPrintable(agent->transcript()));

        QTRY_VERIFY_WITH_TIMEOUT(status(QStringLiteral("edge-eu")) == QLatin1String("ready") && status(QStringLiteral("edge-us")) == QLatin1String("ready"), 15000);
        const auto all = nodes();
        QCOMPARE(all.size(), 2);
        const QJsonObject eu = all.value(QStringLiteral("edge-eu"));
        QCOMPARE(eu.value(QStringLiteral("region")).toString(), QStringLiteral("eu-west"));
        QCOMPARE(eu.value(QStringLiteral("jurisdiction")).toString(), QStringLiteral("EU"));
        QCOMPARE(all.value(QStringLiteral("edge-us")).value(QStringLiteral("jurisdiction")).toString(), QStringLiteral("US"));
        QCOMPARE(eu.value(QStringLiteral("labels")).toObject().value(QStringLiteral("tier")).toString(), QStringLiteral("edge"));
        QCOMPARE(eu.value(QStringLiteral("agent_version")).toString(), QStringLiteral(KEEL_VERSION));
        QVERIFY(eu.contains(QStringLiteral("site")));
        QVERIFY(QDateTime::fromString(eu.value(QStringLiteral("last_seen")).toString(), Qt::ISODateWithMs).isValid());

        // Heartbeats keep last_seen moving while the node stays ready.
        const QDateTime first = QDateTime::fromString(eu.value(QStringLiteral("last_seen")).toString(), Qt::ISODateWithMs);
        QTRY_VERIFY_WITH_TIMEOUT(QDateTime::fromString(nodes().value(QStringLiteral("edge-eu")).value(QStringLiteral("last_seen")).toString(), Qt::ISODateWithMs) > first, 5000);
    }

    void killedAgentTurnsUnreachableThenRecovers()
    {
        QVERIFY(m_agents.contains(QStringLiteral("edge-eu")));
        m_agents.value(QStringLiteral("edge-eu"))->kill();
        QElapsedTimer sinceKill;
        sinceKill.start();
        // Within the grace plus the sweep interval and keelctl's round trip.
        QTRY_COMPARE_WITH_TIMEOUT(status(QStringLiteral("edge-eu")), QStringLiteral("unreachable"), kGraceMs + 3000);
        QVERIFY2(sinceKill.elapsed() >= kGraceMs - kHeartbeatMs, "marked unreachable before the grace ran out");
        QCOMPARE(status(QStringLiteral("edge-us")), QStringLiteral("ready"));

        // Restarted with its data dir: its key proves who it is, no join token needed.
        m_agents.insert(QStringLiteral("edge-eu"), startAgent(QStringLiteral("edge-eu"), QStringLiteral("eu-west"), {}));
        QTRY_COMPARE_WITH_TIMEOUT(status(QStringLiteral("edge-eu")), QStringLiteral("ready"), 10000);
        QCOMPARE(nodes().size(), 2);
    }

    void usedJoinTokenIsRefused()
    {
        const QString token = joinToken(QStringLiteral("eu-west"));
        auto first = startAgent(QStringLiteral("edge-once"), QStringLiteral("eu-west"), token);
        QTRY_COMPARE_WITH_TIMEOUT(status(QStringLiteral("edge-once")), QStringLiteral("ready"), 10000);
        auto second = startAgent(QStringLiteral("edge-twice"), QStringLiteral("eu-west"), token);
        const int rc = second->waitForExit(15000);
        QVERIFY2(rc != 0 && rc != -1, qPrintable(second->transcript()));
        QVERIFY2(second->errors().contains(QLatin1String("used up")), qPrintable(second->transcript()));
        QVERIFY(!nodes().contains(QStringLiteral("edge-twice")));
    }

    void wrongJoinTokenIsRefused()
    {
        auto agent = startAgent(QStringLiteral("edge-bogus"), QStringLiteral("eu-west"), QStringLiteral("kjt_not-a-real-token"));
        const int rc = agent->waitForExit(15000);
        QVERIFY2(rc != 0 && rc != -1, qPrintable(agent->transcript()));
        QVERIFY2(agent->errors().contains(QLatin1String("not known")), qPrintable(agent->transcript()));
    }

    void stolenNameIsRefused()
    {
        // Another data dir means another key: the name stays with its first owner.
        auto thief = startAgent(QStringLiteral("edge-us"), QStringLiteral("us-east"), joinToken(QStringLiteral("us-east")),
                                m_dir.filePath(QStringLiteral("thief")));
        const int rc = thief->waitForExit(15000);
        QVERIFY2(rc != 0 && rc != -1, qPrintable(thief->transcript()));
        QVERIFY2(thief->errors().contains(QLatin1String("another key")), qPrintable(thief->transcript()));
        QCOMPARE(status(QStringLiteral("edge-us")), QStringLiteral("ready"));
    }

    // A node's site and labels are the operator's: a restarted agent that claims other
    // labels is not believed (logged, counted), and only keelctl nodes label changes them.
    void labelsBelongToTheOperator()
    {
        const QString name = QStringLiteral("edge-us");
        QVERIFY(m_agents.contains(name));
        QCOMPARE(status(name), QStringLiteral("ready"));
        m_agents.value(name)->terminate();
        QVERIFY(m_agents.value(name)->waitForExit(10000) >= 0);
        m_agents.insert(name, startAgent(name, QStringLiteral("us-east"), {}, {}, {}, QStringLiteral("tier=gold")));
        QTRY_VERIFY_WITH_TIMEOUT(m_cp->errors().contains(QLatin1String("node edge-us claims labels {tier=gold}")), 10000);
        QCOMPARE(status(name), QStringLiteral("ready"));
        QCOMPARE(nodes().value(name).value(QStringLiteral("labels")).toObject(), QJsonObject({{QStringLiteral("tier"), QStringLiteral("edge")}}));
        QVERIFY(selected(QStringLiteral("tier=gold")).isEmpty());

        const CtlResult labelled = keelctl({QStringLiteral("nodes"), QStringLiteral("label"), name, QStringLiteral("tier=gold"),
                                            QStringLiteral("zone=a")});
        QVERIFY2(labelled.exitCode == 0, qPrintable(labelled.err));
        QCOMPARE(selected(QStringLiteral("tier=gold")), QStringList{name});
        const CtlResult removed = keelctl({QStringLiteral("nodes"), QStringLiteral("label"), name, QStringLiteral("--remove"),
                                           QStringLiteral("zone")});
        QVERIFY2(removed.exitCode == 0, qPrintable(removed.err));
        QCOMPARE(nodes().value(name).value(QStringLiteral("labels")).toObject(), QJsonObject({{QStringLiteral("tier"), QStringLiteral("gold")}}));
        const CtlResult bad = keelctl({QStringLiteral("nodes"), QStringLiteral("label"), name, QStringLiteral("Tier=x")});
        QVERIFY(bad.exitCode != 0);
        const CtlResult audit = keelctl({QStringLiteral("audit"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")});
        int labelRecords = 0;
        for (const QJsonValue &v : QJsonDocument::fromJson(audit.out.toUtf8()).array())
            labelRecords += v.toObject().value(QStringLiteral("action")).toString() == QLatin1String("label_node") ? 1 : 0;
        QCOMPARE(labelRecords, 3); // two changes and the refused one
    }

    // A token can fix what a node enrolling with it gets, whatever the node says.
    void aScopedJoinTokenSetsSiteAndLabels()
    {
        const CtlResult token = keelctl({QStringLiteral("join-token"), QStringLiteral("create"), QStringLiteral("--region"),
                                         QStringLiteral("eu-west"), QStringLiteral("--site"), QStringLiteral("dub-1"),
                                         QStringLiteral("--labels"), QStringLiteral("tier=gold,zone=b")});
        QVERIFY2(token.exitCode == 0, qPrintable(token.err));
        m_agents.insert(QStringLiteral("edge-scoped"), startAgent(QStringLiteral("edge-scoped"), QStringLiteral("eu-west"), token.out.trimmed()));
        QTRY_COMPARE_WITH_TIMEOUT(status(QStringLiteral("edge-scoped")), QStringLiteral("ready"), 10000);
        const QJsonObject node = nodes().value(QStringLiteral("edge-scoped"));
        QCOMPARE(node.value(QStringLiteral("site")).toString(), QStringLiteral("dub-1"));
        QCOMPARE(node.value(QStringLiteral("labels")).toObject(),
                 QJsonObject({{QStringLiteral("tier"), QStringLiteral("gold")}, {QStringLiteral("zone"), QStringLiteral("b")}}));
    }

    // First contact is verified: the join token carries the control plane's key
    // fingerprint; the key pinned is that one, and an agent told to expect another key
    // refuses the control plane before pinning anything.
    void firstContactIsVerified()
    {
        const CtlResult json = keelctl({QStringLiteral("join-token"), QStringLiteral("create"), QStringLiteral("--region"),
                                        QStringLiteral("eu-west"), QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject created = QJsonDocument::fromJson(json.out.toUtf8()).object();
        const QString fingerprint = created.value(QStringLiteral("controlplane_key_sha256")).toString();
        QVERIFY2(fingerprint.startsWith(QLatin1String("sha256:")) && fingerprint.size() == 71, qPrintable(json.out));
        const QString token = created.value(QStringLiteral("token")).toString();
        QVERIFY(token.endsWith(u'.' + fingerprint.mid(7)));
        const CtlResult table = keelctl({QStringLiteral("join-token"), QStringLiteral("create"), QStringLiteral("--region"),
                                         QStringLiteral("eu-west")});
        QVERIFY2(table.err.contains(fingerprint), qPrintable(table.err));

        auto trusted = startAgent(QStringLiteral("edge-verified"), QStringLiteral("eu-west"), token);
        QTRY_COMPARE_WITH_TIMEOUT(status(QStringLiteral("edge-verified")), QStringLiteral("ready"), 10000);
        QFile pinned(m_dir.filePath(QStringLiteral("edge-verified/controlplane.pub")));
        QTRY_VERIFY(pinned.exists());
        QVERIFY(pinned.open(QIODevice::ReadOnly));
        QCOMPARE(QStringLiteral("sha256:") + QString::fromLatin1(QCryptographicHash::hash(pinned.readAll(), QCryptographicHash::Sha256).toHex()),
                 fingerprint);

        // The same secret, but the fingerprint of another key: as if an impostor answered.
        const QString other = keelctl({QStringLiteral("join-token"), QStringLiteral("create"), QStringLiteral("--region"),
                                       QStringLiteral("eu-west")}).out.trimmed();
        const QString wrong = QString(64, u'a');
        auto refusing = startAgent(QStringLiteral("edge-wary"), QStringLiteral("eu-west"),
                                   other.left(other.lastIndexOf(u'.') + 1) + wrong);
        const int rc = refusing->waitForExit(15000);
        QVERIFY2(rc == 3, qPrintable(refusing->transcript()));
        QVERIFY2(refusing->errors().contains(QLatin1String("not the expected sha256:") + wrong)
                     && refusing->errors().contains(fingerprint),
                 qPrintable(refusing->transcript()));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("edge-wary/controlplane.pub"))));

        // --controlplane-key-sha256 says the same; the known node refuses its own control plane
        // when told to expect another key.
        trusted->terminate();
        QVERIFY(trusted->waitForExit(10000) >= 0);
        auto flagged = startAgent(QStringLiteral("edge-verified"), QStringLiteral("eu-west"), QString(), {},
                                  {QStringLiteral("--controlplane-key-sha256"), wrong});
        QCOMPARE(flagged->waitForExit(15000), 3);
        QVERIFY2(flagged->errors().contains(QLatin1String("not the expected")), qPrintable(flagged->transcript()));
        QVERIFY2(flagged->errors().contains(QLatin1String("(--controlplane-key-sha256)")), qPrintable(flagged->transcript()));

        // A token's fingerprint counts at first contact only: once a key is pinned, a unit
        // file that still passes an old token does not stop the node.
        auto later = startAgent(QStringLiteral("edge-verified"), QStringLiteral("eu-west"),
                                token.left(token.lastIndexOf(u'.') + 1) + wrong);
        // Past the Welcome: its desired state (the same empty set) is verified and acknowledged.
        const auto admin = later->waitForOutput(QRegularExpression(QStringLiteral("admin listening on (127\\.0\\.0\\.1:\\d+)")));
        QVERIFY2(admin.hasMatch(), qPrintable(later->transcript()));
        QNetworkAccessManager http;
        auto acknowledged = [&] {
            QNetworkReply *reply = http.get(QNetworkRequest(QUrl(QStringLiteral("http://") + admin.captured(1) + QStringLiteral("/metrics"))));
            QEventLoop loop;
            QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            loop.exec();
            reply->deleteLater();
            return reply->readAll().contains("keel_agent_desired_state_generations_total{result=\"unchanged\"} 1");
        };
        QTRY_VERIFY_WITH_TIMEOUT(acknowledged(), 10000);
        QVERIFY2(later->isRunning(), qPrintable(later->transcript()));
        QCOMPARE(status(QStringLiteral("edge-verified")), QStringLiteral("ready"));
    }

    void controlPlaneSurvivedEverything()
    {
        const CtlResult who = keelctl({QStringLiteral("whoami"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(who.exitCode == 0, qPrintable(who.err));
        const QJsonObject identity = QJsonDocument::fromJson(who.out.toUtf8()).object();
        QCOMPARE(identity.value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
        QCOMPARE(identity.value(QStringLiteral("principal")).toString(), QStringLiteral("token:bootstrap-admin"));
        QVERIFY2(m_cp->isRunning(), qPrintable(m_cp->transcript()));
        const CtlResult regions = keelctl({QStringLiteral("regions"), QStringLiteral("list")});
        QCOMPARE(regions.exitCode, 0);
        QVERIFY(regions.out.contains(QLatin1String("eu-west")));
    }
};

QTEST_GUILESS_MAIN(tst_Fleet)
#include "tst_fleet.moc"
