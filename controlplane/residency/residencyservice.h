#pragma once

#include "policystore.h"
#include "residencytypes.h"
#include "wireerror.h"

#include <QObject>

#include <variant>

namespace Keel {

class AuditLog;
class DeploymentService;
class FleetService;
class PlacementPolicy;
class ServerMetrics;

// The residency policy engine (docs/residency.md). Keeps every version of the policy,
// puts the current one in force (PlacementPolicy, which DeploymentService consults for
// every node's set), previews what a new one would do, and keeps the list of violations:
// placements the rules and rollouts make that a placement rule does not allow. Whenever
// placement inputs change (a policy, a deployment, a region's jurisdiction, a node's
// region or labels) the list is computed again; what appears or goes is announced, and an
// enforce-mode violation's removal from desired state is audited.
class ResidencyService final : public QObject
{
    Q_OBJECT

public:
    // Throws StoreError while loading.
    ResidencyService(PolicyStore &store, PlacementPolicy &placement, DeploymentService &deployments, FleetService &fleet,
                     AuditLog &audit, ServerMetrics &metrics, QObject *parent = nullptr);

    struct Applied
    {
        ResidencyPolicy policy; // as stored (a dry run: as it would be)
        PolicyImpact impact;
    };
    // Validates, previews and (unless dryRun) stores a new version and puts it in force.
    // expectedVersion (0: any) refuses with CONFLICT if another version is current. The
    // same rules as the current ones store nothing. Throws StoreError.
    std::variant<Applied, WireError> apply(ResidencyPolicy policy, bool dryRun, quint64 expectedVersion,
                                           const QString &principal);
    // The current policy (version 0: none applied yet), or an earlier version.
    std::variant<ResidencyPolicy, WireError> policy(quint64 version) const;
    QList<PolicyRevision> history() const; // newest first
    QList<ResidencyViolation> violations() const { return m_violations; }
    quint64 version() const;

    // Violations under `policy` of the placements the rules and rollouts make now.
    QList<ResidencyViolation> violationsUnder(const ResidencyPolicy &policy) const;
    // What `policy` would do: its violations, what nodes would lose, the diff.
    PolicyImpact impactOf(const ResidencyPolicy &policy) const;

    // Placement inputs changed: violations are computed again once the event loop turns.
    void scheduleRefresh();

signals:
    // Found, or (resolved set) gone.
    void violationChanged(const Keel::ResidencyViolation &violation);
    void policyChanged(const Keel::PolicyChange &change);

private:
    void refresh();
    // Makes `now` the standing violations, announcing what appeared and what went.
    void publish(const QList<ResidencyViolation> &now);

    PolicyStore &m_store;
    PlacementPolicy &m_placement;
    DeploymentService &m_deployments;
    FleetService &m_fleet;
    AuditLog &m_audit;
    ServerMetrics &m_metrics;
    QList<StoredPolicy> m_history; // oldest first
    QList<ResidencyViolation> m_violations;
    bool m_refreshScheduled = false;
};

} // namespace Keel
