#pragma once

#include "fleettypes.h"
#include "registrytypes.h"
#include "residencytypes.h"

namespace Keel {

// The residency policy in force, as placement sees it: may this component version run on
// this node? Owned by ControlPlane; DeploymentService leaves out what it forbids (enforce
// mode) and ResidencyService replaces the policy when a new version is applied.
class PlacementPolicy final
{
public:
    const ResidencyPolicy &policy() const { return m_policy; }
    void setPolicy(ResidencyPolicy policy) { m_policy = std::move(policy); }

    // The decision for one node under this policy or another (a preview). `allowed` is
    // false only for an enforce-mode placement rule; an audit-mode one sets `rule` and
    // keeps `allowed`.
    PlacementDecision decide(const Node &node, const Manifest &manifest) const { return decide(m_policy, node, manifest); }
    static PlacementDecision decide(const ResidencyPolicy &policy, const Node &node, const Manifest &manifest);

    // The rules over any of these data classes (what a node running them enforces).
    std::vector<ResidencyRule> rulesFor(const QStringList &dataClasses) const;
    // Whether some rule over these classes names subjects: requests must then name theirs,
    // and the node needs the component's other placements for its 451 answers.
    bool needsSubject(const QStringList &dataClasses) const;

    static std::vector<std::string> classes(const QStringList &dataClasses);

private:
    ResidencyPolicy m_policy;
};

} // namespace Keel
