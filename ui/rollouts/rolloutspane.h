#pragma once

#include "operatormessages.h"
#include "rollouttypes.h"

#include <QPointer>
#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace Keel {

class GateHistory;
class KeelClient;
class RolloutFeed;
class RolloutListModel;
class RolloutView;
class RolloutWizard;

// The "Rollouts" mode: every rollout, newest first, above the selected one's live view
// (failure sentence, wave strip, nodes, gate charts and the actions). New rollout… opens
// the wizard, which needs the operator role, as do the view's actions; the pane learns
// the role from setIdentity(). F5 lists again.
class RolloutsPane final : public QWidget
{
    Q_OBJECT

public:
    explicit RolloutsPane(KeelClient *client, QWidget *parent = nullptr);

    RolloutListModel *rollouts() const { return m_rollouts; }
    GateHistory *history() const { return m_history; }
    RolloutFeed *feed() const { return m_feed; }
    RolloutView *view() const { return m_view; }
    QTableView *table() const { return m_table; }
    // The wizard while it is open, else nullptr.
    RolloutWizard *wizard() const;
    QString selectedId() const;
    QString placeholderText() const;
    QString bannerText() const;

public slots:
    // Who the console acts as (FleetFeed::identityChanged). Empty: not known yet, the
    // actions stay enabled and the control plane decides.
    void setIdentity(const Keel::Op::Identity &identity);
    void setRole(std::optional<Keel::Role> role);
    // Opens the wizard, on this component (and version) when given.
    void openWizard(const QString &component = {}, const QString &version = {});
    void selectRollout(const QString &id);

private:
    void buildLayout();
    void updateActions();
    void updateSummary();
    void updatePlaceholder();
    void showSelected();
    void followNewest();
    void showBanner(const QString &text);

    KeelClient *m_client;
    RolloutListModel *m_rollouts;
    GateHistory *m_history;
    RolloutFeed *m_feed;
    std::optional<Role> m_role;
    QSortFilterProxyModel *m_sorted;
    QPushButton *m_new;
    QPushButton *m_refresh;
    QLabel *m_summary;
    QLabel *m_banner;
    QTableView *m_table;
    QLabel *m_placeholder;
    RolloutView *m_view;
    QPointer<RolloutWizard> m_wizard;
    QString m_selected;
    // The newest rollout was selected (or none): a newer one is selected as it arrives.
    // Once the operator picks an older one, the selection stays with it.
    bool m_followNewest = true;
    bool m_selecting = false;
};

} // namespace Keel
