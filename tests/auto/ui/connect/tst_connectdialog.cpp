#include "connect/connectdialog.h"
#include "connect/connectionprofiles.h"
#include "connect/tokenvault.h"
#include "fleet/fleetfeed.h"
#include "keelclient.h"
#include "mainwindow/mainwindow.h"
#include "nodes/nodetablemodel.h"
#include "regions/regionlistmodel.h"

#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace Keel;

namespace {
// A step against real processes on a loaded machine: generous, QTRY returns as soon as
// the condition holds.
constexpr int kWait = 30000;
} // namespace

// Connection profiles: servers remembered with QSettings, tokens only in the platform's
// keyring and only when asked; where there is no keyring the token is asked for each
// time and never written anywhere.
class tst_ConnectDialog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString settingsPath() const { return m_dir.filePath(QStringLiteral("console.ini")); }

private slots:
    void init()
    {
        QFile::remove(settingsPath());
    }

    void profilesAreRememberedMostRecentFirst()
    {
        QSettings settings(settingsPath(), QSettings::IniFormat);
        ConnectionProfiles profiles(&settings);
        QVERIFY(profiles.profiles().isEmpty());
        const QDateTime t0 = QDateTime::fromSecsSinceEpoch(1795700000, Qt::UTC);
        profiles.remember({QStringLiteral("ws://a:7070"), {}, false, t0});
        profiles.remember({QStringLiteral("wss://b:7443"), QStringLiteral("/etc/keel/ca.pem"), true, t0.addSecs(60)});
        QCOMPARE(profiles.profiles().size(), 2);
        QCOMPARE(profiles.profiles().first().server, QStringLiteral("wss://b:7443"));
        // Using a again makes it the most recent, once.
        profiles.remember({QStringLiteral("ws://a:7070"), {}, false, t0.addSecs(120)});
        QCOMPARE(profiles.profiles().size(), 2);
        QCOMPARE(profiles.profiles().first().server, QStringLiteral("ws://a:7070"));
        QCOMPARE(profiles.find(QStringLiteral("wss://b:7443"))->caFile, QStringLiteral("/etc/keel/ca.pem"));
        QVERIFY(profiles.find(QStringLiteral("wss://b:7443"))->rememberToken);

        // Read back by another instance, as the next run of the console would.
        QSettings again(settingsPath(), QSettings::IniFormat);
        QCOMPARE(ConnectionProfiles(&again).profiles().size(), 2);
        profiles.forget(QStringLiteral("ws://a:7070"));
        QCOMPARE(profiles.profiles().size(), 1);
        for (int i = 0; i < ConnectionProfiles::kMaxProfiles + 5; ++i)
            profiles.remember({QStringLiteral("ws://n%1:7070").arg(i), {}, false, t0.addSecs(200 + i)});
        QCOMPARE(profiles.profiles().size(), ConnectionProfiles::kMaxProfiles);
    }

    void pickingAProfileFillsItsFields()
    {
        QSettings settings(settingsPath(), QSettings::IniFormat);
        ConnectionProfiles profiles(&settings);
        TokenVault vault;
        profiles.remember({QStringLiteral("ws://a:7070"), QStringLiteral("/tmp/none.pem"), false, {}});
        ConnectDialog dialog;
        dialog.setServer(QStringLiteral("ws://a:7070"));
        dialog.setProfiles(&profiles, &vault);
        QCOMPARE(dialog.caFile(), QStringLiteral("/tmp/none.pem"));
        QVERIFY(!dialog.rememberToken());
        // An unreadable CA file keeps Connect disabled, and says why.
        dialog.setToken(QStringLiteral("t"));
        dialog.setServer(QStringLiteral("wss://a:7443"));
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("hint"))->text().contains(QStringLiteral("Cannot read the CA file")));
    }

    // Asked to remember the token: it goes to the keyring or nowhere. This machine's
    // answer decides which, and both are checked: no keyring means a message, and the
    // settings never hold the token.
    void aRememberedTokenNeverLandsInPlainText()
    {
        QSettings settings(settingsPath(), QSettings::IniFormat);
        ConnectionProfiles profiles(&settings);
        TokenVault vault;
        KeelClient client;
        NodeTableModel nodes;
        RegionListModel regions;
        FleetFeed feed(&client, &nodes, &regions);
        MainWindow window(&feed);
        window.setProfiles(&profiles, &vault);
        window.showConnectDialog(QStringLiteral("ws://127.0.0.1:9"));
        ConnectDialog *dialog = window.connectDialog();
        QVERIFY(dialog);
        const QString secret = QStringLiteral("kt_secret_%1").arg(QDateTime::currentMSecsSinceEpoch());
        dialog->findChild<QLineEdit *>(QStringLiteral("token"))->setText(secret);
        dialog->findChild<QCheckBox *>(QStringLiteral("rememberToken"))->setChecked(true);
        dialog->accept();
        QVERIFY(profiles.find(QStringLiteral("ws://127.0.0.1:9")));
        QVERIFY(profiles.find(QStringLiteral("ws://127.0.0.1:9"))->rememberToken);

        std::optional<std::pair<std::optional<QString>, QString>> read;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                if (window.statusBar()->currentMessage().contains(QStringLiteral("Token not remembered")))
                    return true;
                if (!read)
                    vault.read(QStringLiteral("ws://127.0.0.1:9"), [&](std::optional<QString> t, const QString &e) { read = {t, e}; });
                return read.has_value() && read->first == secret;
            }(),
            10000);
        feed.stop();
        settings.sync();
        QFile file(settingsPath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains(secret.toUtf8()));
        bool forgotten = false;
        vault.forget(QStringLiteral("ws://127.0.0.1:9"), [&](const QString &) { forgotten = true; });
        QTRY_VERIFY_WITH_TIMEOUT(forgotten, kWait);
    }
};

QTEST_MAIN(tst_ConnectDialog)
#include "tst_connectdialog.moc"
