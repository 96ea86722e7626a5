#include "agentchannelcodec.h"

#include "protoconvert_p.h"

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
    case pb::Envelope::kStateAck:
        message.body = AgentUnhandled{QStringLiteral("state_ack")};
        break;
    case pb::Envelope::kFetchArtifact:
        message.body = AgentUnhandled{QStringLiteral("fetch_artifact")};
        break;
    case pb::Envelope::kMetricsReport:
        message.body = AgentUnhandled{QStringLiteral("metrics_report")};
        break;
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
    return serialize(envelope);
}

QByteArray AgentChannelCodec::encodeError(quint64 requestId, const WireError &error)
{
    pb::Envelope envelope;
    envelope.set_request_id(requestId);
    Proto::toProto(error, envelope.mutable_error());
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
        return Result::ok(AgentWelcome{str(m.node_id()), int(m.heartbeat_interval_ms()),
                                       bytes(m.controlplane_public_key()), str(m.controlplane_version())});
    }
    case pb::Envelope::kError: {
        auto error = Proto::fromProto(envelope.error());
        if (!error)
            return Result::fail(error.error);
        return Result::ok(*error.value);
    }
    default:
        return Result::fail(QStringLiteral("body field %1 is not one a control plane sends on /v1/agent").arg(int(envelope.body_case())));
    }
}

} // namespace Keel
