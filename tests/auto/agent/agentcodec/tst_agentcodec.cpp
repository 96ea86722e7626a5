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
        hello.httpEndpoint = "127.0.0.1:8080";
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

        envelope.Clear();
        envelope.mutable_desired_state()->set_generation(4);
        envelope.mutable_desired_state()->add_components()->mutable_manifest()->set_abi(pb::COMPONENT_ABI_WAGI);
        decoded = AgentCodec::decode(frame(envelope));
        QVERIFY(decoded.message);
        QCOMPARE(std::get<DesiredStateNotice>(decoded.message->body).generation, 4u);
        QCOMPARE(std::get<DesiredStateNotice>(decoded.message->body).componentCount, size_t(1));
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
        envelope.mutable_desired_state()->add_components()->mutable_manifest()->set_name("c");
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
