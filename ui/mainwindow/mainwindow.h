#pragma once

#include <QMainWindow>
#include <QPointer>

class QLabel;
class QMenu;
class QStackedWidget;
class QTimer;

namespace Keel {

class ConnectDialog;
class ConnectionProfiles;
class FleetFeed;
class TokenVault;
class ModeBar;

// The console's frame: a mode bar on the left selects one pane of the central stack;
// the File menu connects; the status bar says how the connection stands. Panes are
// added by whoever composes the application, so the frame knows none of them.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(FleetFeed *feed, QWidget *parent = nullptr);

    // Adds a page and its entry in the mode bar (and the View menu, Ctrl+1 for the first,
    // up to Ctrl+9); the first one added is shown.
    int addMode(const QIcon &icon, const QString &title, QWidget *pane);
    // Shows the pane addMode() returned `mode` for.
    void showMode(int mode);

    // Asks for a server and token (window-modal, without blocking), then (re)starts the
    // feed with them. The fields start with the values given, else with the server the
    // feed is using; `refusal` says why a new token is needed. One dialog at a time.
    void showConnectDialog(const QString &server = {}, const QString &token = {}, const QString &refusal = {});
    ConnectDialog *connectDialog() const; // the one open, or nullptr
    // Where the Connect dialog remembers servers and (when asked) tokens; both must
    // outlive the window. Without them nothing is remembered.
    void setProfiles(ConnectionProfiles *profiles, TokenVault *vault);

    QString statusText() const;
    // Who the console acts as: role and principal, or empty while not known.
    QString identityText() const;

private:
    void createActions();
    void updateStatus();

    FleetFeed *m_feed;
    ModeBar *m_modeBar;
    QStackedWidget *m_stack;
    QLabel *m_status;
    QLabel *m_identity;
    QMenu *m_viewMenu = nullptr;
    QTimer *m_countdown; // refreshes "retrying in N s" while a retry is pending
    QPointer<ConnectDialog> m_connectDialog;
    ConnectionProfiles *m_profiles = nullptr;
    TokenVault *m_vault = nullptr;
    void connectWith(ConnectDialog *dialog);
};

} // namespace Keel
