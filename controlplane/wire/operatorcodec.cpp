#include "operatorcodec.h"

#include "overloaded.h"
#include "protoconvert_p.h"
#include "operatorcodec_p.h"

namespace Keel {

using namespace Proto;
namespace pb = keel::v1;

namespace {


std::optional<WatchTopic> fromProto(int topic)
{
    switch (topic) {
    case pb::WATCH_TOPIC_NODES: return WatchTopic::Nodes;
    case pb::WATCH_TOPIC_TOPOLOGY: return WatchTopic::Topology;
    case pb::WATCH_TOPIC_DEPLOYMENTS: return WatchTopic::Deployments;
    case pb::WATCH_TOPIC_METRICS: return WatchTopic::Metrics;
    case pb::WATCH_TOPIC_ROLLOUTS: return WatchTopic::Rollouts;
    case pb::WATCH_TOPIC_VIOLATIONS: return WatchTopic::Violations;
    case pb::WATCH_TOPIC_AUDIT: return WatchTopic::Audit;
    default: return std::nullopt;
    }
}

pb::WatchTopic toProto(WatchTopic topic)
{
    switch (topic) {
    case WatchTopic::Nodes: return pb::WATCH_TOPIC_NODES;
    case WatchTopic::Topology: return pb::WATCH_TOPIC_TOPOLOGY;
    case WatchTopic::Deployments: return pb::WATCH_TOPIC_DEPLOYMENTS;
    case WatchTopic::Metrics: return pb::WATCH_TOPIC_METRICS;
    case WatchTopic::Rollouts: return pb::WATCH_TOPIC_ROLLOUTS;
    case WatchTopic::Violations: return pb::WATCH_TOPIC_VIOLATIONS;
    case WatchTopic::Audit: return pb::WATCH_TOPIC_AUDIT;
    }
    Q_UNREACHABLE();
}

// Names (the keel.v1 field names) of the requests the contract defines that this build
// answers UNIMPLEMENTED.
QString unsupportedName(pb::OperatorRequest::RequestCase c)
{
    switch (c) {
    default: return {};
    }
}

} // namespace

QByteArray OperatorCodec::encodeRequest(const OperatorRequest &request)
{
    pb::Envelope envelope;
    envelope.set_request_id(request.id);
    pb::OperatorRequest *out = envelope.mutable_operator_request();
    std::visit(Overloaded{
        [&](const Op::ListRegions &) { out->mutable_list_regions(); },
        [&](const Op::ApplyTopology &r) {
            auto *m = out->mutable_apply_topology();
            for (const Region &region : r.regions)
                Proto::toProto(region, m->add_regions());
        },
        [&](const Op::ListNodes &r) { out->mutable_list_nodes()->set_selector(str(r.selector)); },
        [&](const Op::GetNode &r) { out->mutable_get_node()->set_name(str(r.name)); },
        [&](const Op::CreateJoinToken &r) {
            auto *m = out->mutable_create_join_token();
            m->set_region(str(r.region));
            m->set_uses(uint32_t(r.uses));
            m->set_ttl_seconds(uint32_t(r.ttlSeconds));
            m->set_site(str(r.site));
            Proto::toProto(r.labels, m->mutable_labels());
        },
        [&](const Op::WhoAmI &) { out->mutable_who_am_i(); },
        [&](const Op::LabelNode &r) {
            auto *m = out->mutable_label_node();
            m->set_name(str(r.name));
            Proto::toProto(r.labels, m->mutable_labels());
            for (const QString &key : r.remove)
                m->add_remove(str(key));
        },
        [&](const Op::Watch &r) {
            auto *m = out->mutable_watch();
            for (WatchTopic t : r.topics)
                m->add_topics(toProto(t));
            m->set_resume_after_sequence(r.resumeAfterSequence);
            m->set_resume_epoch(str(r.resumeEpoch));
        },
        [&](const Op::CreateToken &r) {
            auto *m = out->mutable_create_token();
            m->set_role(Proto::toProto(r.role));
            m->set_name(str(r.name));
            m->set_ttl_seconds(uint32_t(r.ttlSeconds));
        },
        [&](const Op::ListTokens &) { out->mutable_list_tokens(); },
        [&](const Op::RevokeToken &r) { out->mutable_revoke_token()->set_id(str(r.id)); },
        [&](const Op::ListAudit &r) {
            auto *m = out->mutable_list_audit();
            m->set_since_unix_ms(toUnixMs(r.since));
            m->set_limit(uint32_t(r.limit));
            m->set_after_sequence(r.afterSequence);
        },
        [&](const Op::PushComponent &r) {
            auto *m = out->mutable_push_component();
            Proto::toProto(r.manifest, m->mutable_manifest());
            m->set_module(bytes(r.module));
        },
        [&](const Op::ListComponents &r) { out->mutable_list_components()->set_name(str(r.name)); },
        [&](const Op::Deploy &r) {
            auto *m = out->mutable_deploy();
            m->set_component(str(r.component));
            m->set_version(str(r.version));
            m->set_selector(str(r.selector));
            m->set_skip_disallowed(r.skipDisallowed);
        },
        [&](const Op::Undeploy &r) {
            auto *m = out->mutable_undeploy();
            m->set_component(str(r.component));
            m->set_selector(str(r.selector));
        },
        [&](const Op::QueryMetrics &r) {
            auto *m = out->mutable_query_metrics();
            m->set_component(str(r.component));
            m->set_region(str(r.region));
            m->set_node(str(r.node));
            m->set_since_unix_ms(toUnixMs(r.since));
        },
        [&](const Op::ListDeployments &r) { out->mutable_list_deployments()->set_component(str(r.component)); },
        [&](const Op::StartRollout &r) { Proto::toProto(r.spec, out->mutable_start_rollout()->mutable_spec()); },
        [&](const Op::GetRollout &r) { out->mutable_get_rollout()->set_id(str(r.id)); },
        [&](const Op::ListRollouts &r) { out->mutable_list_rollouts()->set_component(str(r.component)); },
        [&](const Op::ControlRollout &r) {
            auto *m = out->mutable_control_rollout();
            m->set_id(str(r.id));
            m->set_action(Proto::toProto(r.action));
        },
        [&](const Op::SetPolicy &r) {
            auto *m = out->mutable_set_policy();
            Proto::toProto(r.policy, m->mutable_policy());
            m->set_dry_run(r.dryRun);
            m->set_expected_version(r.expectedVersion);
        },
        [&](const Op::GetPolicy &r) { out->mutable_get_policy()->set_version(r.version); },
        [&](const Op::ListPolicyHistory &) { out->mutable_list_policy_history(); },
        [&](const Op::ListViolations &) { out->mutable_list_violations(); },
        [&](const Op::CheckPlacement &r) {
            auto *m = out->mutable_check_placement();
            m->set_component(str(r.component));
            m->set_version(str(r.version));
            m->set_selector(str(r.selector));
        },
        [&](const Op::Unsupported &) { Q_ASSERT_X(false, "encodeRequest", "cannot encode Unsupported"); },
        [&](const Op::Invalid &) { Q_ASSERT_X(false, "encodeRequest", "cannot encode Invalid"); },
    }, request.body);
    return serialize(envelope);
}

Decoded<OperatorRequest> OperatorCodec::decodeRequest(QByteArrayView frame)
{
    using Result = Decoded<OperatorRequest>;
    auto parsed = parseEnvelope(frame);
    if (!parsed)
        return Result::fail(parsed.error);
    const pb::Envelope &envelope = *parsed.value;
    if (envelope.body_case() != pb::Envelope::kOperatorRequest)
        return Result::fail(QStringLiteral("body field %1 is not an operator request").arg(int(envelope.body_case())));
    if (envelope.request_id() == 0)
        return Result::fail(QStringLiteral("operator request without a request_id"));

    OperatorRequest request;
    request.id = envelope.request_id();
    const pb::OperatorRequest &in = envelope.operator_request();
    // From here on the frame is a request with an id: a bad value is answered, not closed.
    auto invalid = [&](const char *name, const char *field, QString message) {
        request.body = Op::Invalid{QLatin1String(name), QLatin1String(field), std::move(message)};
        return Result::ok(std::move(request));
    };
    switch (in.request_case()) {
    case pb::OperatorRequest::kListRegions:
        request.body = Op::ListRegions{};
        break;
    case pb::OperatorRequest::kApplyTopology: {
        Op::ApplyTopology body;
        for (const auto &region : in.apply_topology().regions())
            body.regions.append(Proto::fromProto(region));
        request.body = std::move(body);
        break;
    }
    case pb::OperatorRequest::kListNodes:
        request.body = Op::ListNodes{str(in.list_nodes().selector())};
        break;
    case pb::OperatorRequest::kGetNode:
        request.body = Op::GetNode{str(in.get_node().name())};
        break;
    case pb::OperatorRequest::kCreateJoinToken: {
        const auto &m = in.create_join_token();
        if (m.uses() > 1000000)
            return invalid("create_join_token", "uses", QStringLiteral("uses %1 is over 1000000").arg(m.uses()));
        if (m.ttl_seconds() > 365u * 24 * 3600)
            return invalid("create_join_token", "ttl_seconds",
                           QStringLiteral("ttl_seconds %1 is over a year (31536000)").arg(m.ttl_seconds()));
        request.body = Op::CreateJoinToken{str(m.region()), int(m.uses()), int(m.ttl_seconds()), str(m.site()),
                                           Proto::fromProto(m.labels())};
        break;
    }
    case pb::OperatorRequest::kWatch: {
        Op::Watch body;
        for (int topic : in.watch().topics()) {
            const auto t = fromProto(topic);
            if (!t) {
                return invalid("watch", "topics",
                               QStringLiteral("watch topic %1 is unspecified or unknown (nodes, topology, deployments, metrics, "
                                              "rollouts, violations, audit)").arg(topic));
            }
            body.topics.append(*t);
        }
        body.resumeAfterSequence = in.watch().resume_after_sequence();
        body.resumeEpoch = str(in.watch().resume_epoch()).left(64);
        request.body = std::move(body);
        break;
    }
    case pb::OperatorRequest::kCreateToken: {
        const auto &m = in.create_token();
        const auto role = Proto::fromProto(m.role());
        if (!role) {
            return invalid("create_token", "role",
                           QStringLiteral("role %1 is unspecified or unknown (viewer, operator or admin)").arg(int(m.role())));
        }
        if (m.ttl_seconds() > 10u * 365 * 24 * 3600)
            return invalid("create_token", "ttl_seconds", QStringLiteral("ttl_seconds %1 is over ten years").arg(m.ttl_seconds()));
        request.body = Op::CreateToken{*role, str(m.name()), int(m.ttl_seconds())};
        break;
    }
    case pb::OperatorRequest::kListTokens:
        request.body = Op::ListTokens{};
        break;
    case pb::OperatorRequest::kRevokeToken:
        request.body = Op::RevokeToken{str(in.revoke_token().id())};
        break;
    case pb::OperatorRequest::kListAudit: {
        const auto &m = in.list_audit();
        if (m.since_unix_ms() < 0)
            return invalid("list_audit", "since_unix_ms", QStringLiteral("since_unix_ms %1 is negative").arg(m.since_unix_ms()));
        if (m.limit() > 100000)
            return invalid("list_audit", "limit", QStringLiteral("limit %1 is over 100000").arg(m.limit()));
        request.body = Op::ListAudit{m.since_unix_ms() > 0 ? fromUnixMs(m.since_unix_ms()) : QDateTime(), int(m.limit()),
                                     m.after_sequence()};
        break;
    }
    case pb::OperatorRequest::kPushComponent: {
        auto manifest = Proto::fromProto(in.push_component().manifest());
        if (!manifest)
            return invalid("push_component", "manifest.abi", manifest.error);
        request.body = Op::PushComponent{std::move(*manifest.value), bytes(in.push_component().module())};
        break;
    }
    case pb::OperatorRequest::kWhoAmI:
        request.body = Op::WhoAmI{};
        break;
    case pb::OperatorRequest::kLabelNode: {
        const auto &m = in.label_node();
        if (m.remove_size() > 64 || m.labels_size() > 64)
            return invalid("label_node", "labels", QStringLiteral("over 64 labels in one request"));
        Op::LabelNode body{str(m.name()), Proto::fromProto(m.labels()), {}};
        for (const auto &key : m.remove())
            body.remove.append(str(key));
        request.body = std::move(body);
        break;
    }
    case pb::OperatorRequest::kListComponents:
        request.body = Op::ListComponents{str(in.list_components().name())};
        break;
    case pb::OperatorRequest::kDeploy:
        request.body = Op::Deploy{str(in.deploy().component()), str(in.deploy().version()), str(in.deploy().selector()),
                                  in.deploy().skip_disallowed()};
        break;
    case pb::OperatorRequest::kUndeploy:
        request.body = Op::Undeploy{str(in.undeploy().component()), str(in.undeploy().selector())};
        break;
    case pb::OperatorRequest::kListDeployments:
        request.body = Op::ListDeployments{str(in.list_deployments().component())};
        break;
    case pb::OperatorRequest::kStartRollout: {
        auto spec = Proto::fromProto(in.start_rollout().spec());
        if (!spec)
            return invalid("start_rollout", "spec", spec.error);
        request.body = Op::StartRollout{std::move(*spec.value)};
        break;
    }
    case pb::OperatorRequest::kGetRollout:
        request.body = Op::GetRollout{str(in.get_rollout().id())};
        break;
    case pb::OperatorRequest::kListRollouts:
        request.body = Op::ListRollouts{str(in.list_rollouts().component())};
        break;
    case pb::OperatorRequest::kControlRollout: {
        const auto action = Proto::fromProto(in.control_rollout().action());
        if (!action)
            return invalid("control_rollout", "action", QStringLiteral("the action is unspecified or unknown: pause, resume, abort or rollback"));
        request.body = Op::ControlRollout{str(in.control_rollout().id()), *action};
        break;
    }
    case pb::OperatorRequest::kQueryMetrics: {
        const auto &m = in.query_metrics();
        request.body = Op::QueryMetrics{str(m.component()), str(m.region()), str(m.node()),
                                        m.since_unix_ms() > 0 ? fromUnixMs(m.since_unix_ms()) : QDateTime()};
        break;
    }
    case pb::OperatorRequest::kSetPolicy: {
        const auto &m = in.set_policy();
        auto policy = Proto::fromProto(m.policy());
        if (!policy)
            return invalid("set_policy", "policy", policy.error);
        request.body = Op::SetPolicy{std::move(*policy.value), m.dry_run(), m.expected_version()};
        break;
    }
    case pb::OperatorRequest::kGetPolicy:
        request.body = Op::GetPolicy{in.get_policy().version()};
        break;
    case pb::OperatorRequest::kListPolicyHistory:
        request.body = Op::ListPolicyHistory{};
        break;
    case pb::OperatorRequest::kListViolations:
        request.body = Op::ListViolations{};
        break;
    case pb::OperatorRequest::kCheckPlacement: {
        const auto &m = in.check_placement();
        request.body = Op::CheckPlacement{str(m.component()), str(m.version()), str(m.selector())};
        break;
    }
    case pb::OperatorRequest::REQUEST_NOT_SET:
        return Result::fail(QStringLiteral("operator request has no body, or one this build does not know"));
    default:
        request.body = Op::Unsupported{unsupportedName(in.request_case())};
        break;
    }
    return Result::ok(std::move(request));
}

Decoded<OperatorServerMessage> OperatorCodec::decodeServerMessage(QByteArrayView frame)
{
    using Result = Decoded<OperatorServerMessage>;
    auto parsed = parseEnvelope(frame);
    if (!parsed)
        return Result::fail(parsed.error);
    const pb::Envelope &envelope = *parsed.value;
    switch (envelope.body_case()) {
    case pb::Envelope::kOperatorResponse:
        return Proto::decodeResponse(envelope.request_id(), envelope.operator_response());
    case pb::Envelope::kWatchEvent:
        return Proto::decodeWatchEvent(envelope.watch_event());
    case pb::Envelope::kError: {
        auto error = Proto::fromProto(envelope.error());
        if (!error)
            return Result::fail(error.error);
        return Result::ok(OperatorResponse{envelope.request_id(), std::move(*error.value)});
    }
    default:
        return Result::fail(QStringLiteral("body field %1 is not valid on /v1/operator").arg(int(envelope.body_case())));
    }
}

} // namespace Keel
