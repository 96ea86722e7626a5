#pragma once

#include "operatormessages.h"

#include <QPointer>
#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QTableView;
class QTreeView;

namespace Keel {

class ComponentDetail;
class ComponentFeed;
class ComponentRegistryModel;
class DeployDialog;
class DeploymentRulesModel;
class KeelClient;
class PushDialog;

// The "Components" mode: the registry (components and their versions, with the AOT build
// state of each) beside the selected version's detail, and under them the deployment
// rules in the order they apply. Push, Deploy and Undeploy open dialogs that work without
// blocking; they need the operator role, which the pane learns from setIdentity().
class ComponentsPane final : public QWidget
{
    Q_OBJECT

public:
    explicit ComponentsPane(KeelClient *client, QWidget *parent = nullptr);

    ComponentRegistryModel *registry() const { return m_registry; }
    DeploymentRulesModel *rules() const { return m_rules; }
    ComponentFeed *feed() const { return m_feed; }
    // The dialog while it is open, else nullptr.
    PushDialog *pushDialog() const;
    DeployDialog *deployDialog() const;
    QString bannerText() const;
    QString placeholderText() const;

public slots:
    // Who the console acts as (FleetFeed::identityChanged): its role decides whether the
    // mutating actions are enabled. An empty identity means not known (yet): the actions
    // stay enabled and the control plane decides.
    void setIdentity(const Keel::Op::Identity &identity);
    void setRole(std::optional<Keel::Role> role);
    void openPushDialog();
    void openDeployDialog();
    void openUndeployDialog();

signals:
    // "Roll out…" on the selected version: the Rollouts pane opens its wizard on it.
    void rolloutRequested(const QString &component, const QString &version);

private:
    void buildLayout();
    void updateActions();
    void updateSummary();
    void updatePlaceholders();
    void updateDetail();
    void showBanner(const QString &text);
    void openDeploymentDialog(bool deploy);
    void selectVersion(const QString &name, const QString &version);

    KeelClient *m_client;
    ComponentRegistryModel *m_registry;
    DeploymentRulesModel *m_rules;
    ComponentFeed *m_feed;
    std::optional<Role> m_role;
    QPushButton *m_push;
    QPushButton *m_deploy;
    QPushButton *m_undeploy;
    QPushButton *m_rollOut;
    QPushButton *m_refresh;
    QLabel *m_summary;
    QLabel *m_banner;
    QTreeView *m_tree;
    ComponentDetail *m_detail;
    QTableView *m_rulesView;
    QLabel *m_placeholder;
    QLabel *m_rulesPlaceholder;
    QPointer<PushDialog> m_pushDialog;
    QPointer<DeployDialog> m_deployDialog;
    // Selected once it appears in the registry (after a push).
    QString m_pendingSelection;
};

} // namespace Keel
