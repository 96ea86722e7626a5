#include "control/agentcodec.h"

#include "keel/v1/keel.pb.h"

#include <QTest>

using namespace keel::agent;
namespace pb = keel::v1;

namespace {

std::string frame(const pb::Envelope &envelope)
{
    return envelope.SerializeAsString();
}

} // namespace

class tst_AgentCodec : public QObject
{
    Q_OBJECT

private slots:
    void helloRoundTrip()
    {
        Hello hello;
        hello.nodeName = "edge-1";
        hello.region = "eu-west";
        hello.site = "dub-1";
        hello.labels = {{"tier", "gold"}, {"zone", "a"}};
        hello.tiers = {RuntimeTier::Interpreter};
        hello.targetTriple = "x86_64-linux-gnu";
        hello.agentVersion = "0.1.0";
        hello.publicKey = std::string(32, '\x01');
        hello.joinToken = "kjt_abc";
        hello.httpEndpoint = "http://127.0.0.1:8080"; // --advertise-http: a base URL
        hello.adminEndpoint = "127.0.0.1:9090";

        pb::Envelope envelope;
        QVERIFY(envelope.ParseFromString(AgentCodec::encode({1, hello})));
        QCOMPARE(envelope.request_id(), 1u);
        QCOMPARE(envelope.body_case(), pb::Envelope::kHello);
        const auto &h = envelope.hello();
        QCOMPARE(h.node_name(), hello.nodeName);
        QCOMPARE(h.region(), hello.region);
        QCOMPARE(h.site(), hello.site);
        QCOMPARE(h.labels_size(), 2);
        QCOMPARE(h.labels(1).key(), std::string("zone"));
        QCOMPARE(h.labels(1).value(), std::string("a"));
        QCOMPARE(h.tiers_size(), 1);
        QCOMPARE(h.tiers(0), pb::RUNTIME_TIER_INTERPRETER);
        QCOMPARE(h.target_triple(), hello.targetTriple);
        QCOMPARE(h.agent_version(), hello.agentVersion);
        QCOMPARE(h.public_key(), hello.publicKey);
        QCOMPARE(h.join_token(), hello.joinToken);
        QCOMPARE(h.http_endpoint(), hello.httpEndpoint);
        QCOMPARE(h.admin_endpoint(), hello.adminEndpoint);
        QCOMPARE(h.applied_generation(), 0u);
    }

    void proofAndHeartbeat()
    {
        pb::Envelope envelope;
        QVERIFY(envelope.ParseFromString(AgentCodec::encode({7, ChallengeProof{std::string(64, 's')}})));
        QCOMPARE(envelope.request_id(), 7u);
        QCOMPARE(envelope.challenge_proof().signature(), std::string(64, 's'));

        QVERIFY(envelope.ParseFromString(AgentCodec::encode({0, Heartbeat{1700000000000, 3}})));
        QCOMPARE(envelope.body_case(), pb::Envelope::kHeartbeat);
        QCOMPARE(envelope.heartbeat().sent_unix_ms(), 1700000000000);
        QCOMPARE(envelope.heartbeat().applied_generation(), 3u);
    }

    void decodesChallengeWelcomeAndError()
    {
        pb::Envelope envelope;
        envelope.set_request_id(1);
        envelope.mutable_challenge()->set_nonce(std::string(32, 'n'));
        auto decoded = AgentCodec::decode(frame(envelope));
        QVERIFY(decoded.message);
        QCOMPARE(decoded.message->requestId, 1u);
        QCOMPARE(std::get<Challenge>(decoded.message->body).nonce, std::string(32, 'n'));

        envelope.Clear();
        envelope.mutable_welcome()->set_node_id("node-1");
        envelope.mutable_welcome()->set_heartbeat_interval_ms(250);
        decoded = AgentCodec::decode(frame(envelope));
        QVERIFY(decoded.message);
        QCOMPARE(std::get<Welcome>(decoded.message->body).heartbeatIntervalMs, 250u);
        QCOMPARE(std::get<Welcome>(decoded.message->body).nodeId, std::string("node-1"));

        envelope.Clear();
        envelope.mutable_error()->set_code(pb::ERROR_CODE_JOIN_TOKEN_INVALID);
        envelope.mutable_error()->set_message("join token is used up");
        decoded = AgentCodec::decode(frame(envelope));
        QVERIFY(decoded.message);
        const auto &error = std::get<ControlError>(decoded.message->body);
        QCOMPARE(error.code, ErrorCode::JoinTokenInvalid);
        QCOMPARE(error.message, std::string("join token is used up"));

        envelope.mutable_error()->set_code(static_cast<pb::ErrorCode>(99)); // from a newer peer
        decoded = AgentCodec::decode(frame(envelope));
        QVERIFY(decoded.message);
        QCOMPARE(std::get<ControlError>(decoded.message->body).code, ErrorCode::Unknown);

    }

    // The control plane's framing: a serialized DesiredState and its signature.
    static void sign(pb::Envelope &envelope, const pb::DesiredState &state)
    {
        envelope.mutable_signed_desired_state()->set_state(state.SerializeAsString());
        envelope.mutable_signed_desired_state()->set_signature(std::string(64, 'z'));
    }

    void decodesDesiredState()
    {
        pb::Envelope envelope;
        pb::DesiredState desired;
        auto *state = &desired;
        state->set_generation(4);
        auto *component = state->add_components();
        auto *m = component->mutable_manifest();
        m->set_name("echo");
        m->set_version("1.2.0");
        m->set_abi(pb::COMPONENT_ABI_KEEL);
        m->add_data_classes("pii");
        m->add_grants("kv");
        m->add_grants("log");
        m->mutable_limits()->set_memory_mb(32);
        (*m->mutable_config())["greeting"] = "hi";
        component->set_module_digest("sha256:" + std::string(64, 'a'));
        component->set_module_size(1234);
        component->set_module_signature(std::string(64, 's'));
        component->set_aot_digest("sha256:" + std::string(64, 'b'));
        component->set_aot_size(99);
        component->set_aot_signature(std::string(64, 't'));
        component->set_aot_target("x86_64-linux-gnu");
        m->set_health_path("/healthz");
        // The rollout's baseline, held loaded but not served.
        auto *standby = state->add_standby();
        standby->mutable_manifest()->set_name("echo");
        standby->mutable_manifest()->set_version("1.1.0");
        standby->mutable_manifest()->set_abi(pb::COMPONENT_ABI_KEEL);
        standby->set_module_digest("sha256:" + std::string(64, 'c'));
        standby->set_module_size(77);
        standby->set_module_signature(std::string(64, 'u'));
        sign(envelope, desired);
        const auto decoded = AgentCodec::decode(frame(envelope));
        QVERIFY(decoded.message);
        const auto &s = std::get<DesiredState>(decoded.message->body);
        QCOMPARE(s.generation, 4u);
        QCOMPARE(s.signedBytes, desired.SerializeAsString()); // what the agent verifies
        QCOMPARE(s.signature, std::string(64, 'z'));
        QCOMPARE(s.components.size(), size_t(1));
        const auto &ref = s.components[0];
        QCOMPARE(ref.manifest.name, std::string("echo"));
        QCOMPARE(ref.manifest.version, std::string("1.2.0"));
        QCOMPARE(ref.manifest.abi, ComponentAbi::Keel);
        QVERIFY(ref.manifest.dataClasses == std::vector<std::string>{"pii"});
        QVERIFY((ref.manifest.grants == std::vector<std::string>{"kv", "log"}));
        QCOMPARE(ref.manifest.limits.memoryMb, 32u);
        QCOMPARE(ref.manifest.limits.deadlineMs, 0u);
        QCOMPARE(ref.manifest.config.at("greeting"), std::string("hi"));
        QCOMPARE(ref.moduleDigest, "sha256:" + std::string(64, 'a'));
        QCOMPARE(ref.moduleSize, 1234u);
        QCOMPARE(ref.moduleSignature, std::string(64, 's'));
        QCOMPARE(ref.aotDigest, "sha256:" + std::string(64, 'b'));
        QCOMPARE(ref.aotSize, 99u);
        QCOMPARE(ref.aotSignature, std::string(64, 't'));
        QCOMPARE(ref.aotTarget, std::string("x86_64-linux-gnu"));
        QCOMPARE(ref.manifest.healthPath, std::string("/healthz"));
        QCOMPARE(s.standby.size(), size_t(1));
        QCOMPARE(s.standby[0].manifest.name, std::string("echo"));
        QCOMPARE(s.standby[0].manifest.version, std::string("1.1.0"));
        QCOMPARE(s.standby[0].manifest.abi, ComponentAbi::Keel);
        QVERIFY(s.standby[0].manifest.healthPath.empty());
        QCOMPARE(s.standby[0].moduleDigest, "sha256:" + std::string(64, 'c'));
        QCOMPARE(s.standby[0].moduleSize, 77u);
        QCOMPARE(s.standby[0].moduleSignature, std::string(64, 'u'));
        QVERIFY(s.standby[0].aotDigest.empty());

        // A standby version with an ABI this agent does not know: refused like a served one.
        desired.mutable_standby(0)->mutable_manifest()->set_abi(pb::COMPONENT_ABI_UNSPECIFIED);
        sign(envelope, desired);
        const auto unspecified = AgentCodec::decode(frame(envelope));
        QCOMPARE(unspecified.reason, std::string_view("unspecified_enum"));
        QVERIFY2(unspecified.detail.find("standby component echo") != std::string::npos, unspecified.detail.c_str());
        desired.mutable_standby(0)->mutable_manifest()->set_abi(pb::COMPONENT_ABI_KEEL);

        desired.mutable_components(0)->mutable_manifest()->set_abi(static_cast<pb::ComponentAbi>(7)); // from a newer control plane
        sign(envelope, desired);
        QCOMPARE(AgentCodec::decode(frame(envelope)).reason, std::string_view("invalid_field"));
        envelope.mutable_signed_desired_state()->set_state("\xff\xff not a DesiredState");
        QCOMPARE(AgentCodec::decode(frame(envelope)).reason, std::string_view("invalid_field"));
    }

    void decodesResidency()
    {
        pb::DesiredState desired;
        desired.set_generation(7);
        auto *m = desired.add_components()->mutable_manifest();
        m->set_name("profile");
        m->set_version("1.0.0");
        m->set_abi(pb::COMPONENT_ABI_WAGI);
        m->add_data_classes("pii");
        auto *residency = desired.mutable_residency();
        residency->set_jurisdiction("US");
        residency->set_default_subject("US");
        residency->set_policy_version(3);
        auto *rule = residency->add_rules();
        rule->set_name("eu-pii");
        rule->set_data_class("pii");
        rule->add_subjects("EU");
        rule->add_allowed("EU");
        rule->set_mode(pb::RESIDENCY_MODE_ENFORCE);
        auto *audit = residency->add_rules();
        audit->set_name("pii-anywhere");
        audit->set_data_class("pii");
        audit->add_subjects("*");
        audit->add_allowed("EU");
        audit->add_allowed("US");
        audit->set_mode(pb::RESIDENCY_MODE_AUDIT);
        auto *placement = residency->add_placements();
        placement->set_component("profile");
        auto *eu = placement->add_regions();
        eu->set_region("eu-west");
        eu->set_jurisdiction("EU");
        eu->add_endpoints("http://10.0.0.5:8080");
        eu->add_endpoints("http://10.0.0.6:8080");
        auto *us = placement->add_regions();
        us->set_region("us-east");
        us->set_jurisdiction("US");

        pb::Envelope envelope;
        sign(envelope, desired);
        const auto decoded = AgentCodec::decode(frame(envelope));
        QVERIFY2(decoded.message, decoded.detail.c_str());
        const auto &s = std::get<DesiredState>(decoded.message->body);
        QVERIFY(s.residency);
        const NodeResidency &r = *s.residency;
        QCOMPARE(r.jurisdiction, std::string("US"));
        QCOMPARE(r.defaultSubject, std::string("US"));
        QCOMPARE(r.policyVersion, 3u);
        QCOMPARE(r.rules.size(), size_t(2));
        const keel::residency::Rule expected{"eu-pii", "pii", {"EU"}, {"EU"}, keel::residency::Mode::Enforce};
        QVERIFY(r.rules[0] == expected);
        QCOMPARE(r.rules[1].mode, keel::residency::Mode::Audit);
        QVERIFY(r.rules[1].isPlacementRule());
        QVERIFY((r.rules[1].allowed == std::vector<std::string>{"EU", "US"}));
        QCOMPARE(r.placements.size(), size_t(1));
        const ComponentPlacement *p = r.placementOf("profile");
        QVERIFY(p);
        QVERIFY(!r.placementOf("hello"));
        QCOMPARE(p->regions.size(), size_t(2));
        QVERIFY((p->regions[0] == RegionEndpoints{"eu-west", "EU", {"http://10.0.0.5:8080", "http://10.0.0.6:8080"}}));
        QVERIFY((p->regions[1] == RegionEndpoints{"us-east", "US", {}}));

        // What the agent keeps beside the set reads back the same.
        std::string problem;
        const auto again = AgentCodec::decodeResidency(AgentCodec::encodeResidency(r), problem);
        QVERIFY2(again, problem.c_str());
        QVERIFY(*again == r);
        QVERIFY(!AgentCodec::decodeResidency("\xff\xff\xff", problem));
        QVERIFY(!problem.empty());

        // No residency on the wire: none in the state (not an empty one).
        desired.clear_residency();
        sign(envelope, desired);
        const auto without = AgentCodec::decode(frame(envelope));
        QVERIFY(without.message);
        QVERIFY(!std::get<DesiredState>(without.message->body).residency);

        // A rule whose mode the agent cannot read is no rule it may enforce loosely.
        rule = desired.mutable_residency()->add_rules();
        rule->set_name("no-mode");
        rule->set_data_class("pii");
        rule->add_subjects("EU");
        rule->add_allowed("EU");
        sign(envelope, desired);
        const auto unspecified = AgentCodec::decode(frame(envelope));
        QVERIFY(!unspecified.message);
        QCOMPARE(unspecified.reason, std::string_view("unspecified_enum"));
        QVERIFY2(unspecified.detail.find("no-mode") != std::string::npos, unspecified.detail.c_str());
        rule->set_mode(static_cast<pb::ResidencyMode>(9)); // from a newer control plane
        sign(envelope, desired);
        QCOMPARE(AgentCodec::decode(frame(envelope)).reason, std::string_view("invalid_field"));
        QVERIFY(!AgentCodec::decodeResidency(desired.residency().SerializeAsString(), problem));
        QVERIFY2(problem.find("no-mode") != std::string::npos, problem.c_str());
    }

    void decodesArtifactChunk()
    {
        pb::Envelope envelope;
        envelope.set_request_id(12);
        auto *chunk = envelope.mutable_artifact_chunk();
        chunk->set_digest("sha256:" + std::string(64, 'c'));
        chunk->set_offset(1 << 20);
        chunk->set_total_size(3 << 20);
        chunk->set_data(std::string(10, '\0'));
        chunk->set_last(false);
        const auto decoded = AgentCodec::decode(frame(envelope));
        QVERIFY(decoded.message);
        QCOMPARE(decoded.message->requestId, 12u);
        const auto &c = std::get<ArtifactChunk>(decoded.message->body);
        QCOMPARE(c.digest, "sha256:" + std::string(64, 'c'));
        QCOMPARE(c.offset, std::uint64_t(1) << 20);
        QCOMPARE(c.totalSize, std::uint64_t(3) << 20);
        QCOMPARE(c.data, std::string(10, '\0'));
        QVERIFY(!c.last);
    }

    void encodesStateAckAndFetch()
    {
        StateAck ack{9, true, {{"echo", "1.0.0", ComponentState::Running, RuntimeTier::Aot, {}}}};
        pb::Envelope envelope;
        QVERIFY(envelope.ParseFromString(AgentCodec::encode({0, ack})));
        QCOMPARE(envelope.state_ack().generation(), 9u);
        QCOMPARE(envelope.state_ack().result_case(), pb::StateAck::kApplied);
        const auto &running = envelope.state_ack().applied().components(0);
        QCOMPARE(running.name(), std::string("echo"));
        QCOMPARE(running.state(), pb::COMPONENT_STATE_RUNNING);
        QCOMPARE(running.tier(), pb::RUNTIME_TIER_AOT);

        StateAck nack{10, false, {{"bad", "2.0.0", ComponentState::Failed, std::nullopt, "module is not signed"}}};
        QVERIFY(envelope.ParseFromString(AgentCodec::encode({0, nack})));
        QCOMPARE(envelope.state_ack().result_case(), pb::StateAck::kRejected);
        const auto &failed = envelope.state_ack().rejected().components(0);
        QCOMPARE(failed.state(), pb::COMPONENT_STATE_FAILED);
        QCOMPARE(failed.tier(), pb::RUNTIME_TIER_UNSPECIFIED);
        QCOMPARE(failed.error(), std::string("module is not signed"));

        StateAck empty{11, true, {}}; // an empty set applied still says "applied"
        QVERIFY(envelope.ParseFromString(AgentCodec::encode({0, empty})));
        QCOMPARE(envelope.state_ack().result_case(), pb::StateAck::kApplied);

        QVERIFY(envelope.ParseFromString(AgentCodec::encode({5, FetchArtifact{"sha256:" + std::string(64, 'd'), 42}})));
        QCOMPARE(envelope.request_id(), 5u);
        QCOMPARE(envelope.fetch_artifact().digest(), "sha256:" + std::string(64, 'd'));
        QCOMPARE(envelope.fetch_artifact().offset(), 42u);
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");

        QTest::newRow("garbage") << QByteArray("\xff\xff\xff\xff\xff", 5) << "unparsable";
        QTest::newRow("truncated") << QByteArray("\x5a\x20\x01", 3) << "unparsable"; // challenge, 32 announced
        QTest::newRow("no bytes") << QByteArray() << "empty";

        pb::Envelope envelope;
        envelope.set_request_id(9);
        QTest::newRow("request id only") << QByteArray::fromStdString(frame(envelope)) << "empty";

        // Field 13 (welcome) as a varint: a known field with the wrong wire type.
        QTest::newRow("wrong wire type") << QByteArray("\x68\x01", 2) << "unparsable";

        envelope.Clear();
        envelope.mutable_error()->set_code(pb::ERROR_CODE_UNSPECIFIED);
        envelope.mutable_error()->set_message("?");
        QTest::newRow("error unspecified") << QByteArray::fromStdString(frame(envelope)) << "unspecified_enum";

        envelope.Clear();
        pb::DesiredState unspecified;
        unspecified.add_components()->mutable_manifest()->set_name("c");
        sign(envelope, unspecified);
        QTest::newRow("abi unspecified") << QByteArray::fromStdString(frame(envelope)) << "unspecified_enum";

        envelope.Clear();
        envelope.mutable_challenge()->set_nonce(std::string(31, 'n'));
        QTest::newRow("short nonce") << QByteArray::fromStdString(frame(envelope)) << "invalid_field";

        envelope.Clear();
        envelope.mutable_welcome()->set_heartbeat_interval_ms(5);
        QTest::newRow("welcome without id") << QByteArray::fromStdString(frame(envelope)) << "invalid_field";
    }

    void rejects()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        const auto decoded = AgentCodec::decode({bytes.constData(), size_t(bytes.size())});
        QVERIFY(!decoded.message);
        QCOMPARE(QString::fromUtf8(decoded.reason.data(), qsizetype(decoded.reason.size())), reason);
        QVERIFY(!decoded.detail.empty());
    }

    void unknownBodyIsIgnorable()
    {
        // Field 99, length-delimited: a body this agent predates.
        const QByteArray bytes("\x08\x05\x9a\x06\x02\x08\x01", 7);
        const auto decoded = AgentCodec::decode({bytes.constData(), size_t(bytes.size())});
        QVERIFY(decoded.message);
        QCOMPARE(decoded.message->requestId, 5u);
        const auto &unhandled = std::get<UnhandledMessage>(decoded.message->body);
        QCOMPARE(unhandled.kind, UnhandledMessage::Kind::UnknownType);
        QCOMPARE(unhandled.name, std::string("field 99"));
    }

    void agentBoundOnlyBodiesAreUnexpected()
    {
        pb::Envelope envelope;
        envelope.mutable_heartbeat()->set_sent_unix_ms(1);
        auto decoded = AgentCodec::decode(frame(envelope));
        QVERIFY(decoded.message);
        QCOMPARE(std::get<UnhandledMessage>(decoded.message->body).kind, UnhandledMessage::Kind::Unexpected);

        envelope.Clear();
        envelope.mutable_operator_request()->mutable_list_nodes();
        decoded = AgentCodec::decode(frame(envelope));
        QVERIFY(decoded.message);
        QCOMPARE(std::get<UnhandledMessage>(decoded.message->body).name, std::string("operator_request"));
    }
};

QTEST_APPLESS_MAIN(tst_AgentCodec)
#include "tst_agentcodec.moc"
