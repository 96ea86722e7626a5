#include "connect/connectdialog.h"
#include "controlplane.h"
#include "fleet/fleetfeed.h"
#include "keelclient.h"
#include "mainwindow/mainwindow.h"
#include "nodes/nodetablemodel.h"
#include "regions/regionlistmodel.h"

#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Keel;

class tst_MainWindow final : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_dataDir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dataDir->isValid());
        ControlPlaneOptions options;
        options.dataDir = m_dataDir->path();
        options.listenPort = 0;
        QString error;
        m_cp = ControlPlane::start(options, &error);
        QVERIFY2(m_cp, qPrintable(error));
        QFile tokenFile(m_cp->adminTokenPath());
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        m_token = QString::fromUtf8(tokenFile.readAll()).trimmed();

        m_client = std::make_unique<KeelClient>();
        m_nodes = std::make_unique<NodeTableModel>();
        m_regions = std::make_unique<RegionListModel>();
        m_feed = std::make_unique<FleetFeed>(m_client.get(), m_nodes.get(), m_regions.get());
        m_window = std::make_unique<MainWindow>(m_feed.get());
    }

    void cleanup()
    {
        m_window.reset();
        m_feed.reset();
        m_regions.reset();
        m_nodes.reset();
        m_client.reset();
        m_cp.reset();
        m_dataDir.reset();
    }

    void modesSelectPages()
    {
        auto *first = new QLabel(QStringLiteral("first"));
        auto *second = new QLabel(QStringLiteral("second"));
        QCOMPARE(m_window->addMode({}, QStringLiteral("Nodes"), first), 0);
        QCOMPARE(m_window->addMode({}, QStringLiteral("Other"), second), 1);
        auto *modeBar = m_window->findChild<QListWidget *>(QStringLiteral("modeBar"));
        auto *stack = m_window->findChild<QStackedWidget *>();
        QVERIFY(modeBar && stack);
        QCOMPARE(modeBar->count(), 2);
        QCOMPARE(modeBar->item(0)->text(), QStringLiteral("Nodes"));
        QCOMPARE(stack->currentWidget(), first); // the first mode added is shown
        modeBar->setCurrentRow(1);
        QCOMPARE(stack->currentWidget(), second);
    }

    void statusFollowsConnection()
    {
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QCOMPARE(m_window->windowTitle(), QStringLiteral("Keel Console"));
        QVERIFY(m_window->statusText().startsWith(QStringLiteral("Not connected")));

        const QString server = m_cp->url();
        m_feed->start(KeelClient::normalizeServer(server), m_token);
        QCOMPARE(m_window->windowTitle(), QStringLiteral("Keel Console — %1").arg(server));
        QCOMPARE(m_window->statusText(), QStringLiteral("Connecting to %1…").arg(server));
        QTRY_COMPARE(m_window->statusText(), QStringLiteral("Connected to %1").arg(server));
        auto *label = m_window->findChild<QLabel *>(QStringLiteral("connectionStatus"));
        QVERIFY(label && label->text().contains(QStringLiteral("Connected to")));

        m_cp.reset();
        QTRY_VERIFY(m_window->statusText().startsWith(QStringLiteral("Disconnected: ")));
        QVERIFY(m_window->statusText().contains(QStringLiteral("— retrying in 1 s")));
    }

    // The status bar says who the console acts as; Ctrl+1... switch panes.
    void roleInTheStatusBarAndPaneShortcuts()
    {
        auto *first = new QLabel(QStringLiteral("first"));
        auto *second = new QLabel(QStringLiteral("second"));
        m_window->addMode({}, QStringLiteral("Nodes"), first);
        m_window->addMode({}, QStringLiteral("Other"), second);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        auto *identity = m_window->findChild<QLabel *>(QStringLiteral("identityStatus"));
        QVERIFY(identity);
        QVERIFY(identity->text().isEmpty());
        m_feed->start(KeelClient::normalizeServer(m_cp->url()), m_token);
        QTRY_COMPARE(identity->text(), QStringLiteral("Role: admin · token:bootstrap-admin"));
        QCOMPARE(m_window->identityText(), identity->text());
        QVERIFY(identity->toolTip().contains(QLatin1String("never expires")));

        auto *stack = m_window->findChild<QStackedWidget *>();
        QTest::keyClick(m_window.get(), Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(stack->currentWidget(), second);
        QTest::keyClick(m_window.get(), Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(stack->currentWidget(), first);

        m_feed->stop();
        QVERIFY(identity->text().isEmpty());
    }

    void aRefusedTokenAsksForAnother()
    {
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_feed->start(KeelClient::normalizeServer(m_cp->url()), QStringLiteral("stale-token"));
        QTRY_VERIFY(m_window->connectDialog() && m_window->connectDialog()->isVisible());
        QVERIFY2(m_window->statusText().startsWith(QStringLiteral("Token refused by %1: ").arg(m_cp->url())),
                 qPrintable(m_window->statusText()));
        auto *refusal = m_window->connectDialog()->findChild<QLabel *>(QStringLiteral("refusal"));
        QVERIFY(refusal && refusal->isVisible());
        QVERIFY2(refusal->text().contains(QLatin1String("not known to this control plane")), qPrintable(refusal->text()));
        QCOMPARE(m_feed->phase(), FleetFeed::Phase::TokenRefused);

        // The operator enters the right token: connected.
        auto *token = m_window->connectDialog()->findChild<QLineEdit *>(QStringLiteral("token"));
        QVERIFY(token);
        token->setText(m_token);
        m_window->connectDialog()->accept();
        QTRY_COMPARE(m_window->statusText(), QStringLiteral("Connected to %1").arg(m_cp->url()));
    }

private:
    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ControlPlane> m_cp;
    QString m_token;
    std::unique_ptr<KeelClient> m_client;
    std::unique_ptr<NodeTableModel> m_nodes;
    std::unique_ptr<RegionListModel> m_regions;
    std::unique_ptr<FleetFeed> m_feed;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
