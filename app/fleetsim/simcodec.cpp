#include "simcodec.h"

#include "keel/v1/keel.pb.h"

namespace keel::fleetsim {

namespace {

std::string serialize(const v1::Envelope &envelope)
{
    std::string frame;
    envelope.SerializeToString(&frame);
    return frame;
}

v1::RuntimeTier tierOf(bool aot)
{
    return aot ? v1::RUNTIME_TIER_AOT : v1::RUNTIME_TIER_INTERPRETER;
}

std::string codeName(v1::ErrorCode code)
{
    std::string name = v1::ErrorCode_Name(code);
    constexpr std::string_view prefix = "ERROR_CODE_";
    if (name.rfind(prefix, 0) == 0)
        name.erase(0, prefix.size());
    return name.empty() ? "CODE_" + std::to_string(int(code)) : name;
}

} // namespace

std::string SimCodec::hello(std::uint64_t requestId, const SimHello &hello)
{
    v1::Envelope envelope;
    envelope.set_request_id(requestId);
    auto *h = envelope.mutable_hello();
    h->set_node_name(hello.nodeName);
    h->set_region(hello.region);
    h->add_tiers(v1::RUNTIME_TIER_INTERPRETER);
    h->add_tiers(v1::RUNTIME_TIER_AOT);
    h->set_target_triple(hello.targetTriple);
    h->set_agent_version(hello.agentVersion);
    h->set_public_key(hello.publicKey);
    h->set_join_token(hello.joinToken);
    h->set_http_endpoint(hello.httpEndpoint);
    h->set_applied_generation(hello.appliedGeneration);
    if (hello.labels) {
        for (const auto &[key, value] : *hello.labels) {
            auto *label = h->add_labels();
            label->set_key(key);
            label->set_value(value);
        }
    }
    return serialize(envelope);
}

std::string SimCodec::proof(std::uint64_t requestId, std::string_view signature)
{
    v1::Envelope envelope;
    envelope.set_request_id(requestId);
    envelope.mutable_challenge_proof()->set_signature(std::string(signature));
    return serialize(envelope);
}

std::string SimCodec::heartbeat(std::int64_t sentUnixMs, std::uint64_t appliedGeneration)
{
    v1::Envelope envelope;
    auto *h = envelope.mutable_heartbeat();
    h->set_sent_unix_ms(sentUnixMs);
    h->set_applied_generation(appliedGeneration);
    return serialize(envelope);
}

std::string SimCodec::ack(const SimAck &ack)
{
    v1::Envelope envelope;
    auto *a = envelope.mutable_state_ack();
    a->set_generation(ack.generation);
    auto *list = ack.applied ? a->mutable_applied()->mutable_components() : a->mutable_rejected()->mutable_components();
    for (const SimStatus &status : ack.components) {
        auto *c = list->Add();
        c->set_name(status.name);
        c->set_version(status.version);
        if (ack.applied) {
            c->set_state(v1::COMPONENT_STATE_RUNNING);
            c->set_tier(tierOf(status.aot));
        } else {
            c->set_state(v1::COMPONENT_STATE_FAILED);
            c->set_error(ack.error);
        }
    }
    return serialize(envelope);
}

std::string SimCodec::fetch(std::uint64_t requestId, std::string_view digest, std::uint64_t offset)
{
    v1::Envelope envelope;
    envelope.set_request_id(requestId);
    auto *f = envelope.mutable_fetch_artifact();
    f->set_digest(std::string(digest));
    f->set_offset(offset);
    return serialize(envelope);
}

std::string SimCodec::report(const SimMetricsReport &report)
{
    v1::Envelope envelope;
    auto *r = envelope.mutable_metrics_report();
    r->set_window_start_unix_ms(report.windowStartUnixMs);
    r->set_window_end_unix_ms(report.windowEndUnixMs);
    r->set_rss_bytes(report.rssBytes);
    for (const SimComponentMetrics &m : report.components) {
        auto *c = r->add_components();
        c->set_component(m.component);
        c->set_version(m.version);
        c->set_tier(tierOf(m.aot));
        auto *latency = c->mutable_latency();
        if (m.latency.upperBounds)
            latency->mutable_upper_bounds()->Add(m.latency.upperBounds->begin(), m.latency.upperBounds->end());
        latency->mutable_counts()->Add(m.latency.counts.begin(), m.latency.counts.end());
        latency->set_sum(m.latency.sum);
        latency->set_count(m.latency.count);
        c->set_requests(m.requests);
        c->set_errors(m.errors);
        c->set_cold_starts(m.coldStarts);
        c->set_instance_memory_bytes(m.instanceMemoryBytes);
    }
    return serialize(envelope);
}

std::optional<SimInbound> SimCodec::decode(std::string_view frame, std::string &problem)
{
    v1::Envelope envelope;
    if (!envelope.ParseFromArray(frame.data(), int(frame.size()))) {
        problem = "a frame that is not a keel.v1 Envelope";
        return std::nullopt;
    }
    SimInbound in;
    in.requestId = envelope.request_id();
    switch (envelope.body_case()) {
    case v1::Envelope::kChallenge:
        in.body = SimChallenge{envelope.challenge().nonce()};
        break;
    case v1::Envelope::kWelcome: {
        const auto &w = envelope.welcome();
        in.body = SimWelcome{w.heartbeat_interval_ms(), w.metrics_interval_ms(), w.controlplane_public_key()};
        break;
    }
    case v1::Envelope::kSignedDesiredState:
        in.body = SimSignedState{envelope.signed_desired_state().state(), envelope.signed_desired_state().signature()};
        break;
    case v1::Envelope::kArtifactChunk: {
        auto *c = envelope.mutable_artifact_chunk();
        in.body = SimChunk{c->digest(), c->offset(), c->total_size(), std::move(*c->mutable_data()), c->last()};
        break;
    }
    case v1::Envelope::kError:
        in.body = SimError{codeName(envelope.error().code()), envelope.error().message()};
        break;
    default:
        // Messages the simulator does not act on (a newer control plane's, or ones it
        // never expects) are counted by the caller, not fatal.
        in.body = SimIgnored{};
        break;
    }
    return in;
}

std::optional<SimDesiredState> SimCodec::decodeState(std::string_view bytes)
{
    v1::DesiredState proto;
    if (!proto.ParseFromArray(bytes.data(), int(bytes.size())))
        return std::nullopt;
    SimDesiredState state;
    state.generation = proto.generation();
    state.components.reserve(std::size_t(proto.components_size()));
    for (const auto &ref : proto.components()) {
        state.components.push_back({ref.manifest().name(), ref.manifest().version(), ref.module_digest(), ref.module_size(),
                                    ref.module_signature(), !ref.aot_digest().empty()});
    }
    return state;
}

} // namespace keel::fleetsim
