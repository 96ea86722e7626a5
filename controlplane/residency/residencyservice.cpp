#include "residencyservice.h"

#include "auditlog.h"
#include "deploymentservice.h"
#include "fleetservice.h"
#include "placementpolicy.h"
#include "policydiff.h"
#include "policyvalidator.h"
#include "servermetrics.h"

#include <QLoggingCategory>
#include <QTimer>

#include <algorithm>

namespace Keel {

Q_LOGGING_CATEGORY(lcResidency, "keel.residency")

namespace {

const QString kPrincipal = QStringLiteral("controlplane");

QString name(const ResidencyPolicy &policy)
{
    return policy.name.empty() ? QStringLiteral("policy") : QString::fromStdString(policy.name);
}

bool sameViolation(const ResidencyViolation &a, const ResidencyViolation &b)
{
    return a.samePlacement(b) && a.mode == b.mode && a.removed == b.removed;
}

} // namespace

ResidencyService::ResidencyService(PolicyStore &store, PlacementPolicy &placement, DeploymentService &deployments,
                                   FleetService &fleet, AuditLog &audit, ServerMetrics &metrics, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_placement(placement)
    , m_deployments(deployments)
    , m_fleet(fleet)
    , m_audit(audit)
    , m_metrics(metrics)
{
    QStringList damaged;
    m_history = m_store.policies(&damaged);
    for (const QString &d : std::as_const(damaged))
        qCCritical(lcResidency, "a stored policy version does not read back and is skipped: %s", qPrintable(d));
    if (!m_history.isEmpty())
        m_placement.setPolicy(m_history.last().policy);
    // What stands at start is known, not news: no events, no audit records.
    m_violations = violationsUnder(m_placement.policy());
    connect(&m_deployments, &DeploymentService::desiredStateChanged, this, [this] { scheduleRefresh(); });
    connect(&m_deployments, &DeploymentService::nodeDesiredStateChanged, this, [this] { scheduleRefresh(); });
}

quint64 ResidencyService::version() const
{
    return m_placement.policy().version;
}

std::variant<ResidencyService::Applied, WireError> ResidencyService::apply(ResidencyPolicy policy, bool dryRun,
                                                                           quint64 expectedVersion, const QString &principal)
{
    const auto problems = keel::residency::PolicyValidator::validate(policy);
    if (!problems.empty()) {
        QStringList lines;
        for (const auto &problem : problems)
            lines.append(QString::fromStdString(problem.path() + ": " + problem.message));
        return WireError{ErrorCode::BadRequest,
                         QStringLiteral("the policy is not valid, nothing was applied: %1").arg(lines.join(QStringLiteral("; "))),
                         QStringLiteral("policy.") + QString::fromStdString(problems.front().path())};
    }
    const ResidencyPolicy &current = m_placement.policy();
    if (expectedVersion != 0 && expectedVersion != current.version) {
        return WireError{ErrorCode::Conflict,
                         QStringLiteral("the policy is at version %1 (applied by %2), not %3 as this change expects: "
                                        "get it again (keelctl policy get), redo the change and apply")
                             .arg(current.version)
                             .arg(QString::fromStdString(current.appliedBy).left(64))
                             .arg(expectedVersion),
                         QStringLiteral("expected_version")};
    }
    Applied applied;
    applied.impact = impactOf(policy);
    if (policy.sameRules(current)) {
        applied.policy = current;
        return applied; // nothing to store: the same rules stay in force
    }
    policy.version = current.version + 1;
    if (dryRun) { // as it would be stored: not applied by anyone yet
        policy.appliedUnixMs = 0;
        policy.appliedBy.clear();
        applied.policy = policy;
        return applied;
    }
    policy.appliedUnixMs = QDateTime::currentMSecsSinceEpoch();
    policy.appliedBy = principal.toStdString();
    applied.policy = policy;

    m_store.addPolicy({policy, applied.impact.diff}); // throws StoreError: nothing changed
    m_history.append({policy, applied.impact.diff});
    m_placement.setPolicy(policy);
    qCInfo(lcResidency, "%s version %llu applied by %s: %s", qPrintable(name(policy)), qulonglong(policy.version),
           qPrintable(principal), qPrintable(applied.impact.diff));
    emit policyChanged({policy, applied.impact.diff});
    m_deployments.policyChanged(); // every node's set again: removals and the rules nodes enforce
    // At once, so that `policy violations` right after the answer agrees with it; the
    // impact holds them already, computed over the same placements.
    publish(applied.impact.violations);
    return applied;
}

std::variant<ResidencyPolicy, WireError> ResidencyService::policy(quint64 version) const
{
    if (version == 0 || version == m_placement.policy().version)
        return m_placement.policy();
    for (const StoredPolicy &stored : m_history) {
        if (stored.policy.version == version)
            return stored.policy;
    }
    return WireError{ErrorCode::NotFound,
                     QStringLiteral("no policy version %1 (the current one is %2): see keelctl policy history")
                         .arg(version)
                         .arg(m_placement.policy().version),
                     QStringLiteral("version")};
}

QList<PolicyRevision> ResidencyService::history() const
{
    QList<PolicyRevision> revisions;
    for (auto it = m_history.crbegin(); it != m_history.crend(); ++it) {
        revisions.append({it->policy.version, QDateTime::fromMSecsSinceEpoch(it->policy.appliedUnixMs, Qt::UTC),
                          QString::fromStdString(it->policy.appliedBy), it->diff, int(it->policy.rules.size())});
    }
    return revisions;
}

QList<ResidencyViolation> ResidencyService::violationsUnder(const ResidencyPolicy &policy) const
{
    QList<ResidencyViolation> violations;
    if (policy.rules.empty())
        return violations;
    QList<Node> nodes = m_fleet.nodes();
    std::sort(nodes.begin(), nodes.end(), [](const Node &a, const Node &b) { return a.name < b.name; });
    for (const Node &node : std::as_const(nodes)) {
        const DeploymentService::Intended intended = m_deployments.intendedFor(node);
        for (auto it = intended.versions.cbegin(); it != intended.versions.cend(); ++it) {
            const auto manifest = m_deployments.manifestOf(it.key(), it.value());
            if (!manifest)
                continue;
            const PlacementDecision decision = PlacementPolicy::decide(policy, node, *manifest);
            if (decision.rule.isEmpty())
                continue;
            ResidencyViolation v;
            v.component = it.key();
            v.version = it.value();
            v.node = node.name;
            v.region = node.region;
            v.nodeJurisdiction = node.jurisdiction;
            v.policy = name(policy);
            v.rule = decision.rule;
            const auto rule = std::find_if(policy.rules.cbegin(), policy.rules.cend(),
                                           [&](const ResidencyRule &r) { return QString::fromStdString(r.name) == decision.rule; });
            v.dataClass = rule != policy.rules.cend() ? QString::fromStdString(rule->dataClass) : QString();
            v.mode = decision.mode;
            v.reason = decision.reason;
            v.removed = !decision.allowed;
            violations.append(std::move(v));
        }
    }
    return violations;
}

PolicyImpact ResidencyService::impactOf(const ResidencyPolicy &policy) const
{
    PolicyImpact impact;
    impact.violations = violationsUnder(policy);
    impact.diff = QString::fromStdString(keel::residency::PolicyDiff::describe(m_placement.policy(), policy));
    // What nodes would lose: removed under the new policy, served under the current one.
    const QList<ResidencyViolation> current = violationsUnder(m_placement.policy());
    QMap<QString, QStringList> losses;
    for (const ResidencyViolation &v : std::as_const(impact.violations)) {
        if (!v.removed)
            continue;
        const bool removedNow = std::any_of(current.cbegin(), current.cend(), [&](const ResidencyViolation &old) {
            return old.removed && old.component == v.component && old.version == v.version && old.node == v.node;
        });
        if (!removedNow)
            losses[v.node].append(v.component + u'@' + v.version);
    }
    for (auto it = losses.cbegin(); it != losses.cend(); ++it)
        impact.losses.append({it.key(), it.value()});
    return impact;
}

void ResidencyService::scheduleRefresh()
{
    if (m_refreshScheduled)
        return;
    m_refreshScheduled = true;
    QTimer::singleShot(0, this, [this] {
        m_refreshScheduled = false;
        refresh();
    });
}

void ResidencyService::refresh()
{
    publish(violationsUnder(m_placement.policy()));
}

void ResidencyService::publish(const QList<ResidencyViolation> &now)
{
    for (const ResidencyViolation &v : now) {
        const bool known = std::any_of(m_violations.cbegin(), m_violations.cend(),
                                       [&](const ResidencyViolation &old) { return sameViolation(old, v); });
        if (known)
            continue;
        if (v.removed) {
            m_metrics.placementRemoved();
            qCWarning(lcResidency, "%s@%s left out of %s: %s", qPrintable(v.component), qPrintable(v.version),
                      qPrintable(v.node), qPrintable(v.reason));
            m_audit.record(kPrincipal, QString(), QStringLiteral("remove_violating_placement"),
                           QStringLiteral("%1@%2 on %3 (rule %4)").arg(v.component, v.version, v.node, v.rule),
                           QStringLiteral("ok"));
        } else {
            qCWarning(lcResidency, "%s@%s on %s flagged (audit mode): %s", qPrintable(v.component), qPrintable(v.version),
                      qPrintable(v.node), qPrintable(v.reason));
        }
        emit violationChanged(v);
    }
    for (const ResidencyViolation &old : std::as_const(m_violations)) {
        const bool stands = std::any_of(now.cbegin(), now.cend(), [&](const ResidencyViolation &v) { return sameViolation(old, v); });
        if (stands)
            continue;
        ResidencyViolation gone = old;
        gone.resolved = true;
        emit violationChanged(gone);
    }
    m_violations = now;
    const auto enforce = std::count_if(now.cbegin(), now.cend(), [](const ResidencyViolation &v) { return v.removed; });
    m_metrics.setViolations("enforce", double(enforce));
    m_metrics.setViolations("audit", double(now.size() - enforce));
}

} // namespace Keel
