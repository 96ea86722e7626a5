#pragma once

#include "residencypolicy.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

// Residency (docs/residency.md) in domain form. The policy itself is keel_residency's
// plain type, shared with the agent; what the control plane says about it is here.
namespace Keel {

using ResidencyPolicy = keel::residency::Policy;
using ResidencyRule = keel::residency::Rule;
using ResidencyMode = keel::residency::Mode;

// keel.v1 ResidencyViolation: component@version placed on node against a placement rule.
struct ResidencyViolation
{
    QString component;
    QString version;
    QString node;
    QString region;
    QString nodeJurisdiction;
    QString policy;
    QString rule;
    QString dataClass;
    ResidencyMode mode = ResidencyMode::Enforce;
    QString reason;
    bool removed = false;  // enforce mode: left out of the node's desired state
    bool resolved = false; // events only: the violation is gone

    // The same placement and rule (state fields aside).
    bool samePlacement(const ResidencyViolation &other) const
    {
        return component == other.component && version == other.version && node == other.node && rule == other.rule;
    }
    bool operator==(const ResidencyViolation &) const = default;
};

struct NodeLoss
{
    QString node;
    QStringList components; // "name@version"
    bool operator==(const NodeLoss &) const = default;
};

struct PolicyImpact
{
    QList<ResidencyViolation> violations; // every placement that is a violation under the policy
    QList<NodeLoss> losses;               // the enforce-mode ones, by node
    QString diff;                         // against the current policy
    bool operator==(const PolicyImpact &) const = default;
};

struct PolicyRevision
{
    quint64 version = 0;
    QDateTime applied;
    QString appliedBy;
    QString diff;
    int rules = 0;
    bool operator==(const PolicyRevision &) const = default;
};

struct PlacementDecision
{
    QString node;
    QString region;
    QString jurisdiction;
    bool allowed = true;
    QString rule; // the rule that forbids it, or flags it (audit); empty: none
    QString reason;
    ResidencyMode mode = ResidencyMode::Enforce;
    bool operator==(const PlacementDecision &) const = default;
};

// keel.v1 RegionEndpoints / ComponentPlacement / NodeResidency: what a node enforces per
// request, carried in its signed desired state.
struct RegionEndpoints
{
    QString region;
    QString jurisdiction;
    QStringList endpoints; // advertised base URLs, e.g. "http://10.0.0.5:8080"
    bool operator==(const RegionEndpoints &) const = default;
};

struct ComponentPlacement
{
    QString component;
    QList<RegionEndpoints> regions;
    bool operator==(const ComponentPlacement &) const = default;
};

struct NodeResidency
{
    QString jurisdiction;
    QString defaultSubject;
    std::vector<ResidencyRule> rules; // over the data classes of the node's components
    QList<ComponentPlacement> placements;
    quint64 policyVersion = 0;

    bool isSet() const { return !rules.empty(); }
    bool operator==(const NodeResidency &) const = default;
};

// keel.v1 PolicyChanged (watch topic violations).
struct PolicyChange
{
    ResidencyPolicy policy;
    QString diff;
};

} // namespace Keel
