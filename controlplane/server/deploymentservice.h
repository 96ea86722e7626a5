#pragma once

#include "deploymentstore.h"
#include "nodeselector.h"
#include "wireerror.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <variant>

namespace Keel {

class FleetService;
class RegistryService;
class ServerMetrics;

// Deployments and each node's desired state, xDS style: a node's full set is computed
// from the deployment rules (later rules win per component) and the registry, and pushed
// on every change and every reconnect. Generations are per node: a node's generation
// advances (to the fleet's revision at that moment, so it only grows) when the content
// of its own set changes, and a change elsewhere sends it nothing. Node acks and
// generations are kept in memory for reads and written through to the store.
class DeploymentService final : public QObject
{
    Q_OBJECT

public:
    // Throws StoreError while loading.
    DeploymentService(DeploymentStore &store, RegistryService &registry, FleetService &fleet, ServerMetrics &metrics,
                      QObject *parent = nullptr);

    // The number of nodes the selector matches now, or why the request is refused.
    std::variant<int, WireError> deploy(const QString &component, const QString &version, const QString &selector,
                                        const QString &principal);
    std::variant<int, WireError> undeploy(const QString &component, const QString &selector, const QString &principal);

    // A rollout's hold on one component on some nodes, over the rules: the version the
    // node serves and the one it keeps loaded beside it (empty: none).
    struct Pin
    {
        QString version;
        QString standbyVersion;
        bool operator==(const Pin &) const = default;
    };
    // Replaces the component's pins (empty: none) and sends the nodes whose set changed
    // their new desired state.
    void setPins(const QString &component, const QHash<QString, Pin> &pins);
    // Who holds a component now (a rollout id), or empty: deploy and undeploy of a held
    // component are refused naming the holder.
    void setHolder(std::function<QString(const QString &component)> holder) { m_holder = std::move(holder); }
    // A rule written for a rollout that holds the component (succeeded, or rolled back
    // after success): not refused by the hold. An empty version writes an undeploy.
    std::variant<int, WireError> deployHeld(const QString &component, const QString &version, const QString &selector,
                                            const QString &principal);
    // The version the rules alone give the component on the node; empty: none.
    QString ruleVersion(const Node &node, const QString &component) const;

    quint64 revision() const { return m_revision; }
    QList<Deployment> deployments() const { return m_deployments; }
    // The rules (of one component; empty: all) in the order they apply, each with the
    // number of nodes its selector matches now.
    QList<DeploymentRule> rules(const QString &component = {}) const;
    // The node's full desired set, numbered with the node's own generation.
    DesiredState desiredFor(const Node &node);
    // A node's ack: recorded, written through, announced.
    void recordAck(const QString &node, const StateAck &ack);
    // The node with its desired and acknowledged generations and component states filled in.
    Node withState(Node node);
    // What the node last reported (StateAck), as kept; an empty record when nothing.
    NodeStateRecord reportedState(const QString &node) const { return m_nodeStates.value(node); }

signals:
    // Some node's desired state may have changed: connected agents get their new set.
    void desiredStateChanged(quint64 revision);
    void deploymentChanged(const Keel::DeploymentChange &change);
    void stateAckRecorded(const Keel::StateAckRecord &record);

private:
    std::variant<int, WireError> put(Deployment deployment, bool removed);
    void onAotBuildFinished(const QString &component, const QString &version);
    quint64 generationFor(const QString &node, const QList<ComponentRef> &components, const QList<ComponentRef> &standby);
    std::optional<ComponentRef> refFor(const Node &node, const QString &component, const QString &version) const;
    std::optional<WireError> heldError(const QString &component) const;

    DeploymentStore &m_store;
    RegistryService &m_registry;
    FleetService &m_fleet;
    ServerMetrics &m_metrics;
    quint64 m_revision = 0;
    QList<Deployment> m_deployments;
    QHash<QString, NodeSelector> m_selectors; // by the canonical selector text of m_deployments
    QHash<QString, NodeStateRecord> m_nodeStates;
    QHash<QString, NodeDesiredRecord> m_nodeDesired;
    QHash<QString, QHash<QString, Pin>> m_pins; // component -> node -> pin
    std::function<QString(const QString &component)> m_holder;
};

} // namespace Keel
