#pragma once

#include "fleettypes.h"
#include "registrytypes.h"
#include "residencytypes.h"

// Deployments and desired state: domain types shared by the control plane, its clients
// and tools that speak as an agent. Only the codecs convert them to keel.v1.
namespace Keel {

// One rule: "component at version, on the nodes the selector matches", or, with an
// empty version, "not on those nodes" (an undeploy). Later rules win.
struct Deployment
{
    quint64 sequence = 0; // the revision that wrote it
    QString component;
    QString version;      // empty: removed from the matching nodes
    QString selector;
    QDateTime created;
    QString createdBy;
    // Nodes the selector matches that the rule leaves out: those the residency policy
    // forbade when it was written with --skip-disallowed.
    QStringList excluded;

    bool applies(const Node &node) const { return !excluded.contains(node.name); }
    bool operator==(const Deployment &) const = default;
};

// A rule as operators list it: the stored rule and how many nodes its selector matches
// at the time of the answer.
struct DeploymentRule
{
    Deployment deployment;
    int nodesMatched = 0;

    bool operator==(const DeploymentRule &) const = default;
};

// One component of a node's desired state, with what the agent needs to fetch and check it.
struct ComponentRef
{
    Manifest manifest;
    QString moduleDigest;
    quint64 moduleSize = 0;
    QByteArray moduleSignature;
    QString aotDigest; // empty: no object for this node's target (yet)
    quint64 aotSize = 0;
    QByteArray aotSignature;
    QString aotTarget;

    bool operator==(const ComponentRef &) const = default;
};

struct DesiredState
{
    quint64 generation = 0;
    QList<ComponentRef> components;
    // Kept loaded, not served: a rollout's baseline on a switched node (keel.proto).
    QList<ComponentRef> standby;
    // The residency rules the node enforces per request (unset: none concern it).
    NodeResidency residency;
    // As received (tools and tests that speak as an agent): the signed bytes and signature.
    QByteArray signedBytes;
    QByteArray signature;

    bool operator==(const DesiredState &) const = default;
};

struct StateAck
{
    quint64 generation = 0;
    bool applied = false; // false: refused; the node keeps its last good set
    QList<ComponentStatus> components;

    bool operator==(const StateAck &) const = default;
};

struct FetchArtifact
{
    QString digest;
    quint64 offset = 0;
};

struct ArtifactChunk
{
    QString digest;
    quint64 offset = 0;
    quint64 totalSize = 0;
    QByteArray data;
    bool last = false;
};

struct DeploymentChange
{
    QString component;
    QString version;
    QString selector;
    bool removed = false;

    bool operator==(const DeploymentChange &) const = default;
};

struct StateAckRecord
{
    QString node;
    StateAck ack;

    bool operator==(const StateAckRecord &) const = default;
};

} // namespace Keel
