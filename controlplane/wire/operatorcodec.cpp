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
    case pb::OperatorRequest::kSetPolicy: return QStringLiteral("set_policy");
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
        request.body = Op::Deploy{str(in.deploy().component()), str(in.deploy().version()), str(in.deploy().selector())};
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
    case pb::OperatorRequest::REQUEST_NOT_SET:
        return Result::fail(QStringLiteral("operator request has no body, or one this build does not know"));
    default:
        request.body = Op::Unsupported{unsupportedName(in.request_case())};
        break;
    }
    return Result::ok(std::move(request));
}

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
        [&](const Op::Deployed &r) { out->mutable_deploy()->set_nodes_matched(uint32_t(r.nodesMatched)); },
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

namespace {

Decoded<OperatorServerMessage> decodeResponse(quint64 id, const pb::OperatorResponse &in)
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
    case pb::OperatorResponse::kDeploy:
        response.body = Op::Deployed{int(in.deploy().nodes_matched())};
        break;
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
    default:
        return Result::fail(QStringLiteral("operator response %1 is not known to this build").arg(int(in.response_case())));
    }
    return Result::ok(std::move(response));
}

} // namespace

Decoded<OperatorServerMessage> OperatorCodec::decodeServerMessage(QByteArrayView frame)
{
    using Result = Decoded<OperatorServerMessage>;
    auto parsed = parseEnvelope(frame);
    if (!parsed)
        return Result::fail(parsed.error);
    const pb::Envelope &envelope = *parsed.value;
    switch (envelope.body_case()) {
    case pb::Envelope::kOperatorResponse:
        return decodeResponse(envelope.request_id(), envelope.operator_response());
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
