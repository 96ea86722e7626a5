#include "protoconvert_p.h"

namespace Keel::Proto {

QDateTime fromUnixMs(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC) : QDateTime();
}

qint64 toUnixMs(const QDateTime &t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}

void toProto(const Labels &labels, google::protobuf::RepeatedPtrField<keel::v1::Label> *out)
{
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        auto *label = out->Add();
        label->set_key(str(it.key()));
        label->set_value(str(it.value()));
    }
}

Labels fromProto(const google::protobuf::RepeatedPtrField<keel::v1::Label> &labels)
{
    Labels result;
    for (const auto &label : labels)
        result.insert(str(label.key()), str(label.value()));
    return result;
}

keel::v1::RuntimeTier toProto(RuntimeTier tier)
{
    switch (tier) {
    case RuntimeTier::Interpreter: return keel::v1::RUNTIME_TIER_INTERPRETER;
    case RuntimeTier::Aot: return keel::v1::RUNTIME_TIER_AOT;
    }
    Q_UNREACHABLE();
}

std::optional<RuntimeTier> fromProto(keel::v1::RuntimeTier tier)
{
    switch (tier) {
    case keel::v1::RUNTIME_TIER_INTERPRETER: return RuntimeTier::Interpreter;
    case keel::v1::RUNTIME_TIER_AOT: return RuntimeTier::Aot;
    default: return std::nullopt;
    }
}

void toProto(const Region &region, keel::v1::Region *out)
{
    out->set_name(str(region.name));
    out->set_jurisdiction(str(region.jurisdiction));
    out->set_latitude(region.latitude);
    out->set_longitude(region.longitude);
    for (const QString &site : region.sites) {
        auto *s = out->add_sites();
        s->set_name(str(site));
        s->set_region(str(region.name));
    }
}

Region fromProto(const keel::v1::Region &region)
{
    Region result;
    result.name = str(region.name());
    result.jurisdiction = str(region.jurisdiction());
    result.latitude = region.latitude();
    result.longitude = region.longitude();
    for (const auto &site : region.sites())
        result.sites.append(str(site.name()));
    return result;
}

void toProto(const ComponentStatus &status, keel::v1::ComponentStatus *out)
{
    out->set_name(str(status.name));
    out->set_version(str(status.version));
    switch (status.state) {
    case ComponentStatus::State::Pending: out->set_state(keel::v1::COMPONENT_STATE_PENDING); break;
    case ComponentStatus::State::Running: out->set_state(keel::v1::COMPONENT_STATE_RUNNING); break;
    case ComponentStatus::State::Failed: out->set_state(keel::v1::COMPONENT_STATE_FAILED); break;
    }
    if (status.tier)
        out->set_tier(toProto(*status.tier));
    out->set_error(str(status.error));
}

Decoded<ComponentStatus> fromProto(const keel::v1::ComponentStatus &status)
{
    ComponentStatus result;
    result.name = str(status.name());
    result.version = str(status.version());
    switch (status.state()) {
    case keel::v1::COMPONENT_STATE_PENDING: result.state = ComponentStatus::State::Pending; break;
    case keel::v1::COMPONENT_STATE_RUNNING: result.state = ComponentStatus::State::Running; break;
    case keel::v1::COMPONENT_STATE_FAILED: result.state = ComponentStatus::State::Failed; break;
    default:
        return Decoded<ComponentStatus>::fail(QStringLiteral("component status of %1 has an unspecified state").arg(result.name));
    }
    if (status.tier() != keel::v1::RUNTIME_TIER_UNSPECIFIED) {
        result.tier = fromProto(status.tier());
        if (!result.tier)
            return Decoded<ComponentStatus>::fail(QStringLiteral("component status of %1 has an unknown tier").arg(result.name));
    }
    constexpr qsizetype kMaxError = 4096;
    result.error = str(status.error()).left(kMaxError);
    return Decoded<ComponentStatus>::ok(std::move(result));
}

void toProto(const Node &node, keel::v1::Node *out)
{
    out->set_name(str(node.name));
    out->set_region(str(node.region));
    out->set_site(str(node.site));
    out->set_jurisdiction(str(node.jurisdiction));
    toProto(node.labels, out->mutable_labels());
    out->set_status(node.status == NodeStatus::Ready ? keel::v1::NODE_STATUS_READY
                                                     : keel::v1::NODE_STATUS_UNREACHABLE);
    out->set_agent_version(str(node.agentVersion));
    out->set_last_seen_unix_ms(toUnixMs(node.lastSeen));
    out->set_enrolled_unix_ms(toUnixMs(node.enrolled));
    for (RuntimeTier tier : node.tiers)
        out->add_tiers(toProto(tier));
    out->set_target_triple(str(node.targetTriple));
    out->set_http_endpoint(str(node.httpEndpoint));
    out->set_admin_endpoint(str(node.adminEndpoint));
    out->set_desired_generation(node.desiredGeneration);
    out->set_acked_generation(node.ackedGeneration);
    for (const ComponentStatus &status : node.components)
        toProto(status, out->add_components());
}

Decoded<Node> fromProto(const keel::v1::Node &node)
{
    Node result;
    result.name = str(node.name());
    switch (node.status()) {
    case keel::v1::NODE_STATUS_READY: result.status = NodeStatus::Ready; break;
    case keel::v1::NODE_STATUS_UNREACHABLE: result.status = NodeStatus::Unreachable; break;
    default:
        return Decoded<Node>::fail(QStringLiteral("node %1 has an unspecified status").arg(result.name));
    }
    for (int tier : node.tiers()) {
        const auto t = fromProto(keel::v1::RuntimeTier(tier));
        if (!t)
            return Decoded<Node>::fail(QStringLiteral("node %1 has an unspecified runtime tier").arg(result.name));
        result.tiers.append(*t);
    }
    result.region = str(node.region());
    result.site = str(node.site());
    result.jurisdiction = str(node.jurisdiction());
    result.labels = fromProto(node.labels());
    result.agentVersion = str(node.agent_version());
    result.lastSeen = fromUnixMs(node.last_seen_unix_ms());
    result.enrolled = fromUnixMs(node.enrolled_unix_ms());
    result.targetTriple = str(node.target_triple());
    result.httpEndpoint = str(node.http_endpoint());
    result.adminEndpoint = str(node.admin_endpoint());
    result.desiredGeneration = node.desired_generation();
    result.ackedGeneration = node.acked_generation();
    for (const auto &status : node.components()) {
        auto decoded = fromProto(status);
        if (!decoded)
            return Decoded<Node>::fail(decoded.error);
        result.components.append(std::move(*decoded.value));
    }
    return Decoded<Node>::ok(std::move(result));
}

keel::v1::ErrorCode toProto(ErrorCode code)
{
    using enum ErrorCode;
    switch (code) {
    case BadRequest: return keel::v1::ERROR_CODE_BAD_REQUEST;
    case Unauthenticated: return keel::v1::ERROR_CODE_UNAUTHENTICATED;
    case PermissionDenied: return keel::v1::ERROR_CODE_PERMISSION_DENIED;
    case NotFound: return keel::v1::ERROR_CODE_NOT_FOUND;
    case AlreadyExists: return keel::v1::ERROR_CODE_ALREADY_EXISTS;
    case Conflict: return keel::v1::ERROR_CODE_CONFLICT;
    case JoinTokenInvalid: return keel::v1::ERROR_CODE_JOIN_TOKEN_INVALID;
    case Unimplemented: return keel::v1::ERROR_CODE_UNIMPLEMENTED;
    case Internal: return keel::v1::ERROR_CODE_INTERNAL;
    case Unavailable: return keel::v1::ERROR_CODE_UNAVAILABLE;
    case FailedPrecondition: return keel::v1::ERROR_CODE_FAILED_PRECONDITION;
    }
    Q_UNREACHABLE();
}

std::optional<ErrorCode> fromProto(keel::v1::ErrorCode code)
{
    using enum ErrorCode;
    switch (code) {
    case keel::v1::ERROR_CODE_BAD_REQUEST: return BadRequest;
    case keel::v1::ERROR_CODE_UNAUTHENTICATED: return Unauthenticated;
    case keel::v1::ERROR_CODE_PERMISSION_DENIED: return PermissionDenied;
    case keel::v1::ERROR_CODE_NOT_FOUND: return NotFound;
    case keel::v1::ERROR_CODE_ALREADY_EXISTS: return AlreadyExists;
    case keel::v1::ERROR_CODE_CONFLICT: return Conflict;
    case keel::v1::ERROR_CODE_JOIN_TOKEN_INVALID: return JoinTokenInvalid;
    case keel::v1::ERROR_CODE_UNIMPLEMENTED: return Unimplemented;
    case keel::v1::ERROR_CODE_INTERNAL: return Internal;
    case keel::v1::ERROR_CODE_UNAVAILABLE: return Unavailable;
    case keel::v1::ERROR_CODE_FAILED_PRECONDITION: return FailedPrecondition;
    default: return std::nullopt;
    }
}

void toProto(const WireError &error, keel::v1::Error *out)
{
    out->set_code(toProto(error.code));
    out->set_message(str(error.message));
    out->set_field(str(error.field));
}

Decoded<WireError> fromProto(const keel::v1::Error &error)
{
    const auto code = fromProto(error.code());
    if (!code)
        return Decoded<WireError>::fail(QStringLiteral("error with an unspecified code"));
    return Decoded<WireError>::ok({*code, str(error.message()), str(error.field())});
}

void toProto(const MetricsWindow &w, keel::v1::MetricsWindow *out)
{
    out->set_window_end_unix_ms(toUnixMs(w.windowEnd));
    out->set_node(str(w.node));
    out->set_region(str(w.region));
    out->set_component(str(w.component));
    out->set_p50_ms(w.p50Ms);
    out->set_p95_ms(w.p95Ms);
    out->set_p99_ms(w.p99Ms);
    out->set_requests_per_second(w.requestsPerSecond);
    out->set_errors_per_second(w.errorsPerSecond);
    out->set_rss_bytes(w.rssBytes);
    out->set_instance_memory_bytes(w.instanceMemoryBytes);
}

MetricsWindow fromProto(const keel::v1::MetricsWindow &w)
{
    return {fromUnixMs(w.window_end_unix_ms()), str(w.node()), str(w.region()), str(w.component()), w.p50_ms(), w.p95_ms(),
            w.p99_ms(), w.requests_per_second(), w.errors_per_second(), w.rss_bytes(), w.instance_memory_bytes()};
}

QByteArray serialize(const keel::v1::Envelope &envelope)
{
    QByteArray out(qsizetype(envelope.ByteSizeLong()), Qt::Uninitialized);
    envelope.SerializeToArray(out.data(), int(out.size()));
    return out;
}

Decoded<keel::v1::Envelope> parseEnvelope(QByteArrayView frame)
{
    keel::v1::Envelope envelope;
    if (!envelope.ParseFromArray(frame.data(), int(frame.size())))
        return Decoded<keel::v1::Envelope>::fail(QStringLiteral("frame of %1 bytes is not a keel.v1.Envelope").arg(frame.size()));
    if (envelope.body_case() == keel::v1::Envelope::BODY_NOT_SET)
        return Decoded<keel::v1::Envelope>::fail(QStringLiteral("envelope has no body, or one this build does not know"));
    return Decoded<keel::v1::Envelope>::ok(std::move(envelope));
}

} // namespace Keel::Proto
