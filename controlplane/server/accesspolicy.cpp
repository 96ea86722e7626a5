#include "accesspolicy.h"

#include "overloaded.h"

namespace Keel {

namespace {

RequestAccess reads(const char *action, Role needed = Role::Viewer)
{
    return {QLatin1String(action), needed, false, {}};
}

RequestAccess changes(const char *action, Role needed, QString target)
{
    return {QLatin1String(action), needed, true, std::move(target)};
}

// Requests the contract defines and this build answers UNIMPLEMENTED: still authorised
// and audited like the real thing, so the matrix never depends on what is built yet.
RequestAccess unsupported(const QString &name)
{
    static const QHash<QString, std::pair<Role, bool>> known = {};
    const auto it = known.constFind(name);
    if (it == known.cend()) // unknown to this build: only an admin gets as far as UNIMPLEMENTED
        return {name, Role::Admin, true, {}};
    return {name, it->first, it->second, {}};
}

} // namespace

RequestAccess AccessPolicy::of(const OperatorRequestBody &request)
{
    return std::visit(Overloaded{
        [](const Op::ListRegions &) { return reads("list_regions"); },
        [](const Op::ListNodes &) { return reads("list_nodes"); },
        [](const Op::GetNode &) { return reads("get_node"); },
        [](const Op::Watch &) { return reads("watch"); },
        [](const Op::ListTokens &) { return reads("list_tokens", Role::Admin); },
        [](const Op::ListAudit &) { return reads("list_audit", Role::Operator); },
        [](const Op::ApplyTopology &r) {
            QStringList names;
            for (const Region &region : r.regions)
                names.append(region.name);
            return changes("apply_topology", Role::Operator, QStringLiteral("regions ") + names.join(u','));
        },
        [](const Op::CreateJoinToken &r) {
            return changes("create_join_token", Role::Operator, QStringLiteral("region ") + r.region);
        },
        [](const Op::WhoAmI &) { return reads("who_am_i"); },
        [](const Op::LabelNode &r) { return changes("label_node", Role::Operator, QStringLiteral("node ") + r.name); },
        [](const Op::CreateToken &r) {
            return changes("create_token", Role::Admin, QStringLiteral("%1 (%2)").arg(r.name, toText(r.role)));
        },
        [](const Op::RevokeToken &r) { return changes("revoke_token", Role::Admin, QStringLiteral("token ") + r.id); },
        [](const Op::PushComponent &r) {
            return changes("push_component", Role::Operator, r.manifest.name + u'@' + r.manifest.version);
        },
        [](const Op::ListComponents &) { return reads("list_components"); },
        [](const Op::Deploy &r) {
            return changes("deploy", Role::Operator, QStringLiteral("%1@%2 to %3").arg(r.component, r.version, r.selector));
        },
        [](const Op::Undeploy &r) {
            return changes("undeploy", Role::Operator, QStringLiteral("%1 from %2").arg(r.component, r.selector));
        },
        [](const Op::ListDeployments &) { return reads("list_deployments"); },
        [](const Op::QueryMetrics &) { return reads("query_metrics"); },
        [](const Op::StartRollout &r) {
            return changes("start_rollout", Role::Operator,
                           QStringLiteral("%1@%2 to %3").arg(r.spec.component, r.spec.version, r.spec.selector));
        },
        [](const Op::GetRollout &) { return reads("get_rollout"); },
        [](const Op::ListRollouts &) { return reads("list_rollouts"); },
        [](const Op::ControlRollout &r) {
            return changes("control_rollout", Role::Operator, QStringLiteral("%1 rollout %2").arg(toText(r.action), r.id));
        },
        [](const Op::SetPolicy &r) {
            const QString name = r.policy.name.empty() ? QStringLiteral("policy") : QStringLiteral("policy ") + QString::fromStdString(r.policy.name);
            // A dry run changes nothing: any role may preview (keelctl policy check -f).
            if (r.dryRun)
                return reads("set_policy");
            return changes("set_policy", Role::Operator, QStringLiteral("%1 (%2 rules)").arg(name).arg(r.policy.rules.size()));
        },
        [](const Op::GetPolicy &) { return reads("get_policy"); },
        [](const Op::ListPolicyHistory &) { return reads("list_policy_history"); },
        [](const Op::ListViolations &) { return reads("list_violations"); },
        [](const Op::CheckPlacement &) { return reads("check_placement"); },
        [](const Op::Unsupported &r) { return unsupported(r.name); },
        // Refused before anything is looked at or changed: answered to anyone, not audited.
        [](const Op::Invalid &r) { return RequestAccess{r.request, Role::Viewer, false, {}}; },
    }, request);
}

} // namespace Keel
