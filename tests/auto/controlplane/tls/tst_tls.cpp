// The control plane over wss://: a real certificate made by openssl for the test, the
// real listener in secure mode, KeelClient trusting (or not) its CA.
#include "clientcalls.h"
#include "controlplane.h"

#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Keel;
using namespace Keel::Testing;

class tst_Tls : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_cert;
    QString m_key;

    ControlPlaneOptions options(const QString &name) const
    {
        ControlPlaneOptions o;
        o.dataDir = m_dir.filePath(name);
        o.listenPort = 0;
        o.tlsCertificate = m_cert;
        o.tlsKey = m_key;
        return o;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        QVERIFY2(!openssl.isEmpty(), "openssl not found: run packaging/deps.sh (Debian package openssl)");
        m_cert = m_dir.filePath(QStringLiteral("cert.pem"));
        m_key = m_dir.filePath(QStringLiteral("key.pem"));
        QProcess make;
        make.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                             QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                             QStringLiteral("-keyout"), m_key, QStringLiteral("-out"), m_cert, QStringLiteral("-days"), QStringLiteral("2"),
                             QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                             QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost")});
        QVERIFY(make.waitForFinished(30000));
        QVERIFY2(make.exitCode() == 0, make.readAllStandardError().constData());
    }

    void operatorsConnectOverWssWithTheCa()
    {
        QString error;
        auto cp = ControlPlane::start(options(QStringLiteral("a")), &error);
        QVERIFY2(cp, qPrintable(error));
        QVERIFY(cp->url().startsWith(QLatin1String("wss://")));
        KeelClient client;
        client.setCaCertificates(QSslCertificate::fromPath(m_cert));
        client.open(QUrl(cp->url() + QStringLiteral("/v1/operator")), QString::fromUtf8(readFile(cp->adminTokenPath()).trimmed()));
        const auto regions = await<QList<Region>>([&](auto done) { client.listRegions(done); });
        QVERIFY2(regions && !errorOf(*regions), qPrintable(why(regions)));
    }

    void anUntrustedCertificateIsRefusedWithAReason()
    {
        QString error;
        auto cp = ControlPlane::start(options(QStringLiteral("b")), &error);
        QVERIFY2(cp, qPrintable(error));
        KeelClient client;
        QSignalSpy dropped(&client, &KeelClient::disconnected);
        client.open(QUrl(cp->url() + QStringLiteral("/v1/operator")), QString::fromUtf8(readFile(cp->adminTokenPath()).trimmed()));
        QTRY_COMPARE_WITH_TIMEOUT(dropped.size(), 1, 10000);
        const QString reason = dropped.first().first().toString();
        QVERIFY2(reason.contains(QLatin1String("TLS")) && reason.contains(QLatin1String("--ca")), qPrintable(reason));
    }

    void badTlsSettingsStopTheStartWithTheirReason()
    {
        QString error;
        ControlPlaneOptions o = options(QStringLiteral("c"));
        o.tlsKey.clear();
        QVERIFY(!ControlPlane::start(o, &error));
        QVERIFY2(error.contains(QLatin1String("--tls-cert and --tls-key")), qPrintable(error));
        o = options(QStringLiteral("d"));
        o.tlsCertificate = m_key; // a key is not a certificate
        QVERIFY(!ControlPlane::start(o, &error));
        QVERIFY2(error.contains(QLatin1String("--tls-cert")), qPrintable(error));
        o = options(QStringLiteral("e"));
        o.tlsKey = m_cert; // nor the other way round
        QVERIFY(!ControlPlane::start(o, &error));
        QVERIFY2(error.contains(QLatin1String("--tls-key")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(tst_Tls)
#include "tst_tls.moc"
