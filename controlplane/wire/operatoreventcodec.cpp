// The watch events of the /v1/operator path (OperatorCodec's other half).
#include "operatorcodec.h"

#include "operatorcodec_p.h"
#include "overloaded.h"
#include "protoconvert_p.h"

namespace Keel {

using namespace Proto;
namespace pb = keel::v1;

namespace {

pb::NodeChanged::Kind kindToProto(NodeChange::Kind kind)
{
    switch (kind) {
    case NodeChange::Kind::Joined: return pb::NodeChanged::KIND_JOINED;
    case NodeChange::Kind::Ready: return pb::NodeChanged::KIND_READY;
    case NodeChange::Kind::Unreachable: return pb::NodeChanged::KIND_UNREACHABLE;
    case NodeChange::Kind::Updated: return pb::NodeChanged::KIND_UPDATED;
    }
    Q_UNREACHABLE();
}

std::optional<NodeChange::Kind> kindFromProto(pb::NodeChanged::Kind kind)
{
    switch (kind) {
    case pb::NodeChanged::KIND_JOINED: return NodeChange::Kind::Joined;
    case pb::NodeChanged::KIND_READY: return NodeChange::Kind::Ready;
    case pb::NodeChanged::KIND_UNREACHABLE: return NodeChange::Kind::Unreachable;
    case pb::NodeChanged::KIND_UPDATED: return NodeChange::Kind::Updated;
    default: return std::nullopt;
    }
}

} // namespace

QByteArray OperatorCodec::encodeEvent(const WatchEvent &event)
{
    pb::Envelope envelope;
    pb::WatchEvent *out = envelope.mutable_watch_event();
    out->set_sequence(event.sequence);
    out->set_time_unix_ms(toUnixMs(event.time));
    std::visit(Overloaded{
        [&](const NodeChange &e) {
            auto *m = out->mutable_node_changed();
            m->set_kind(kindToProto(e.kind));
            Proto::toProto(e.node, m->mutable_node());
        },
        [&](const TopologyChange &e) {
            auto *m = out->mutable_topology_changed();
            for (const Region &region : e.regions)
                Proto::toProto(region, m->add_regions());
        },
        [&](const AuditRecord &e) { Proto::toProto(e, out->mutable_audit_record()); },
        [&](const AotBuildFinished &e) { Proto::toProto(e, out->mutable_aot_build_finished()); },
        [&](const DeploymentChange &e) {
            auto *m = out->mutable_deployment_changed();
            m->set_component(str(e.component));
            m->set_version(str(e.version));
            m->set_selector(str(e.selector));
            m->set_removed(e.removed);
        },
        [&](const MetricsWindow &e) { Proto::toProto(e, out->mutable_metrics_window()); },
        [&](const RolloutEvent &e) {
            auto *m = out->mutable_rollout_progress();
            m->set_rollout_id(str(e.rollout.id));
            m->set_component(str(e.rollout.spec.component));
            m->set_version(str(e.rollout.spec.version));
            m->set_nodes_done(quint32(e.rollout.nodesDone()));
            m->set_nodes_total(quint32(e.rollout.nodesTotal()));
            m->set_phase(str(toText(e.rollout.state)));
            Proto::toProto(e.rollout, m->mutable_rollout());
            m->set_event(str(e.event));
        },
        [&](const ResidencyViolation &e) { Proto::toProto(e, out->mutable_residency_violation()); },
        [&](const PolicyChange &e) {
            auto *m = out->mutable_policy_changed();
            Proto::toProto(e.policy, m->mutable_policy());
            m->set_diff(str(e.diff));
        },
        [&](const StateAckRecord &e) {
            auto *m = out->mutable_state_ack_recorded();
            m->set_node(str(e.node));
            auto *ack = m->mutable_ack();
            ack->set_generation(e.ack.generation);
            auto *statuses = e.ack.applied ? ack->mutable_applied()->mutable_components()
                                           : ack->mutable_rejected()->mutable_components();
            for (const ComponentStatus &status : e.ack.components)
                Proto::toProto(status, statuses->Add());
        },
    }, event.event);
    return serialize(envelope);
}

Decoded<OperatorServerMessage> Proto::decodeWatchEvent(const pb::WatchEvent &in)
{
    using Result = Decoded<OperatorServerMessage>;
    WatchEvent event;
    event.sequence = in.sequence();
    event.time = fromUnixMs(in.time_unix_ms());
    switch (in.event_case()) {
    case pb::WatchEvent::kNodeChanged: {
        const auto kind = kindFromProto(in.node_changed().kind());
        if (!kind)
            return Result::fail(QStringLiteral("node event with an unspecified kind"));
        auto node = Proto::fromProto(in.node_changed().node());
        if (!node)
            return Result::fail(node.error);
        event.event = NodeChange{*kind, std::move(*node.value)};
        break;
    }
    case pb::WatchEvent::kTopologyChanged: {
        TopologyChange change;
        for (const auto &region : in.topology_changed().regions())
            change.regions.append(Proto::fromProto(region));
        event.event = std::move(change);
        break;
    }
    case pb::WatchEvent::kAuditRecord:
        event.event = Proto::fromProto(in.audit_record());
        break;
    case pb::WatchEvent::kAotBuildFinished:
        event.event = Proto::fromProto(in.aot_build_finished());
        break;
    case pb::WatchEvent::kMetricsWindow:
        event.event = Proto::fromProto(in.metrics_window());
        break;
    case pb::WatchEvent::kRolloutProgress: {
        auto rollout = Proto::fromProto(in.rollout_progress().rollout());
        if (!rollout)
            return Result::fail(rollout.error);
        event.event = RolloutEvent{std::move(*rollout.value), str(in.rollout_progress().event())};
        break;
    }
    case pb::WatchEvent::kResidencyViolation: {
        auto violation = Proto::fromProto(in.residency_violation());
        if (!violation)
            return Result::fail(violation.error);
        event.event = std::move(*violation.value);
        break;
    }
    case pb::WatchEvent::kPolicyChanged: {
        auto policy = Proto::fromProto(in.policy_changed().policy());
        if (!policy)
            return Result::fail(policy.error);
        event.event = PolicyChange{std::move(*policy.value), str(in.policy_changed().diff())};
        break;
    }
    case pb::WatchEvent::kDeploymentChanged: {
        const auto &m = in.deployment_changed();
        event.event = DeploymentChange{str(m.component()), str(m.version()), str(m.selector()), m.removed()};
        break;
    }
    case pb::WatchEvent::kStateAckRecorded: {
        const auto &m = in.state_ack_recorded();
        StateAckRecord record{str(m.node()), {}};
        record.ack.generation = m.ack().generation();
        record.ack.applied = m.ack().has_applied();
        const auto &statuses = record.ack.applied ? m.ack().applied().components() : m.ack().rejected().components();
        for (const auto &status : statuses) {
            auto decoded = Proto::fromProto(status);
            if (!decoded)
                return Result::fail(decoded.error);
            record.ack.components.append(std::move(*decoded.value));
        }
        event.event = std::move(record);
        break;
    }
    default:
        return Result::fail(QStringLiteral("watch event %1 is not known to this build").arg(int(in.event_case())));
    }
    return Result::ok(std::move(event));
}

} // namespace Keel
