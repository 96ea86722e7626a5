#include "mainwindow.h"

#include "common/statuscolors.h"
#include "connect/connectdialog.h"
#include "connect/connectionprofiles.h"
#include "connect/tokenvault.h"
#include "fleet/fleetfeed.h"
#include "modebar.h"

#include <QAction>
#include <QApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QPointer>
#include <QSslCertificate>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>

#include <chrono>

namespace Keel {

namespace {

// ws://host:port without the API path: what an operator typed and recognises.
QString displayServer(const QUrl &url)
{
    return url.adjusted(QUrl::RemovePath | QUrl::RemoveUserInfo).toString();
}

} // namespace

MainWindow::MainWindow(FleetFeed *feed, QWidget *parent)
    : QMainWindow(parent)
    , m_feed(feed)
    , m_modeBar(new ModeBar(this))
    , m_stack(new QStackedWidget(this))
    , m_status(new QLabel(this))
    , m_identity(new QLabel(this))
    , m_countdown(new QTimer(this))
{
    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_modeBar);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);
    connect(m_modeBar, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);

    createActions();

    m_status->setObjectName(QStringLiteral("connectionStatus"));
    statusBar()->addWidget(m_status, 1);
    m_identity->setObjectName(QStringLiteral("identityStatus"));
    statusBar()->addPermanentWidget(m_identity);
    connect(m_feed, &FleetFeed::identityChanged, this, [this] {
        m_identity->setText(identityText());
        const OperatorToken &t = m_feed->identity().token;
        m_identity->setToolTip(t.expires.isValid()
                                   ? tr("Token %1 expires %2").arg(t.name, QLocale().toString(t.expires.toLocalTime(), QLocale::ShortFormat))
                                   : tr("Token %1 never expires").arg(t.name));
    });
    m_countdown->setInterval(std::chrono::seconds(1));
    connect(m_countdown, &QTimer::timeout, this, &MainWindow::updateStatus);
    connect(m_feed, &FleetFeed::phaseChanged, this, &MainWindow::updateStatus);
    connect(m_feed, &FleetFeed::lastErrorChanged, this, &MainWindow::updateStatus);
    // A refused token is not retried: ask for another, with the server's reason.
    connect(m_feed, &FleetFeed::tokenRefused, this, [this](const QString &reason) {
        showConnectDialog(displayServer(m_feed->server()), {}, reason);
    });

    resize(1100, 650);
    updateStatus();
}

void MainWindow::createActions()
{
    auto *connectAction = new QAction(style()->standardIcon(QStyle::SP_DriveNetIcon), tr("&Connect…"), this);
    connectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connectAction->setToolTip(tr("Connect to a control plane (%1)")
                                  .arg(connectAction->shortcut().toString(QKeySequence::NativeText)));
    connect(connectAction, &QAction::triggered, this, [this] { showConnectDialog(); });

    auto *disconnectAction = new QAction(style()->standardIcon(QStyle::SP_BrowserStop), tr("&Disconnect"), this);
    connect(disconnectAction, &QAction::triggered, m_feed, &FleetFeed::stop);
    const auto updateDisconnect = [this, disconnectAction] {
        disconnectAction->setEnabled(m_feed->phase() != FleetFeed::Phase::Idle);
    };
    connect(m_feed, &FleetFeed::phaseChanged, disconnectAction, updateDisconnect);
    updateDisconnect();

    auto *quitAction = new QAction(tr("&Quit"), this);
    quitAction->setShortcut(QKeySequence::Quit);
    quitAction->setMenuRole(QAction::QuitRole);
    connect(quitAction, &QAction::triggered, qApp, &QApplication::closeAllWindows);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(connectAction);
    file->addAction(disconnectAction);
    file->addSeparator();
    file->addAction(quitAction);
    m_viewMenu = menuBar()->addMenu(tr("&View"));

    QToolBar *toolBar = addToolBar(tr("Connection"));
    toolBar->setObjectName(QStringLiteral("connectionToolBar"));
    toolBar->setMovable(false);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar->setIconSize(QSize(16, 16));
    toolBar->addAction(connectAction);
    toolBar->addAction(disconnectAction);
}

int MainWindow::addMode(const QIcon &icon, const QString &title, QWidget *pane)
{
    const int page = m_stack->addWidget(pane);
    const int row = m_modeBar->addMode(icon, title);
    Q_ASSERT(page == row); // the mode bar's rows and the stack's pages stay in step
    auto *show = m_viewMenu->addAction(icon, title);
    if (row < 9)
        show->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + row)));
    connect(show, &QAction::triggered, this, [this, row] { m_modeBar->setCurrentRow(row); });
    return row;
}

void MainWindow::setProfiles(ConnectionProfiles *profiles, TokenVault *vault)
{
    m_profiles = profiles;
    m_vault = vault;
}

void MainWindow::connectWith(ConnectDialog *dialog)
{
    QList<QSslCertificate> cas;
    if (!dialog->caFile().isEmpty()) {
        cas = QSslCertificate::fromPath(dialog->caFile(), QSsl::Pem);
        if (cas.isEmpty()) {
            statusBar()->showMessage(tr("%1 holds no PEM certificate: connecting with the system's CAs only").arg(dialog->caFile()), 15000);
        }
    }
    m_feed->setCaCertificates(cas);
    m_feed->start(dialog->server(), dialog->token());
    if (!m_profiles)
        return;
    const QString server = dialog->serverText();
    m_profiles->remember({server, dialog->caFile(), dialog->rememberToken(), {}});
    const QPointer<MainWindow> self(this);
    const auto report = [self](const QString &error) {
        if (self && !error.isEmpty())
            self->statusBar()->showMessage(tr("Token not remembered: %1").arg(error), 15000);
    };
    if (dialog->rememberToken())
        m_vault->write(server, dialog->token(), report);
    else
        m_vault->forget(server, report);
}

void MainWindow::showMode(int mode)
{
    m_modeBar->setCurrentRow(mode);
}

void MainWindow::showConnectDialog(const QString &server, const QString &token, const QString &refusal)
{
    if (m_connectDialog) {
        m_connectDialog->setRefusal(refusal);
        m_connectDialog->raise();
        m_connectDialog->activateWindow();
        return;
    }
    auto *dialog = new ConnectDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!server.isEmpty())
        dialog->setServer(server);
    else if (m_feed->server().isValid())
        dialog->setServer(displayServer(m_feed->server()));
    else if (m_profiles && !m_profiles->profiles().isEmpty())
        dialog->setServer(m_profiles->profiles().first().server); // the one used last
    else
        dialog->setServer(QStringLiteral("127.0.0.1:7070"));
    dialog->setToken(token);
    // A refused token must not come back from the keyring.
    if (m_profiles && refusal.isEmpty())
        dialog->setProfiles(m_profiles, m_vault);
    dialog->setRefusal(refusal);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { connectWith(dialog); });
    m_connectDialog = dialog;
    dialog->open();
}

ConnectDialog *MainWindow::connectDialog() const
{
    return m_connectDialog;
}

QString MainWindow::identityText() const
{
    const Op::Identity identity = m_feed->identity();
    if (identity.principal.isEmpty())
        return {};
    return tr("Role: %1 · %2").arg(toText(identity.token.role), identity.principal);
}

QString MainWindow::statusText() const
{
    const QString server = displayServer(m_feed->server());
    switch (m_feed->phase()) {
    case FleetFeed::Phase::Idle:
        return tr("Not connected: use File > Connect… (%1)").arg(QKeySequence(Qt::CTRL | Qt::Key_L).toString(QKeySequence::NativeText));
    case FleetFeed::Phase::Connecting:
        return tr("Connecting to %1…").arg(server);
    case FleetFeed::Phase::Live:
        return m_feed->lastError().isEmpty() ? tr("Connected to %1").arg(server)
                                             : tr("Connected to %1 (%2)").arg(server, m_feed->lastError());
    case FleetFeed::Phase::TokenRefused:
        return tr("Token refused by %1: %2 — enter another with File > Connect… (%3)")
            .arg(server, m_feed->lastError(), QKeySequence(Qt::CTRL | Qt::Key_L).toString(QKeySequence::NativeText));
    case FleetFeed::Phase::Retrying: {
        using namespace std::chrono;
        // Round up: "retrying in 0 s" would be a lie for the last second.
        const auto remaining = duration_cast<seconds>(m_feed->retryRemaining() + 999ms).count();
        return tr("Disconnected: %1 — retrying in %2 s").arg(m_feed->lastError()).arg(std::max<qint64>(remaining, 1));
    }
    }
    Q_UNREACHABLE();
}

void MainWindow::updateStatus()
{
    const FleetFeed::Phase phase = m_feed->phase();
    const QColor dot = phase == FleetFeed::Phase::Live ? StatusColors::healthy()
        : phase == FleetFeed::Phase::Retrying || phase == FleetFeed::Phase::TokenRefused ? StatusColors::failing()
                                                       : StatusColors::inactive();
    m_status->setText(QStringLiteral("<span style=\"color:%1\">&#9679;</span>&nbsp;%2")
                          .arg(dot.name(), statusText().toHtmlEscaped()));
    m_status->setToolTip(m_feed->lastError());

    if (phase == FleetFeed::Phase::Retrying && !m_countdown->isActive())
        m_countdown->start();
    else if (phase != FleetFeed::Phase::Retrying)
        m_countdown->stop();

    setWindowTitle(m_feed->server().isValid() ? tr("Keel Console — %1").arg(displayServer(m_feed->server()))
                                              : tr("Keel Console"));
}

} // namespace Keel
