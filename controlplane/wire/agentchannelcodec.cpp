#include "agentchannelcodec.h"

#include "protoconvert_p.h"

#include "keel/v1/artifactsignature.h"

#include <cmath>

namespace Keel {

using namespace Proto;
namespace pb = keel::v1;

QByteArray agentProofMessage(const QString &nodeName, const QByteArray &nonce)
{
    return QByteArrayLiteral("keel.v1 agent proof") + nodeName.toUtf8() + nonce;
}

namespace {

Decoded<AgentMessageBody> decodeHello(const pb::Hello &in)
{
    using Result = Decoded<AgentMessageBody>;
    AgentHello hello;
    hello.nodeName = str(in.node_name());
    hello.region = str(in.region());
    hello.site = str(in.site());
    hello.labels = Proto::fromProto(in.labels());
    for (int tier : in.tiers()) {
        const auto t = Proto::fromProto(pb::RuntimeTier(tier));
        if (!t)
            return Result::fail(QStringLiteral("hello lists an unspecified runtime tier"));
        hello.tiers.append(*t);
    }
    hello.targetTriple = str(in.target_triple());
    hello.agentVersion = str(in.agent_version());
    hello.publicKey = bytes(in.public_key());
    hello.joinToken = str(in.join_token());
    hello.httpEndpoint = str(in.http_endpoint());
    hello.adminEndpoint = str(in.admin_endpoint());
    hello.appliedGeneration = in.applied_generation();
    return Result::ok(std::move(hello));
}

// Histograms are checked whole: ascending finite bounds, one more count than bounds, a
// count that is their sum. A report that breaks any of it is refused, not repaired.
Decoded<HistogramDelta> decodeHistogram(const pb::HistogramDelta &in, const QString &component)
{
    constexpr int kMaxBuckets = 64;
    HistogramDelta h;
    if (in.upper_bounds_size() > kMaxBuckets || in.counts_size() != in.upper_bounds_size() + 1)
        return Decoded<HistogramDelta>::fail(QStringLiteral("latency histogram of %1: %2 bounds and %3 counts (want n <= %4 and n + 1)")
                                                 .arg(component).arg(in.upper_bounds_size()).arg(in.counts_size()).arg(kMaxBuckets));
    for (int i = 0; i < in.upper_bounds_size(); ++i) {
        const double bound = in.upper_bounds(i);
        if (!std::isfinite(bound) || bound <= 0 || (i > 0 && bound <= in.upper_bounds(i - 1)))
            return Decoded<HistogramDelta>::fail(QStringLiteral("latency histogram of %1: bounds must be positive, finite and ascending").arg(component));
        h.upperBounds.append(bound);
    }
    quint64 total = 0;
    for (quint64 c : in.counts()) {
        h.counts.append(c);
        total += c;
    }
    if (total != in.count() || !std::isfinite(in.sum()) || in.sum() < 0)
        return Decoded<HistogramDelta>::fail(QStringLiteral("latency histogram of %1: count %2 is not the sum of its buckets (%3), or the sum is not a finite non-negative number")
                                                 .arg(component).arg(in.count()).arg(total));
    h.sum = in.sum();
    h.count = in.count();
    return Decoded<HistogramDelta>::ok(std::move(h));
}

// One ComponentRef of a desired state, served or standby alike.
void toProto(const ComponentRef &ref, pb::ComponentRef *out)
{
    Proto::toProto(ref.manifest, out->mutable_manifest());
    out->set_module_digest(str(ref.moduleDigest));
    out->set_module_size(ref.moduleSize);
    out->set_module_signature(bytes(ref.moduleSignature));
    out->set_aot_digest(str(ref.aotDigest));
    out->set_aot_size(ref.aotSize);
    out->set_aot_signature(bytes(ref.aotSignature));
    out->set_aot_target(str(ref.aotTarget));
}

Decoded<ComponentRef> fromProto(const pb::ComponentRef &in)
{
    auto manifest = Proto::fromProto(in.manifest());
    if (!manifest)
        return Decoded<ComponentRef>::fail(manifest.error);
    return Decoded<ComponentRef>::ok({std::move(*manifest.value), str(in.module_digest()), in.module_size(),
                                      bytes(in.module_signature()), str(in.aot_digest()), in.aot_size(),
                                      bytes(in.aot_signature()), str(in.aot_target())});
}

Decoded<MetricsReport> decodeMetricsReport(const pb::MetricsReport &in)
{
    constexpr int kMaxComponents = 1000;
    if (in.components_size() > kMaxComponents)
        return Decoded<MetricsReport>::fail(QStringLiteral("metrics report with %1 components; at most %2").arg(in.components_size()).arg(kMaxComponents));
    if (in.window_end_unix_ms() < in.window_start_unix_ms() || in.window_start_unix_ms() <= 0)
        return Decoded<MetricsReport>::fail(QStringLiteral("metrics report window ends before it starts"));
    MetricsReport report;
    report.windowStart = fromUnixMs(in.window_start_unix_ms());
    report.windowEnd = fromUnixMs(in.window_end_unix_ms());
    report.rssBytes = in.rss_bytes();
    for (const auto &c : in.components()) {
        ComponentMetricsDelta delta;
        delta.component = str(c.component());
        delta.version = str(c.version());
        if (c.tier() != pb::RUNTIME_TIER_UNSPECIFIED)
            delta.tier = Proto::fromProto(c.tier());
        auto latency = decodeHistogram(c.latency(), delta.component);
        if (!latency)
            return Decoded<MetricsReport>::fail(latency.error);
        delta.latency = std::move(*latency.value);
        delta.requests = c.requests();
        delta.errors = c.errors();
        delta.coldStarts = c.cold_starts();
        delta.instanceMemoryBytes = c.instance_memory_bytes();
        report.components.append(std::move(delta));
    }
    return Decoded<MetricsReport>::ok(std::move(report));
}

} // namespace

Decoded<AgentMessage> AgentChannelCodec::decode(QByteArrayView frame)
{
    using Result = Decoded<AgentMessage>;
    auto parsed = parseEnvelope(frame);
    if (!parsed)
        return Result::fail(parsed.error);
    const pb::Envelope &envelope = *parsed.value;

    AgentMessage message;
    message.requestId = envelope.request_id();
    switch (envelope.body_case()) {
    case pb::Envelope::kHello: {
        auto hello = decodeHello(envelope.hello());
        if (!hello)
            return Result::fail(hello.error);
        message.body = std::move(*hello.value);
        break;
    }
    case pb::Envelope::kChallengeProof:
        message.body = AgentProof{bytes(envelope.challenge_proof().signature())};
        break;
    case pb::Envelope::kHeartbeat:
        message.body = AgentHeartbeat{envelope.heartbeat().sent_unix_ms(),
                                      envelope.heartbeat().applied_generation()};
        break;
    case pb::Envelope::kStateAck: {
        const auto &m = envelope.state_ack();
        StateAck ack;
        ack.generation = m.generation();
        const google::protobuf::RepeatedPtrField<pb::ComponentStatus> *statuses = nullptr;
        switch (m.result_case()) {
        case pb::StateAck::kApplied: ack.applied = true; statuses = &m.applied().components(); break;
        case pb::StateAck::kRejected: ack.applied = false; statuses = &m.rejected().components(); break;
        default: return Result::fail(QStringLiteral("state ack for generation %1 says neither applied nor rejected").arg(m.generation()));
        }
        constexpr int kMaxStatuses = 1000;
        if (statuses->size() > kMaxStatuses)
            return Result::fail(QStringLiteral("state ack with %1 component statuses; at most %2").arg(statuses->size()).arg(kMaxStatuses));
        for (const auto &status : *statuses) {
            auto decoded = Proto::fromProto(status);
            if (!decoded)
                return Result::fail(decoded.error);
            ack.components.append(std::move(*decoded.value));
        }
        message.body = std::move(ack);
        break;
    }
    case pb::Envelope::kFetchArtifact:
        message.body = FetchArtifact{str(envelope.fetch_artifact().digest()), envelope.fetch_artifact().offset()};
        break;
    case pb::Envelope::kMetricsReport: {
        auto report = decodeMetricsReport(envelope.metrics_report());
        if (!report)
            return Result::fail(report.error);
        message.body = std::move(*report.value);
        break;
    }
    default:
        return Result::fail(QStringLiteral("body field %1 is not valid on /v1/agent").arg(int(envelope.body_case())));
    }
    return Result::ok(std::move(message));
}

QByteArray AgentChannelCodec::encodeChallenge(quint64 requestId, const QByteArray &nonce)
{
    pb::Envelope envelope;
    envelope.set_request_id(requestId);
    envelope.mutable_challenge()->set_nonce(bytes(nonce));
    return serialize(envelope);
}

QByteArray AgentChannelCodec::encodeWelcome(quint64 requestId, const AgentWelcome &welcome)
{
    pb::Envelope envelope;
    envelope.set_request_id(requestId);
    auto *m = envelope.mutable_welcome();
    m->set_node_id(str(welcome.nodeId));
    m->set_heartbeat_interval_ms(uint32_t(welcome.heartbeatIntervalMs));
    m->set_controlplane_public_key(bytes(welcome.controlPlanePublicKey));
    m->set_controlplane_version(str(welcome.controlPlaneVersion));
    m->set_metrics_interval_ms(uint32_t(welcome.metricsIntervalMs));
    return serialize(envelope);
}

QByteArray AgentChannelCodec::encodeError(quint64 requestId, const WireError &error)
{
    pb::Envelope envelope;
    envelope.set_request_id(requestId);
    Proto::toProto(error, envelope.mutable_error());
    return serialize(envelope);
}

QByteArray AgentChannelCodec::encodeDesiredState(const DesiredState &state, const QString &nodeName,
                                                 const std::function<QByteArray(const QByteArray &)> &sign)
{
    pb::DesiredState desired;
    auto *m = &desired;
    m->set_generation(state.generation);
    for (const ComponentRef &ref : state.components)
        toProto(ref, m->add_components());
    for (const ComponentRef &ref : state.standby)
        toProto(ref, m->add_standby());
    if (state.residency.isSet())
        Proto::toProto(state.residency, m->mutable_residency());
    const std::string bytes = desired.SerializeAsString();
    const std::string message = keel::v1::stateSignatureMessage(nodeName.toStdString(), bytes);
    pb::Envelope envelope;
    auto *signedState = envelope.mutable_signed_desired_state();
    signedState->set_state(bytes);
    signedState->set_signature(Proto::bytes(sign(QByteArray(message.data(), qsizetype(message.size())))));
    return serialize(envelope);
}

QByteArray AgentChannelCodec::encodeArtifactChunk(quint64 requestId, const ArtifactChunk &chunk)
{
    pb::Envelope envelope;
    envelope.set_request_id(requestId);
    auto *m = envelope.mutable_artifact_chunk();
    m->set_digest(str(chunk.digest));
    m->set_offset(chunk.offset);
    m->set_total_size(chunk.totalSize);
    m->set_data(bytes(chunk.data));
    m->set_last(chunk.last);
    return serialize(envelope);
}

QByteArray AgentChannelCodec::encodeStateAck(const StateAck &ack)
{
    pb::Envelope envelope;
    auto *m = envelope.mutable_state_ack();
    m->set_generation(ack.generation);
    auto *statuses = ack.applied ? m->mutable_applied()->mutable_components() : m->mutable_rejected()->mutable_components();
    for (const ComponentStatus &status : ack.components)
        Proto::toProto(status, statuses->Add());
    return serialize(envelope);
}

QByteArray AgentChannelCodec::encodeFetchArtifact(quint64 requestId, const FetchArtifact &fetch)
{
    pb::Envelope envelope;
    envelope.set_request_id(requestId);
    envelope.mutable_fetch_artifact()->set_digest(str(fetch.digest));
    envelope.mutable_fetch_artifact()->set_offset(fetch.offset);
    return serialize(envelope);
}

QByteArray AgentChannelCodec::encodeMetricsReport(const MetricsReport &report)
{
    pb::Envelope envelope;
    auto *m = envelope.mutable_metrics_report();
    m->set_window_start_unix_ms(toUnixMs(report.windowStart));
    m->set_window_end_unix_ms(toUnixMs(report.windowEnd));
    m->set_rss_bytes(report.rssBytes);
    for (const ComponentMetricsDelta &c : report.components) {
        auto *out = m->add_components();
        out->set_component(str(c.component));
        out->set_version(str(c.version));
        if (c.tier)
            out->set_tier(Proto::toProto(*c.tier));
        for (double bound : c.latency.upperBounds)
            out->mutable_latency()->add_upper_bounds(bound);
        for (quint64 count : c.latency.counts)
            out->mutable_latency()->add_counts(count);
        out->mutable_latency()->set_sum(c.latency.sum);
        out->mutable_latency()->set_count(c.latency.count);
        out->set_requests(c.requests);
        out->set_errors(c.errors);
        out->set_cold_starts(c.coldStarts);
        out->set_instance_memory_bytes(c.instanceMemoryBytes);
    }
    return serialize(envelope);
}

QByteArray AgentChannelCodec::encodeHello(quint64 requestId, const AgentHello &hello)
{
    pb::Envelope envelope;
    envelope.set_request_id(requestId);
    auto *m = envelope.mutable_hello();
    m->set_node_name(str(hello.nodeName));
    m->set_region(str(hello.region));
    m->set_site(str(hello.site));
    Proto::toProto(hello.labels, m->mutable_labels());
    for (RuntimeTier tier : hello.tiers)
        m->add_tiers(Proto::toProto(tier));
    m->set_target_triple(str(hello.targetTriple));
    m->set_agent_version(str(hello.agentVersion));
    m->set_public_key(bytes(hello.publicKey));
    m->set_join_token(str(hello.joinToken));
    m->set_http_endpoint(str(hello.httpEndpoint));
    m->set_admin_endpoint(str(hello.adminEndpoint));
    m->set_applied_generation(hello.appliedGeneration);
    return serialize(envelope);
}

QByteArray AgentChannelCodec::encodeProof(quint64 requestId, const AgentProof &proof)
{
    pb::Envelope envelope;
    envelope.set_request_id(requestId);
    envelope.mutable_challenge_proof()->set_signature(bytes(proof.signature));
    return serialize(envelope);
}

QByteArray AgentChannelCodec::encodeHeartbeat(const AgentHeartbeat &heartbeat)
{
    pb::Envelope envelope;
    auto *m = envelope.mutable_heartbeat();
    m->set_sent_unix_ms(heartbeat.sentUnixMs);
    m->set_applied_generation(heartbeat.appliedGeneration);
    return serialize(envelope);
}

Decoded<AgentServerMessage> AgentChannelCodec::decodeFromServer(QByteArrayView frame)
{
    using Result = Decoded<AgentServerMessage>;
    auto parsed = parseEnvelope(frame);
    if (!parsed)
        return Result::fail(parsed.error);
    const pb::Envelope &envelope = *parsed.value;
    switch (envelope.body_case()) {
    case pb::Envelope::kChallenge:
        return Result::ok(AgentChallenge{bytes(envelope.challenge().nonce())});
    case pb::Envelope::kWelcome: {
        const auto &m = envelope.welcome();
        return Result::ok(AgentWelcome{str(m.node_id()), int(m.heartbeat_interval_ms()), bytes(m.controlplane_public_key()),
                                       str(m.controlplane_version()), int(m.metrics_interval_ms())});
    }
    case pb::Envelope::kError: {
        auto error = Proto::fromProto(envelope.error());
        if (!error)
            return Result::fail(error.error);
        return Result::ok(*error.value);
    }
    case pb::Envelope::kSignedDesiredState: {
        pb::DesiredState desired;
        const std::string &serialized = envelope.signed_desired_state().state();
        if (!desired.ParseFromString(serialized))
            return Result::fail(QStringLiteral("signed desired state whose state is not a keel.v1.DesiredState"));
        DesiredState state;
        state.signedBytes = Proto::bytes(serialized);
        state.signature = Proto::bytes(envelope.signed_desired_state().signature());
        state.generation = desired.generation();
        for (const auto &in : desired.components()) {
            auto ref = fromProto(in);
            if (!ref)
                return Result::fail(ref.error);
            state.components.append(std::move(*ref.value));
        }
        for (const auto &in : desired.standby()) {
            auto ref = fromProto(in);
            if (!ref)
                return Result::fail(QStringLiteral("standby: ") + ref.error);
            state.standby.append(std::move(*ref.value));
        }
        if (desired.has_residency()) {
            auto residency = Proto::fromProto(desired.residency());
            if (!residency)
                return Result::fail(QStringLiteral("residency: ") + residency.error);
            state.residency = std::move(*residency.value);
        }
        return Result::ok(std::move(state));
    }
    case pb::Envelope::kArtifactChunk: {
        const auto &m = envelope.artifact_chunk();
        return Result::ok(ArtifactChunk{str(m.digest()), m.offset(), m.total_size(), bytes(m.data()), m.last()});
    }
    default:
        return Result::fail(QStringLiteral("body field %1 is not one a control plane sends on /v1/agent").arg(int(envelope.body_case())));
    }
}

} // namespace Keel
