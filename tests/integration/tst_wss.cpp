// TLS end to end with real processes: keel-controlplane serving wss:// with a certificate
// made by openssl for the test; keelctl and keel-agent trusting it through --ca; an agent
// without the CA refused with a reason, and never enrolled.
#include "keelctlrun.h"
#include "processundertest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kBinDir = QStringLiteral(KEEL_BIN_DIR);

QString bin(const char *name)
{
    return kBinDir + u'/' + QLatin1String(name);
}

} // namespace

class tst_Wss : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ProcessUnderTest> m_cp;
    QString m_server;
    QString m_token;
    QString m_ca;

    KeelctlRun keelctl(const QStringList &arguments)
    {
        return KeelctlRun::run(bin("keelctl"), m_server, m_token, QStringList{QStringLiteral("--ca"), m_ca} + arguments);
    }

    std::unique_ptr<ProcessUnderTest> agent(const QString &name, bool trustCa)
    {
        const KeelctlRun token = keelctl({QStringLiteral("join-token"), QStringLiteral("create"), QStringLiteral("--region"), QStringLiteral("eu-west")});
        auto process = std::make_unique<ProcessUnderTest>(name);
        QStringList args{QStringLiteral("--controlplane"), m_server, QStringLiteral("--name"), name,
                         QStringLiteral("--region"), QStringLiteral("eu-west"), QStringLiteral("--data-dir"), m_dir.filePath(name),
                         QStringLiteral("--join-token"), token.out.trimmed(),
                         QStringLiteral("--http"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--admin"), QStringLiteral("127.0.0.1:0")};
        if (trustCa)
            args << QStringLiteral("--ca") << m_ca;
        process->start(bin("keel-agent"), args);
        return process;
    }

    QString status(const QString &node)
    {
        const KeelctlRun r = keelctl({QStringLiteral("nodes"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")});
        for (const QJsonValue &v : QJsonDocument::fromJson(r.out.toUtf8()).array())
            if (v.toObject().value(QStringLiteral("name")).toString() == node)
                return v.toObject().value(QStringLiteral("status")).toString();
        return {};
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        QVERIFY2(!openssl.isEmpty(), "openssl not found: run packaging/deps.sh (Debian package openssl)");
        m_ca = m_dir.filePath(QStringLiteral("cert.pem"));
        QProcess make;
        make.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                             QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                             QStringLiteral("-keyout"), m_dir.filePath(QStringLiteral("key.pem")), QStringLiteral("-out"), m_ca,
                             QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                             QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1")});
        QVERIFY(make.waitForFinished(30000));
        QVERIFY2(make.exitCode() == 0, make.readAllStandardError().constData());

        m_cp = std::make_unique<ProcessUnderTest>(QStringLiteral("keel-controlplane"));
        m_cp->start(bin("keel-controlplane"), {QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("cp")),
                                               QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                               QStringLiteral("--tls-cert"), m_ca,
                                               QStringLiteral("--tls-key"), m_dir.filePath(QStringLiteral("key.pem"))});
        const auto match = m_cp->waitForOutput(QRegularExpression(QStringLiteral("listening on (wss://\\S+)")));
        QVERIFY2(match.hasMatch(), qPrintable(m_cp->transcript()));
        m_server = match.captured(1);
        QFile tokenFile(m_dir.filePath(QStringLiteral("cp/admin.token")));
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        m_token = QString::fromUtf8(tokenFile.readAll().trimmed());
        QFile topology(m_dir.filePath(QStringLiteral("topology.yaml")));
        QVERIFY(topology.open(QIODevice::WriteOnly));
        topology.write("regions:\n  - {name: eu-west, jurisdiction: EU, latitude: 53.35, longitude: -6.26}\n");
        topology.close();
        const KeelctlRun applied = keelctl({QStringLiteral("topology"), QStringLiteral("apply"), QStringLiteral("-f"), topology.fileName()});
        QVERIFY2(applied.exitCode == 0, qPrintable(applied.err));
    }

    void cleanupTestCase()
    {
        if (m_cp)
            m_cp->terminate();
    }

    void agentsEnrollOverWssWithTheCa()
    {
        auto trusted = agent(QStringLiteral("edge-tls"), true);
        QTRY_COMPARE_WITH_TIMEOUT(status(QStringLiteral("edge-tls")), QStringLiteral("ready"), 20000);
    }

    void anAgentWithoutTheCaIsRefusedWithAReason()
    {
        auto untrusted = agent(QStringLiteral("edge-untrusting"), false);
        // Logged on stderr, and retried with backoff: the reason says what to pass.
        QTRY_VERIFY2_WITH_TIMEOUT(untrusted->errors().contains(QLatin1String("TLS handshake with 127.0.0.1 failed"))
                                      && untrusted->errors().contains(QLatin1String("pass --ca FILE")),
                                  qPrintable(untrusted->transcript()), 20000);
        QVERIFY(status(QStringLiteral("edge-untrusting")).isEmpty()); // never enrolled
    }

    void keelctlWithoutTheCaIsRefused()
    {
        const KeelctlRun r = KeelctlRun::run(bin("keelctl"), m_server, m_token, {QStringLiteral("nodes"), QStringLiteral("list")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("--ca")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(tst_Wss)
#include "tst_wss.moc"
