// OperatorCodec's answers: encoding them (the control plane) and decoding them (clients).
#include "operatorcodec.h"

#include "operatorcodec_p.h"
#include "overloaded.h"
#include "protoconvert_p.h"

namespace Keel {

using namespace Proto;
namespace pb = keel::v1;

QByteArray OperatorCodec::encodeResponse(const OperatorResponse &response)
{
    pb::Envelope envelope;
    envelope.set_request_id(response.id);
    if (const auto *error = std::get_if<WireError>(&response.body)) {
        Proto::toProto(*error, envelope.mutable_error());
        return serialize(envelope);
    }
    pb::OperatorResponse *out = envelope.mutable_operator_response();
    std::visit(Overloaded{
        [&](const WireError &) {},
        [&](const Op::RegionList &r) {
            auto *m = out->mutable_list_regions();
            for (const Region &region : r.regions)
                Proto::toProto(region, m->add_regions());
        },
        [&](const TopologyApplied &r) {
            auto *m = out->mutable_apply_topology();
            m->set_regions_created(uint32_t(r.regionsCreated));
            m->set_regions_updated(uint32_t(r.regionsUpdated));
            m->set_sites_created(uint32_t(r.sitesCreated));
        },
        [&](const Op::NodeList &r) {
            auto *m = out->mutable_list_nodes();
            for (const Node &node : r.nodes)
                Proto::toProto(node, m->add_nodes());
        },
        [&](const Op::NodeDetail &r) { Proto::toProto(r.node, out->mutable_get_node()->mutable_node()); },
        [&](const Op::NodeLabeled &r) { Proto::toProto(r.node, out->mutable_label_node()->mutable_node()); },
        [&](const Op::Identity &r) {
            auto *m = out->mutable_who_am_i();
            m->set_principal(str(r.principal));
            Proto::toProto(r.token, m->mutable_token());
        },
        [&](const JoinToken &r) {
            auto *m = out->mutable_create_join_token();
            m->set_token(str(r.token));
            m->set_region(str(r.region));
            m->set_uses(uint32_t(r.uses));
            m->set_expires_unix_ms(toUnixMs(r.expires));
            m->set_controlplane_key_sha256(str(r.controlPlaneKeySha256));
            m->set_site(str(r.site));
            Proto::toProto(r.labels, m->mutable_labels());
        },
        [&](const Op::WatchStarted &r) {
            out->mutable_watch()->set_current_sequence(r.currentSequence);
            out->mutable_watch()->set_epoch(str(r.epoch));
        },
        [&](const CreatedToken &r) {
            auto *m = out->mutable_create_token();
            m->set_token(str(r.secret));
            m->set_id(str(r.token.id));
            Proto::toProto(r.token, m->mutable_info());
        },
        [&](const Op::TokenList &r) {
            auto *m = out->mutable_list_tokens();
            for (const OperatorToken &token : r.tokens)
                Proto::toProto(token, m->add_tokens());
        },
        [&](const Op::TokenRevoked &) { out->mutable_revoke_token(); },
        [&](const PushedComponent &r) {
            auto *m = out->mutable_push_component();
            m->set_module_digest(str(r.version.moduleDigest));
            m->set_created(r.created);
            Proto::toProto(r.version, m->mutable_version());
        },
        [&](const Op::ComponentList &r) {
            auto *m = out->mutable_list_components();
            for (const ComponentVersion &version : r.versions)
                Proto::toProto(version, m->add_versions());
        },
        [&](const Op::Deployed &r) {
            auto *m = out->mutable_deploy();
            m->set_nodes_matched(uint32_t(r.nodesMatched));
            for (const PlacementDecision &d : r.skipped)
                Proto::toProto(d, m->add_skipped());
        },
        [&](const Op::PolicySet &r) {
            auto *m = out->mutable_set_policy();
            Proto::toProto(r.policy, m->mutable_policy());
            Proto::toProto(r.impact, m->mutable_impact());
        },
        [&](const Op::PolicyDetail &r) { Proto::toProto(r.policy, out->mutable_get_policy()->mutable_policy()); },
        [&](const Op::PolicyHistory &r) {
            auto *m = out->mutable_list_policy_history();
            for (const PolicyRevision &revision : r.revisions)
                Proto::toProto(revision, m->add_revisions());
        },
        [&](const Op::ViolationList &r) {
            auto *m = out->mutable_list_violations();
            m->set_policy_version(r.policyVersion);
            for (const ResidencyViolation &v : r.violations)
                Proto::toProto(v, m->add_violations());
        },
        [&](const Op::PlacementCheck &r) {
            auto *m = out->mutable_check_placement();
            for (const PlacementDecision &d : r.decisions)
                Proto::toProto(d, m->add_decisions());
        },
        [&](const Op::Undeployed &r) { out->mutable_undeploy()->set_nodes_matched(uint32_t(r.nodesMatched)); },
        [&](const Op::MetricsWindows &r) {
            auto *m = out->mutable_query_metrics();
            for (const MetricsWindow &w : r.windows)
                Proto::toProto(w, m->add_windows());
        },
        [&](const Op::DeploymentList &r) {
            auto *m = out->mutable_list_deployments();
            for (const DeploymentRule &rule : r.deployments)
                Proto::toProto(rule, m->add_deployments());
        },
        [&](const Op::RolloutStarted &r) {
            auto *m = out->mutable_start_rollout();
            m->set_rollout_id(str(r.rollout.id));
            Proto::toProto(r.rollout, m->mutable_rollout());
        },
        [&](const Op::RolloutDetail &r) { Proto::toProto(r.rollout, out->mutable_get_rollout()->mutable_rollout()); },
        [&](const Op::RolloutList &r) {
            auto *m = out->mutable_list_rollouts();
            for (const Rollout &rollout : r.rollouts)
                Proto::toProto(rollout, m->add_rollouts());
        },
        [&](const Op::RolloutControlled &r) { Proto::toProto(r.rollout, out->mutable_control_rollout()->mutable_rollout()); },
        [&](const Op::AuditList &r) {
            auto *m = out->mutable_list_audit();
            for (const AuditRecord &record : r.records)
                Proto::toProto(record, m->add_records());
            m->set_truncated(r.truncated);
        },
    }, response.body);
    return serialize(envelope);
}

Decoded<OperatorServerMessage> Proto::decodeResponse(quint64 id, const pb::OperatorResponse &in)
{
    using Result = Decoded<OperatorServerMessage>;
    OperatorResponse response;
    response.id = id;
    switch (in.response_case()) {
    case pb::OperatorResponse::kListRegions: {
        Op::RegionList list;
        for (const auto &region : in.list_regions().regions())
            list.regions.append(Proto::fromProto(region));
        response.body = std::move(list);
        break;
    }
    case pb::OperatorResponse::kApplyTopology: {
        const auto &m = in.apply_topology();
        response.body = TopologyApplied{int(m.regions_created()), int(m.regions_updated()), int(m.sites_created())};
        break;
    }
    case pb::OperatorResponse::kListNodes: {
        Op::NodeList list;
        for (const auto &node : in.list_nodes().nodes()) {
            auto decoded = Proto::fromProto(node);
            if (!decoded)
                return Result::fail(decoded.error);
            list.nodes.append(std::move(*decoded.value));
        }
        response.body = std::move(list);
        break;
    }
    case pb::OperatorResponse::kGetNode: {
        auto decoded = Proto::fromProto(in.get_node().node());
        if (!decoded)
            return Result::fail(decoded.error);
        response.body = Op::NodeDetail{std::move(*decoded.value)};
        break;
    }
    case pb::OperatorResponse::kLabelNode: {
        auto decoded = Proto::fromProto(in.label_node().node());
        if (!decoded)
            return Result::fail(decoded.error);
        response.body = Op::NodeLabeled{std::move(*decoded.value)};
        break;
    }
    case pb::OperatorResponse::kCreateJoinToken: {
        const auto &m = in.create_join_token();
        response.body = JoinToken{str(m.token()), str(m.region()), int(m.uses()), fromUnixMs(m.expires_unix_ms()),
                                  str(m.controlplane_key_sha256()), str(m.site()), Proto::fromProto(m.labels())};
        break;
    }
    case pb::OperatorResponse::kWatch:
        response.body = Op::WatchStarted{in.watch().current_sequence(), str(in.watch().epoch())};
        break;
    case pb::OperatorResponse::kWhoAmI: {
        auto token = Proto::fromProto(in.who_am_i().token());
        if (!token)
            return Result::fail(token.error);
        response.body = Op::Identity{str(in.who_am_i().principal()), std::move(*token.value)};
        break;
    }
    case pb::OperatorResponse::kCreateToken: {
        const auto &m = in.create_token();
        auto info = Proto::fromProto(m.info());
        if (!info)
            return Result::fail(info.error);
        response.body = CreatedToken{str(m.token()), std::move(*info.value)};
        break;
    }
    case pb::OperatorResponse::kListTokens: {
        Op::TokenList list;
        for (const auto &token : in.list_tokens().tokens()) {
            auto decoded = Proto::fromProto(token);
            if (!decoded)
                return Result::fail(decoded.error);
            list.tokens.append(std::move(*decoded.value));
        }
        response.body = std::move(list);
        break;
    }
    case pb::OperatorResponse::kRevokeToken:
        response.body = Op::TokenRevoked{};
        break;
    case pb::OperatorResponse::kPushComponent: {
        auto version = Proto::fromProto(in.push_component().version());
        if (!version)
            return Result::fail(version.error);
        response.body = PushedComponent{std::move(*version.value), in.push_component().created()};
        break;
    }
    case pb::OperatorResponse::kQueryMetrics: {
        Op::MetricsWindows windows;
        for (const auto &w : in.query_metrics().windows())
            windows.windows.append(Proto::fromProto(w));
        response.body = std::move(windows);
        break;
    }
    case pb::OperatorResponse::kDeploy: {
        Op::Deployed deployed{int(in.deploy().nodes_matched()), {}};
        for (const auto &d : in.deploy().skipped())
            deployed.skipped.append(Proto::fromProto(d));
        response.body = std::move(deployed);
        break;
    }
    case pb::OperatorResponse::kUndeploy:
        response.body = Op::Undeployed{int(in.undeploy().nodes_matched())};
        break;
    case pb::OperatorResponse::kListComponents: {
        Op::ComponentList list;
        for (const auto &v : in.list_components().versions()) {
            auto version = Proto::fromProto(v);
            if (!version)
                return Result::fail(version.error);
            list.versions.append(std::move(*version.value));
        }
        response.body = std::move(list);
        break;
    }
    case pb::OperatorResponse::kStartRollout:
    case pb::OperatorResponse::kGetRollout:
    case pb::OperatorResponse::kControlRollout: {
        const pb::Rollout &m = in.has_start_rollout() ? in.start_rollout().rollout()
                               : in.has_get_rollout() ? in.get_rollout().rollout()
                                                      : in.control_rollout().rollout();
        auto rollout = Proto::fromProto(m);
        if (!rollout)
            return Result::fail(rollout.error);
        if (in.has_start_rollout())
            response.body = Op::RolloutStarted{std::move(*rollout.value)};
        else if (in.has_get_rollout())
            response.body = Op::RolloutDetail{std::move(*rollout.value)};
        else
            response.body = Op::RolloutControlled{std::move(*rollout.value)};
        break;
    }
    case pb::OperatorResponse::kListRollouts: {
        Op::RolloutList list;
        for (const auto &m : in.list_rollouts().rollouts()) {
            auto rollout = Proto::fromProto(m);
            if (!rollout)
                return Result::fail(rollout.error);
            list.rollouts.append(std::move(*rollout.value));
        }
        response.body = std::move(list);
        break;
    }
    case pb::OperatorResponse::kListDeployments: {
        Op::DeploymentList list;
        for (const auto &rule : in.list_deployments().deployments())
            list.deployments.append(Proto::fromProto(rule));
        response.body = std::move(list);
        break;
    }
    case pb::OperatorResponse::kListAudit: {
        Op::AuditList list;
        for (const auto &record : in.list_audit().records())
            list.records.append(Proto::fromProto(record));
        list.truncated = in.list_audit().truncated();
        response.body = std::move(list);
        break;
    }
    case pb::OperatorResponse::kSetPolicy: {
        auto policy = Proto::fromProto(in.set_policy().policy());
        auto impact = Proto::fromProto(in.set_policy().impact());
        if (!policy || !impact)
            return Result::fail(QStringLiteral("set_policy answer: %1").arg(policy ? impact.error : policy.error));
        response.body = Op::PolicySet{std::move(*policy.value), std::move(*impact.value)};
        break;
    }
    case pb::OperatorResponse::kGetPolicy: {
        auto policy = Proto::fromProto(in.get_policy().policy());
        if (!policy)
            return Result::fail(QStringLiteral("get_policy answer: %1").arg(policy.error));
        response.body = Op::PolicyDetail{std::move(*policy.value)};
        break;
    }
    case pb::OperatorResponse::kListPolicyHistory: {
        Op::PolicyHistory history;
        for (const auto &revision : in.list_policy_history().revisions())
            history.revisions.append(Proto::fromProto(revision));
        response.body = std::move(history);
        break;
    }
    case pb::OperatorResponse::kListViolations: {
        Op::ViolationList list;
        list.policyVersion = in.list_violations().policy_version();
        for (const auto &v : in.list_violations().violations()) {
            auto violation = Proto::fromProto(v);
            if (!violation)
                return Result::fail(QStringLiteral("list_violations answer: %1").arg(violation.error));
            list.violations.append(std::move(*violation.value));
        }
        response.body = std::move(list);
        break;
    }
    case pb::OperatorResponse::kCheckPlacement: {
        Op::PlacementCheck check;
        for (const auto &d : in.check_placement().decisions())
            check.decisions.append(Proto::fromProto(d));
        response.body = std::move(check);
        break;
    }
    default:
        return Result::fail(QStringLiteral("operator response %1 is not known to this build").arg(int(in.response_case())));
    }
    return Result::ok(std::move(response));
}

} // namespace Keel
