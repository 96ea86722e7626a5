#include "agentcodec.h"

#include "keel/v1/keel.pb.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

namespace keel::agent {

namespace {

namespace pb = keel::v1;
using google::protobuf::internal::WireFormatLite;

AgentCodec::Decoded reject(std::string_view reason, std::string detail)
{
    return {std::nullopt, reason, std::move(detail)};
}

AgentCodec::Decoded accept(const pb::Envelope &envelope, InboundBody body)
{
    return {InboundMessage{envelope.request_id(), std::move(body)}, {}, {}};
}

AgentCodec::Decoded unexpected(const pb::Envelope &envelope, std::string name)
{
    return accept(envelope, UnhandledMessage{UnhandledMessage::Kind::Unexpected, std::move(name)});
}

pb::RuntimeTier toProto(RuntimeTier tier)
{
    switch (tier) {
    case RuntimeTier::Interpreter: return pb::RUNTIME_TIER_INTERPRETER;
    case RuntimeTier::Aot: return pb::RUNTIME_TIER_AOT;
    }
    return pb::RUNTIME_TIER_UNSPECIFIED;
}

ErrorCode fromProto(pb::ErrorCode code)
{
    switch (code) {
    case pb::ERROR_CODE_BAD_REQUEST: return ErrorCode::BadRequest;
    case pb::ERROR_CODE_UNAUTHENTICATED: return ErrorCode::Unauthenticated;
    case pb::ERROR_CODE_PERMISSION_DENIED: return ErrorCode::PermissionDenied;
    case pb::ERROR_CODE_NOT_FOUND: return ErrorCode::NotFound;
    case pb::ERROR_CODE_ALREADY_EXISTS: return ErrorCode::AlreadyExists;
    case pb::ERROR_CODE_CONFLICT: return ErrorCode::Conflict;
    case pb::ERROR_CODE_JOIN_TOKEN_INVALID: return ErrorCode::JoinTokenInvalid;
    case pb::ERROR_CODE_UNIMPLEMENTED: return ErrorCode::Unimplemented;
    case pb::ERROR_CODE_INTERNAL: return ErrorCode::Internal;
    case pb::ERROR_CODE_UNAVAILABLE: return ErrorCode::Unavailable;
    case pb::ERROR_CODE_FAILED_PRECONDITION: return ErrorCode::FailedPrecondition;
    default: return ErrorCode::Unknown; // proto3 enums are open: newer peers add codes
    }
}

// Tells whether a field number belongs to Envelope. The switch has no default so that
// the compiler names this place when keel.proto grows a body.
bool isEnvelopeField(int number)
{
    if (number == pb::Envelope::kRequestIdFieldNumber)
        return true;
    switch (static_cast<pb::Envelope::BodyCase>(number)) {
    case pb::Envelope::kHello:
    case pb::Envelope::kChallenge:
    case pb::Envelope::kChallengeProof:
    case pb::Envelope::kWelcome:
    case pb::Envelope::kHeartbeat:
    case pb::Envelope::kSignedDesiredState:
    case pb::Envelope::kStateAck:
    case pb::Envelope::kFetchArtifact:
    case pb::Envelope::kArtifactChunk:
    case pb::Envelope::kMetricsReport:
    case pb::Envelope::kOperatorRequest:
    case pb::Envelope::kOperatorResponse:
    case pb::Envelope::kWatchEvent:
    case pb::Envelope::kError:
        return true;
    case pb::Envelope::BODY_NOT_SET:
        return false;
    }
    return false;
}

// An Envelope with no known body is either empty, a body from a newer control plane
// (an unknown field number: ignorable), or a known field with the wrong wire type,
// which the parser keeps as an unknown field too (garbled). Lite messages do not expose
// their unknown fields, so the frame itself is walked.
AgentCodec::Decoded classifyUnknown(const pb::Envelope &envelope, std::string_view frame)
{
    google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t *>(frame.data()),
                                              int(frame.size()));
    int unknown = 0;
    while (const std::uint32_t tag = in.ReadTag()) {
        const int number = WireFormatLite::GetTagFieldNumber(tag);
        if (number != pb::Envelope::kRequestIdFieldNumber) {
            if (isEnvelopeField(number))
                return reject("unparsable", "field " + std::to_string(number) + " has the wrong wire type");
            if (unknown == 0)
                unknown = number;
        }
        if (!WireFormatLite::SkipField(&in, tag))
            return reject("unparsable", "truncated field");
    }
    if (unknown == 0)
        return reject("empty", "envelope without a body");
    return accept(envelope, UnhandledMessage{UnhandledMessage::Kind::UnknownType,
                                             "field " + std::to_string(unknown)});
}

AgentCodec::Decoded decodeChallenge(const pb::Envelope &envelope)
{
    const auto &nonce = envelope.challenge().nonce();
    if (nonce.size() != Challenge::kNonceSize)
        return reject("invalid_field", "challenge nonce has " + std::to_string(nonce.size())
                                           + " bytes, expected 32");
    return accept(envelope, Challenge{nonce});
}

AgentCodec::Decoded decodeWelcome(const pb::Envelope &envelope)
{
    const auto &w = envelope.welcome();
    if (w.node_id().empty())
        return reject("invalid_field", "welcome without a node id");
    if (!w.controlplane_public_key().empty() && w.controlplane_public_key().size() != 32)
        return reject("invalid_field", "welcome control-plane key is not 32 bytes");
    return accept(envelope, Welcome{w.node_id(), w.heartbeat_interval_ms(),
                                    w.controlplane_public_key(), w.controlplane_version(),
                                    w.metrics_interval_ms()});
}

AgentCodec::Decoded decodeError(const pb::Envelope &envelope)
{
    const auto &e = envelope.error();
    if (e.code() == pb::ERROR_CODE_UNSPECIFIED)
        return reject("unspecified_enum", "error with ERROR_CODE_UNSPECIFIED");
    return accept(envelope, ControlError{fromProto(e.code()), e.message(), e.field()});
}

// One ComponentRef, served or standby alike; the rejection when its ABI is not one this
// agent knows. what names it in the rejection ("component", "standby component").
std::optional<AgentCodec::Decoded> decodeRef(const pb::ComponentRef &component, std::string_view what,
                                             ComponentRef &ref)
{
    const auto &m = component.manifest();
    if (component.has_manifest()) {
        switch (m.abi()) {
        case pb::COMPONENT_ABI_WAGI: ref.manifest.abi = ComponentAbi::Wagi; break;
        case pb::COMPONENT_ABI_KEEL: ref.manifest.abi = ComponentAbi::Keel; break;
        case pb::COMPONENT_ABI_UNSPECIFIED:
            return reject("unspecified_enum", std::string(what) + " " + m.name() + " with COMPONENT_ABI_UNSPECIFIED");
        default:
            return reject("invalid_field", std::string(what) + " " + m.name() + " with ABI "
                                               + std::to_string(int(m.abi())) + ", unknown to this agent");
        }
    }
    // The rest is checked where it is used: names and digests before they become file
    // names, the manifest by the same loader as a file under --components.
    ref.manifest.name = m.name();
    ref.manifest.version = m.version();
    ref.manifest.dataClasses.assign(m.data_classes().begin(), m.data_classes().end());
    ref.manifest.grants.assign(m.grants().begin(), m.grants().end());
    ref.manifest.limits = {m.limits().memory_mb(), m.limits().deadline_ms(), m.limits().max_response_bytes(),
                           m.limits().max_table_elements(), m.limits().max_instances()};
    ref.manifest.config.insert(m.config().begin(), m.config().end());
    ref.manifest.healthPath = m.health_path();
    ref.moduleDigest = component.module_digest();
    ref.moduleSize = component.module_size();
    ref.moduleSignature = component.module_signature();
    ref.aotDigest = component.aot_digest();
    ref.aotSize = component.aot_size();
    ref.aotSignature = component.aot_signature();
    ref.aotTarget = component.aot_target();
    return std::nullopt;
}

// Why a NodeResidency is not usable: the metric label's token and a sentence.
struct Unusable
{
    std::string_view reason;
    std::string detail;
};

// A mode this agent does not know could be stricter than anything it can enforce, so
// the state is refused rather than served with a rule read as something else.
std::optional<Unusable> fromProto(const pb::NodeResidency &in, NodeResidency &out)
{
    out.jurisdiction = in.jurisdiction();
    out.defaultSubject = in.default_subject();
    out.policyVersion = in.policy_version();
    out.rules.reserve(std::size_t(in.rules_size()));
    for (const auto &r : in.rules()) {
        residency::Rule &rule = out.rules.emplace_back();
        rule.name = r.name();
        rule.dataClass = r.data_class();
        rule.subjects.assign(r.subjects().begin(), r.subjects().end());
        rule.allowed.assign(r.allowed().begin(), r.allowed().end());
        switch (r.mode()) {
        case pb::RESIDENCY_MODE_ENFORCE: rule.mode = residency::Mode::Enforce; break;
        case pb::RESIDENCY_MODE_AUDIT: rule.mode = residency::Mode::Audit; break;
        case pb::RESIDENCY_MODE_UNSPECIFIED:
            return Unusable{"unspecified_enum", "residency rule " + r.name() + " with RESIDENCY_MODE_UNSPECIFIED"};
        default:
            return Unusable{"invalid_field", "residency rule " + r.name() + " with mode " + std::to_string(int(r.mode()))
                                                 + ", unknown to this agent"};
        }
    }
    out.placements.reserve(std::size_t(in.placements_size()));
    for (const auto &p : in.placements()) {
        ComponentPlacement &placement = out.placements.emplace_back();
        placement.component = p.component();
        for (const auto &r : p.regions())
            placement.regions.push_back({r.region(), r.jurisdiction(), {r.endpoints().begin(), r.endpoints().end()}});
    }
    return std::nullopt;
}

void toProto(const NodeResidency &in, pb::NodeResidency &out)
{
    out.set_jurisdiction(in.jurisdiction);
    out.set_default_subject(in.defaultSubject);
    out.set_policy_version(in.policyVersion);
    for (const auto &rule : in.rules) {
        auto *r = out.add_rules();
        r->set_name(rule.name);
        r->set_data_class(rule.dataClass);
        for (const auto &s : rule.subjects)
            r->add_subjects(s);
        for (const auto &a : rule.allowed)
            r->add_allowed(a);
        r->set_mode(rule.mode == residency::Mode::Audit ? pb::RESIDENCY_MODE_AUDIT : pb::RESIDENCY_MODE_ENFORCE);
    }
    for (const auto &placement : in.placements) {
        auto *p = out.add_placements();
        p->set_component(placement.component);
        for (const auto &region : placement.regions) {
            auto *r = p->add_regions();
            r->set_region(region.region);
            r->set_jurisdiction(region.jurisdiction);
            for (const auto &endpoint : region.endpoints)
                r->add_endpoints(endpoint);
        }
    }
}

AgentCodec::Decoded decodeDesiredState(const pb::Envelope &envelope)
{
    pb::DesiredState in;
    const auto &signedState = envelope.signed_desired_state();
    if (!in.ParseFromString(signedState.state()))
        return reject("invalid_field", "a signed desired state whose state is not a keel.v1.DesiredState");
    DesiredState state;
    state.signedBytes = signedState.state();
    state.signature = signedState.signature();
    state.generation = in.generation();
    state.components.reserve(std::size_t(in.components_size()));
    for (const auto &component : in.components()) {
        if (auto rejected = decodeRef(component, "component", state.components.emplace_back()))
            return std::move(*rejected);
    }
    state.standby.reserve(std::size_t(in.standby_size()));
    for (const auto &component : in.standby()) {
        if (auto rejected = decodeRef(component, "standby component", state.standby.emplace_back()))
            return std::move(*rejected);
    }
    if (in.has_residency()) {
        if (auto unusable = fromProto(in.residency(), state.residency.emplace()))
            return reject(unusable->reason, std::move(unusable->detail));
    }
    return accept(envelope, std::move(state));
}

AgentCodec::Decoded decodeArtifactChunk(const pb::Envelope &envelope)
{
    const auto &c = envelope.artifact_chunk();
    return accept(envelope, ArtifactChunk{c.digest(), c.offset(), c.total_size(), c.data(), c.last()});
}

pb::ComponentState toProto(ComponentState state)
{
    switch (state) {
    case ComponentState::Pending: return pb::COMPONENT_STATE_PENDING;
    case ComponentState::Running: return pb::COMPONENT_STATE_RUNNING;
    case ComponentState::Failed: return pb::COMPONENT_STATE_FAILED;
    }
    return pb::COMPONENT_STATE_UNSPECIFIED;
}

} // namespace

std::string AgentCodec::encode(const OutboundMessage &message)
{
    pb::Envelope envelope;
    envelope.set_request_id(message.requestId);
    if (const auto *hello = std::get_if<Hello>(&message.body)) {
        auto *h = envelope.mutable_hello();
        h->set_node_name(hello->nodeName);
        h->set_region(hello->region);
        h->set_site(hello->site);
        for (const auto &label : hello->labels) {
            auto *l = h->add_labels();
            l->set_key(label.key);
            l->set_value(label.value);
        }
        for (const auto tier : hello->tiers)
            h->add_tiers(toProto(tier));
        h->set_target_triple(hello->targetTriple);
        h->set_agent_version(hello->agentVersion);
        h->set_public_key(hello->publicKey);
        h->set_join_token(hello->joinToken);
        h->set_http_endpoint(hello->httpEndpoint);
        h->set_admin_endpoint(hello->adminEndpoint);
        h->set_applied_generation(hello->appliedGeneration);
    } else if (const auto *proof = std::get_if<ChallengeProof>(&message.body)) {
        envelope.mutable_challenge_proof()->set_signature(proof->signature);
    } else if (const auto *heartbeat = std::get_if<Heartbeat>(&message.body)) {
        auto *h = envelope.mutable_heartbeat();
        h->set_sent_unix_ms(heartbeat->sentUnixMs);
        h->set_applied_generation(heartbeat->appliedGeneration);
    } else if (const auto *ack = std::get_if<StateAck>(&message.body)) {
        auto *a = envelope.mutable_state_ack();
        a->set_generation(ack->generation);
        auto *statuses = ack->applied ? a->mutable_applied()->mutable_components()
                                      : a->mutable_rejected()->mutable_components();
        for (const auto &status : ack->components) {
            auto *s = statuses->Add();
            s->set_name(status.name);
            s->set_version(status.version);
            s->set_state(toProto(status.state));
            if (status.tier)
                s->set_tier(toProto(*status.tier));
            s->set_error(status.error);
        }
    } else if (const auto *fetch = std::get_if<FetchArtifact>(&message.body)) {
        auto *f = envelope.mutable_fetch_artifact();
        f->set_digest(fetch->digest);
        f->set_offset(fetch->offset);
    } else if (const auto *report = std::get_if<MetricsReport>(&message.body)) {
        auto *m = envelope.mutable_metrics_report();
        m->set_window_start_unix_ms(report->windowStartUnixMs);
        m->set_window_end_unix_ms(report->windowEndUnixMs);
        m->set_rss_bytes(report->rssBytes);
        for (const auto &c : report->components) {
            auto *out = m->add_components();
            out->set_component(c.component);
            out->set_version(c.version);
            if (c.tier)
                out->set_tier(toProto(*c.tier));
            auto *latency = out->mutable_latency();
            for (double bound : c.upperBounds)
                latency->add_upper_bounds(bound);
            for (std::uint64_t count : c.counts)
                latency->add_counts(count);
            latency->set_sum(c.sum);
            latency->set_count(c.count);
            out->set_requests(c.requests);
            out->set_errors(c.errors);
            out->set_cold_starts(c.coldStarts);
            out->set_instance_memory_bytes(c.memoryBytes);
        }
    }
    return envelope.SerializeAsString();
}

std::string AgentCodec::encodeResidency(const NodeResidency &residency)
{
    pb::NodeResidency out;
    toProto(residency, out);
    return out.SerializeAsString();
}

std::optional<NodeResidency> AgentCodec::decodeResidency(std::string_view bytes, std::string &problem)
{
    pb::NodeResidency in;
    if (!in.ParseFromArray(bytes.data(), int(bytes.size()))) {
        problem = "not a keel.v1.NodeResidency";
        return std::nullopt;
    }
    NodeResidency residency;
    if (auto unusable = fromProto(in, residency)) {
        problem = std::move(unusable->detail);
        return std::nullopt;
    }
    return residency;
}

AgentCodec::Decoded AgentCodec::decode(std::string_view frame)
{
    pb::Envelope envelope;
    if (!envelope.ParseFromArray(frame.data(), int(frame.size())))
        return reject("unparsable", "not a keel.v1 Envelope");

    switch (envelope.body_case()) {
    case pb::Envelope::kChallenge: return decodeChallenge(envelope);
    case pb::Envelope::kWelcome: return decodeWelcome(envelope);
    case pb::Envelope::kError: return decodeError(envelope);
    case pb::Envelope::kSignedDesiredState: return decodeDesiredState(envelope);
    // Sent by agents or operators, never to an agent.
    case pb::Envelope::kHello: return unexpected(envelope, "hello");
    case pb::Envelope::kChallengeProof: return unexpected(envelope, "challenge_proof");
    case pb::Envelope::kHeartbeat: return unexpected(envelope, "heartbeat");
    case pb::Envelope::kStateAck: return unexpected(envelope, "state_ack");
    case pb::Envelope::kFetchArtifact: return unexpected(envelope, "fetch_artifact");
    case pb::Envelope::kMetricsReport: return unexpected(envelope, "metrics_report");
    case pb::Envelope::kOperatorRequest: return unexpected(envelope, "operator_request");
    case pb::Envelope::kOperatorResponse: return unexpected(envelope, "operator_response");
    case pb::Envelope::kWatchEvent: return unexpected(envelope, "watch_event");
    case pb::Envelope::kArtifactChunk: return decodeArtifactChunk(envelope);
    case pb::Envelope::BODY_NOT_SET: return classifyUnknown(envelope, frame);
    }
    return reject("unparsable", "unknown body");
}

} // namespace keel::agent
