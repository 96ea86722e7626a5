#pragma once

#include "deploymenttypes.h"

#include <QHash>

namespace Keel {

// What a node last reported about its desired state (StateAck), as kept.
struct NodeStateRecord
{
    quint64 appliedGeneration = 0;
    QList<ComponentStatus> applied;  // the set it runs
    quint64 rejectedGeneration = 0;  // 0: none since the last applied one
    QList<ComponentStatus> rejected; // why, per component
    QDateTime reported;

    bool operator==(const NodeStateRecord &) const = default;
};

// A node's own desired-state generation and the content it numbers: the generation
// advances only when the node's set changes.
struct NodeDesiredRecord
{
    quint64 generation = 0;
    QString fingerprint; // of the set's content (DeploymentService)

    bool operator==(const NodeDesiredRecord &) const = default;
};

// Deployments, the fleet's desired-state revision, and what nodes acknowledged. Part of
// Store (Store::deployments()); portable SQL only.
class DeploymentStore
{
public:
    virtual ~DeploymentStore() = default;

    // The revision: bumped by every change that alters some node's desired state.
    virtual quint64 revision() = 0;
    // In one transaction: bumps the revision and stores the rule with it as sequence,
    // replacing any earlier rule for the same component and selector. Returns the stored
    // rule (sequence set).
    virtual Deployment putDeployment(Deployment deployment) = 0;
    // Bumps the revision without a new rule (e.g. an AOT object became available).
    virtual quint64 bumpRevision() = 0;
    virtual QList<Deployment> deployments() = 0; // by sequence

    // Each in one transaction, however many nodes.
    virtual void putNodeDesired(const QHash<QString, NodeDesiredRecord> &desired) = 0;
    virtual QHash<QString, NodeDesiredRecord> nodeDesired() = 0;

    virtual void putNodeStates(const QHash<QString, NodeStateRecord> &states) = 0;
    virtual QHash<QString, NodeStateRecord> nodeStates() = 0;
};

} // namespace Keel
