#pragma once

#include "deploymentstore.h"
#include "nodeselector.h"
#include "wireerror.h"

#include <QHash>
#include <QObject>
#include <QSet>

#include <functional>
#include <variant>

namespace Keel {

class FleetService;
class PlacementPolicy;
class RegistryService;
class ServerMetrics;

// Deployments and each node's desired state, xDS style: a node's full set is computed
// from the deployment rules (later rules win per component), a rollout's pins and the
// registry, bounded by the residency policy (what an enforce-mode placement rule forbids
// is left out; the rules over the node's components ride along for per-request checks),
// and pushed on every change and every reconnect. Generations are per node: a node's generation
// advances (to the fleet's revision at that moment, so it only grows) when the content
// of its own set changes, and a change elsewhere sends it nothing. Node acks and
// generations are kept in memory for reads and written through to the store.
class DeploymentService final : public QObject
{
    Q_OBJECT

public:
    // Throws StoreError while loading.
    DeploymentService(DeploymentStore &store, RegistryService &registry, FleetService &fleet,
                      const PlacementPolicy &placement, ServerMetrics &metrics, QObject *parent = nullptr);
    ~DeploymentService() override; // writes what is not written yet

    struct Deployed
    {
        int nodesMatched = 0;
        QList<PlacementDecision> skipped; // matched, forbidden by the residency policy, left out
    };
    // Refused, naming the nodes and the rule, when the residency policy forbids the version
    // on some node the selector matches; with skipDisallowed the rule leaves those out.
    std::variant<Deployed, WireError> deploy(const QString &component, const QString &version, const QString &selector,
                                             const QString &principal, bool skipDisallowed);
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
                                            const QString &principal, const QStringList &excluded = {});
    // "the residency policy forbids hash@2.0.0 on 2 of the nodes all matches: ..."
    static WireError forbiddenError(const QString &component, const QString &version, const QString &selector,
                                    const QList<PlacementDecision> &forbidden);
    // The matching nodes where the residency policy forbids (or, audit mode, flags) the
    // version: one decision per node the selector matches.
    std::variant<QList<PlacementDecision>, WireError> placements(const QString &component, const QString &version,
                                                                 const QString &selector) const;

    // What the rules and a rollout's pins put on a node, before the residency policy:
    // component -> version served, and component -> version kept loaded beside it.
    struct Intended
    {
        QMap<QString, QString> versions;
        QMap<QString, QString> standby;
    };
    Intended intendedFor(const Node &node) const;
    std::optional<Manifest> manifestOf(const QString &component, const QString &version) const;
    // The residency policy changed: every node's set is computed again.
    void policyChanged();
    // A node as FleetService now has it: when its region, jurisdiction, labels or endpoint
    // moved and a policy is in force, placements (and the alternatives nodes hand out in
    // their 451 answers) are computed again.
    void nodeUpdated(const Node &node);
    // The version the rules alone give the component on the node; empty: none.
    QString ruleVersion(const Node &node, const QString &component) const;

    quint64 revision() const { return m_revision; }
    QList<Deployment> deployments() const { return m_deployments; }
    // The rules (of one component; empty: all) in the order they apply, each with the
    // number of nodes its selector matches now.
    QList<DeploymentRule> rules(const QString &component = {}) const;
    // The node's full desired set, numbered with the node's own generation.
    DesiredState desiredFor(const Node &node);
    // A node's ack: recorded, announced, and written at the end of this event-loop turn
    // together with every other ack of the turn.
    void recordAck(const QString &node, const StateAck &ack);
    // The node with its desired and acknowledged generations and component states filled
    // in. Desired::Computed works the node's set out now; Desired::LastSent takes the
    // generation last worked out for it (what an ack is measured against), which costs
    // nothing.
    enum class Desired { Computed, LastSent };
    Node withState(Node node, Desired desired = Desired::Computed);
    // Writes the acks and generations not written yet (also at the end of each turn).
    void save();
    // What the node last reported (StateAck), as kept; an empty record when nothing.
    NodeStateRecord reportedState(const QString &node) const { return m_nodeStates.value(node); }

signals:
    // Some node's desired state may have changed: connected agents get their new set.
    void desiredStateChanged(quint64 revision);
    // Only this node's set may have changed (its shape moved, nothing else depends on it).
    void nodeDesiredStateChanged(const QString &node);
    void deploymentChanged(const Keel::DeploymentChange &change);
    void stateAckRecorded(const Keel::StateAckRecord &record);

private:
    std::variant<int, WireError> put(Deployment deployment, bool removed);
    NodeResidency residencyFor(const Node &node, const QList<ComponentRef> &components);
    const QHash<QString, QList<RegionEndpoints>> &placementIndex();
    void onAotBuildFinished(const QString &component, const QString &version);
    quint64 generationFor(const QString &node, const QList<ComponentRef> &components, const QList<ComponentRef> &standby,
                          const NodeResidency &residency);
    std::optional<ComponentRef> refFor(const Node &node, const QString &component, const QString &version) const;
    std::optional<WireError> heldError(const QString &component) const;

    DeploymentStore &m_store;
    RegistryService &m_registry;
    FleetService &m_fleet;
    const PlacementPolicy &m_placement;
    ServerMetrics &m_metrics;
    quint64 m_revision = 0;
    QList<Deployment> m_deployments;
    QHash<QString, NodeSelector> m_selectors; // by the canonical selector text of m_deployments
    QHash<QString, NodeStateRecord> m_nodeStates;
    QHash<QString, NodeDesiredRecord> m_nodeDesired;
    QHash<QString, QHash<QString, Pin>> m_pins; // component -> node -> pin
    std::function<QString(const QString &component)> m_holder;
    // Where each component that some subject rule covers is placed, by region, with the
    // nodes' endpoints; computed when first needed after a change.
    QHash<QString, QList<RegionEndpoints>> m_placementIndex;
    bool m_placementIndexValid = false;
    bool m_placementRefreshScheduled = false;
    QHash<QString, QList<RegionEndpoints>> buildPlacementIndex() const;
    // After node changes: builds the index again and, if it moved, sends the fleet its sets.
    void refreshPlacementIndex();
    // Endpoints per region and component in a node's residency (where a 451 sends clients).
    static constexpr qsizetype kMaxEndpointsPerRegion = 8;
    // Acks and generations not written yet: a deploy to a large fleet is one transaction
    // per event-loop turn, not one per node.
    QSet<QString> m_unsavedStates;
    QSet<QString> m_unsavedDesired;
    bool m_saveScheduled = false;
    void saveSoon();
    QHash<QString, QString> m_nodeShapes; // node -> what placement depends on, to see it move
};

} // namespace Keel
