#pragma once

#include "operatormessages.h"
#include "rollouttypes.h"

#include <QMessageBox>
#include <QPointer>
#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QTableView;

namespace Keel {

class GateHistory;
class GatePanel;
class KeelClient;
class RolloutBanner;
class RolloutNodesModel;
class WaveStrip;

// One rollout, live: the failure in a sentence at the top (when it failed, rolled back
// or paused), the change and its state, Pause/Resume/Abort/Rollback (each enabled by the
// state, disabled for a viewer with the role needed in the tooltip, confirmed once with
// the count of nodes it touches), the wave strip, the nodes wave by wave and the gate
// charts of the wave that matters now. Set again with every event of the rollout.
class RolloutView final : public QWidget
{
    Q_OBJECT

public:
    RolloutView(KeelClient *client, GateHistory *history, QWidget *parent = nullptr);

    void setRollout(const Rollout &rollout);
    void clear();
    const Rollout &rollout() const { return m_rollout; }
    // Who the console acts as: a viewer sees the actions disabled. Not known: enabled.
    void setRole(std::optional<Role> role);

    WaveStrip *waveStrip() const { return m_strip; }
    GatePanel *gatePanel() const { return m_gates; }
    RolloutNodesModel *nodes() const { return m_nodes; }
    QPushButton *actionButton(RolloutAction action) const;
    QMessageBox *confirmation() const { return m_confirmation; }
    QString bannerText() const;
    QString headerText() const;
    QString messageText() const;

    // Whether the control plane accepts the action in this state.
    static bool allows(RolloutAction action, RolloutState state);
    // The nodes an abort or rollback returns to the baseline: in waves that switched.
    static int switchedNodes(const Rollout &rollout);
    // The confirmation's question: "Abort rollout r-1a2b3c? 3 switched nodes return to hash 1.0.0."
    static QString question(RolloutAction action, const Rollout &rollout);

public slots:
    void requestAction(Keel::RolloutAction action);

signals:
    // The control plane answered an action with the rollout as it stands now.
    void rolloutControlled(const Keel::Rollout &rollout);

private:
    void updateBanner();
    void updateHeader();
    void updateActions();
    void run(RolloutAction action);

    KeelClient *m_client;
    Rollout m_rollout;
    std::optional<Role> m_role;
    RolloutBanner *m_banner;
    QLabel *m_title;
    QLabel *m_spec;
    QLabel *m_message;
    QList<QPushButton *> m_actions; // by RolloutAction
    WaveStrip *m_strip;
    RolloutNodesModel *m_nodes;
    QTableView *m_nodeTable;
    GatePanel *m_gates;
    QLabel *m_placeholder;
    QWidget *m_body;
    QPointer<QMessageBox> m_confirmation;
    bool m_running = false;
};

} // namespace Keel
