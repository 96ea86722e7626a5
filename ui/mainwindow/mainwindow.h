#pragma once

#include <QMainWindow>

class QLabel;
class QStackedWidget;
class QTimer;

namespace Keel {

class FleetFeed;
class ModeBar;

// The console's frame: a mode bar on the left selects one pane of the central stack;
// the File menu connects; the status bar says how the connection stands. Panes are
// added by whoever composes the application, so the frame knows none of them.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(FleetFeed *feed, QWidget *parent = nullptr);

    // Adds a page and its entry in the mode bar; the first one added is shown.
    int addMode(const QIcon &icon, const QString &title, QWidget *pane);

    // Asks for a server and token, then (re)starts the feed with them. The fields start
    // with the values given, else with the server the feed is using.
    void showConnectDialog(const QString &server = {}, const QString &token = {});

    QString statusText() const;

private:
    void createActions();
    void updateStatus();

    FleetFeed *m_feed;
    ModeBar *m_modeBar;
    QStackedWidget *m_stack;
    QLabel *m_status;
    QTimer *m_countdown; // refreshes "retrying in N s" while a retry is pending
};

} // namespace Keel
