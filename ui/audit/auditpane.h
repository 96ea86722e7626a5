#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QTableView;
class QTimer;

namespace Keel {

class AlertModel;
class AuditFilterProxy;
class AuditLogModel;
class FleetSelection;
class KeelClient;

// Alerts on top (what needs attention now), the audit log below (who did what, newest
// first) with filters by principal, action, result and time. The log is read from the
// control plane in pages and kept current while the pane is shown.
class AuditPane final : public QWidget
{
    Q_OBJECT

public:
    AuditPane(KeelClient *client, AlertModel *alerts, FleetSelection *selection, QWidget *parent = nullptr);

    AuditLogModel *log() const { return m_log; }
    // Reads what is new (F5; also every few seconds while shown).
    void refresh();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void updateHints();
    void applySince();

    KeelClient *m_client;
    AlertModel *m_alerts;
    AuditLogModel *m_log;
    AuditFilterProxy *m_proxy;
    QListView *m_alertView;
    QLabel *m_alertHint;
    QTableView *m_logView;
    QLabel *m_logHint;
    QLineEdit *m_principal;
    QLineEdit *m_action;
    QComboBox *m_result;
    QComboBox *m_since;
    QTimer *m_poll;
    QString m_refusal;
    bool m_reading = false;
};

} // namespace Keel
