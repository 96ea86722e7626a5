#include "operatorcodec.h"

#include "keel/v1/keel.pb.h"

#include <QTest>

using namespace Keel;

class tst_OperatorCodec : public QObject
{
    Q_OBJECT

private slots:
    void requestRoundTrip()
    {
        Region region{QStringLiteral("eu-west"), QStringLiteral("EU"), 53.35, -6.26, {QStringLiteral("dub-1")}};
        const QByteArray frame = OperatorCodec::encodeRequest({7, Op::ApplyTopology{{region}}});
        auto decoded = OperatorCodec::decodeRequest(frame);
        QVERIFY2(decoded, qPrintable(decoded.error));
        QCOMPARE(decoded.value->id, 7u);
        const auto *apply = std::get_if<Op::ApplyTopology>(&decoded.value->body);
        QVERIFY(apply);
        QCOMPARE(apply->regions.size(), 1);
        QCOMPARE(apply->regions.first(), region);
    }

    void nodeListRoundTrip()
    {
        Node node;
        node.name = QStringLiteral("edge-1");
        node.region = QStringLiteral("eu-west");
        node.jurisdiction = QStringLiteral("EU");
        node.labels = {{QStringLiteral("tier"), QStringLiteral("edge")}};
        node.status = NodeStatus::Ready;
        node.tiers = {RuntimeTier::Interpreter};
        node.lastSeen = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
        const QByteArray frame = OperatorCodec::encodeResponse({3, Op::NodeList{{node}}});
        auto decoded = OperatorCodec::decodeServerMessage(frame);
        QVERIFY2(decoded, qPrintable(decoded.error));
        const auto &response = std::get<OperatorResponse>(*decoded.value);
        QCOMPARE(response.id, 3u);
        const auto &list = std::get<Op::NodeList>(response.body);
        QCOMPARE(list.nodes.size(), 1);
        QCOMPARE(list.nodes.first(), node);
    }

    void deploymentListRoundTrip()
    {
        const QByteArray request = OperatorCodec::encodeRequest({4, Op::ListDeployments{QStringLiteral("hash")}});
        auto decodedRequest = OperatorCodec::decodeRequest(request);
        QVERIFY2(decodedRequest, qPrintable(decodedRequest.error));
        QCOMPARE(std::get<Op::ListDeployments>(decodedRequest.value->body).component, QStringLiteral("hash"));

        const QDateTime created = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
        const QList<DeploymentRule> rules = {
            {Deployment{3, QStringLiteral("hash"), QStringLiteral("1.0.0"), QStringLiteral("jurisdiction=EU"), created, QStringLiteral("token:ci")}, 12},
            {Deployment{7, QStringLiteral("hash"), {}, QStringLiteral("region=us-east"), created, QStringLiteral("token:ops")}, 0},
        };
        const QByteArray frame = OperatorCodec::encodeResponse({4, Op::DeploymentList{rules}});
        auto decoded = OperatorCodec::decodeServerMessage(frame);
        QVERIFY2(decoded, qPrintable(decoded.error));
        const auto &response = std::get<OperatorResponse>(*decoded.value);
        QCOMPARE(response.id, 4u);
        QCOMPARE(std::get<Op::DeploymentList>(response.body).deployments, rules);
    }

    void errorRoundTrip()
    {
        const QByteArray frame = OperatorCodec::encodeResponse({9, WireError{ErrorCode::PermissionDenied, QStringLiteral("no"), QStringLiteral("f")}});
        auto decoded = OperatorCodec::decodeServerMessage(frame);
        QVERIFY(decoded);
        const auto &error = std::get<WireError>(std::get<OperatorResponse>(*decoded.value).body);
        QCOMPARE(error.code, ErrorCode::PermissionDenied);
        QCOMPARE(error.field, QStringLiteral("f"));
    }

    void eventRoundTrip()
    {
        Node node;
        node.name = QStringLiteral("edge-2");
        node.status = NodeStatus::Unreachable;
        const QByteArray frame = OperatorCodec::encodeEvent({42, QDateTime::currentDateTimeUtc(), NodeChange{NodeChange::Kind::Unreachable, node}});
        auto decoded = OperatorCodec::decodeServerMessage(frame);
        QVERIFY(decoded);
        const auto &event = std::get<WatchEvent>(*decoded.value);
        QCOMPARE(event.sequence, 42u);
        QCOMPARE(std::get<NodeChange>(event.event).kind, NodeChange::Kind::Unreachable);
    }

    void garbageIsRejected_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("random") << QByteArray("\xff\xff\xff\xff\x0f garbage", 14);
        QTest::newRow("truncated varint") << QByteArray("\x08\xff", 2);
    }

    void garbageIsRejected()
    {
        QFETCH(QByteArray, frame);
        QVERIFY(!OperatorCodec::decodeRequest(frame));
        QVERIFY(!OperatorCodec::decodeServerMessage(frame));
    }

    // A request (it has an id) with a value no receiver accepts is answered BAD_REQUEST
    // naming the field; only frames that are no request at all close the connection.
    void unspecifiedEnumsInRequestsDecodeAsInvalid_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<QString>("request");
        QTest::addColumn<QString>("field");
        auto frame = [](auto fill) {
            keel::v1::Envelope envelope;
            envelope.set_request_id(1);
            fill(*envelope.mutable_operator_request());
            const std::string bytes = envelope.SerializeAsString();
            return QByteArray(bytes.data(), qsizetype(bytes.size()));
        };
        QTest::newRow("watch topic") << frame([](keel::v1::OperatorRequest &r) {
            r.mutable_watch()->add_topics(keel::v1::WATCH_TOPIC_UNSPECIFIED);
        }) << "watch" << "topics";
        QTest::newRow("token role") << frame([](keel::v1::OperatorRequest &r) {
            r.mutable_create_token()->set_name("ci");
        }) << "create_token" << "role";
        QTest::newRow("push abi") << frame([](keel::v1::OperatorRequest &r) {
            r.mutable_push_component()->mutable_manifest()->set_name("hello");
        }) << "push_component" << "manifest.abi";
        QTest::newRow("audit limit") << frame([](keel::v1::OperatorRequest &r) {
            r.mutable_list_audit()->set_limit(200000);
        }) << "list_audit" << "limit";
    }

    void unspecifiedEnumsInRequestsDecodeAsInvalid()
    {
        QFETCH(QByteArray, frame);
        QFETCH(QString, request);
        QFETCH(QString, field);
        const auto decoded = OperatorCodec::decodeRequest(frame);
        QVERIFY2(decoded, qPrintable(decoded.error));
        QCOMPARE(decoded.value->id, quint64(1));
        const auto *invalid = std::get_if<Op::Invalid>(&decoded.value->body);
        QVERIFY(invalid);
        QCOMPARE(invalid->request, request);
        QCOMPARE(invalid->field, field);
        QVERIFY(!invalid->message.isEmpty());
    }

    void unspecifiedEnumsInServerMessagesAreRejected()
    {
        keel::v1::Envelope response;
        response.set_request_id(2);
        response.mutable_operator_response()->mutable_list_nodes()->add_nodes()->set_name("n");  // status unspecified
        const std::string rbytes = response.SerializeAsString();
        QVERIFY(!OperatorCodec::decodeServerMessage(QByteArrayView(rbytes.data(), qsizetype(rbytes.size()))));

        keel::v1::Envelope error;
        error.mutable_error()->set_message("x");  // code unspecified
        const std::string ebytes = error.SerializeAsString();
        QVERIFY(!OperatorCodec::decodeServerMessage(QByteArrayView(ebytes.data(), qsizetype(ebytes.size()))));
    }

    void agentMessagesAreNotOperatorRequests()
    {
        keel::v1::Envelope envelope;
        envelope.set_request_id(1);
        envelope.mutable_heartbeat();
        const std::string bytes = envelope.SerializeAsString();
        auto decoded = OperatorCodec::decodeRequest(QByteArrayView(bytes.data(), qsizetype(bytes.size())));
        QVERIFY(!decoded);
    }

    void policyRequestsAndAnswersRoundTrip()
    {
        ResidencyPolicy policy;
        policy.name = "fleet";
        policy.defaultSubject = "EU";
        policy.rules = {{"eu-pii", "pii", {"EU"}, {"EU"}, ResidencyMode::Enforce},
                        {"health-anywhere", "health", {"*"}, {"US", "CA"}, ResidencyMode::Audit}};
        policy.version = 3;
        const auto request = OperatorCodec::decodeRequest(OperatorCodec::encodeRequest({5, Op::SetPolicy{policy, true, 2}}));
        QVERIFY(request);
        const auto &set = std::get<Op::SetPolicy>(request.value->body);
        QVERIFY(set.policy.sameRules(policy));
        QVERIFY(set.dryRun);
        QCOMPARE(set.expectedVersion, 2u);

        ResidencyViolation violation{QStringLiteral("profile"), QStringLiteral("1.0.0"), QStringLiteral("edge-us-1"),
                                     QStringLiteral("us-east"), QStringLiteral("US"), QStringLiteral("fleet"),
                                     QStringLiteral("pii-eu-only"), QStringLiteral("pii"), ResidencyMode::Enforce,
                                     QStringLiteral("pii may be processed only in EU"), true, false};
        PolicyImpact impact{{violation}, {NodeLoss{QStringLiteral("edge-us-1"), {QStringLiteral("profile@1.0.0")}}},
                            QStringLiteral("added pii-eu-only")};
        const auto answer = OperatorCodec::decodeServerMessage(OperatorCodec::encodeResponse({5, Op::PolicySet{policy, impact}}));
        QVERIFY(answer);
        const auto &set2 = std::get<Op::PolicySet>(std::get<OperatorResponse>(*answer.value).body);
        QCOMPARE(set2.impact, impact);
        QCOMPARE(set2.policy.version, 3u);

        const PlacementDecision decision{QStringLiteral("edge-us-1"), QStringLiteral("us-east"), QStringLiteral("US"), false,
                                         QStringLiteral("pii-eu-only"), QStringLiteral("pii may be processed only in EU"),
                                         ResidencyMode::Enforce};
        const auto deployed = OperatorCodec::decodeServerMessage(OperatorCodec::encodeResponse({6, Op::Deployed{2, {decision}}}));
        QVERIFY(deployed);
        QCOMPARE(std::get<Op::Deployed>(std::get<OperatorResponse>(*deployed.value).body).skipped, QList<PlacementDecision>{decision});

        const auto event = OperatorCodec::decodeServerMessage(OperatorCodec::encodeEvent({9, QDateTime::currentDateTimeUtc(), violation}));
        QVERIFY(event);
        QCOMPARE(std::get<ResidencyViolation>(std::get<WatchEvent>(*event.value).event), violation);
    }

    void aRuleWithoutAModeIsABadRequest()
    {
        keel::v1::Envelope envelope;
        envelope.set_request_id(5);
        auto *rule = envelope.mutable_operator_request()->mutable_set_policy()->mutable_policy()->add_rules();
        rule->set_name("eu-pii");
        const std::string bytes = envelope.SerializeAsString();
        auto decoded = OperatorCodec::decodeRequest(QByteArrayView(bytes.data(), qsizetype(bytes.size())));
        QVERIFY(decoded);
        const auto &invalid = std::get<Op::Invalid>(decoded.value->body);
        QCOMPARE(invalid.field, QStringLiteral("policy"));
        QVERIFY2(invalid.message.contains(QLatin1String("enforce or audit")), qPrintable(invalid.message));
    }

    void rolloutRequestsAndAnswersRoundTrip()
    {
        RolloutSpec spec;
        spec.component = QStringLiteral("hash");
        spec.version = QStringLiteral("2.0.0");
        spec.selector = QStringLiteral("jurisdiction=EU");
        spec.strategy = RolloutStrategy::Canary;
        spec.steps = {RolloutStep{1, 0}, RolloutStep{0, 50}};
        spec.regionOrder = {QStringLiteral("eu-west"), QStringLiteral("eu-central")};
        spec.gates.maxP99Regression = 2.5;
        spec.gates.maxErrorRate = std::nullopt;
        spec.onFailure = RolloutFailureAction::Pause;
        const auto request = OperatorCodec::decodeRequest(OperatorCodec::encodeRequest({7, Op::StartRollout{spec}}));
        QVERIFY(request);
        QCOMPARE(std::get<Op::StartRollout>(request.value->body).spec, spec);

        Rollout rollout;
        rollout.id = QStringLiteral("r-00abcd");
        rollout.spec = spec;
        rollout.baselineVersion = QStringLiteral("1.0.0");
        rollout.state = RolloutState::RolledBack;
        rollout.created = QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC);
        RolloutWave wave;
        wave.index = wave.step = 1;
        wave.regions = {QStringLiteral("eu-west")};
        wave.nodes = {QStringLiteral("edge-eu-1")};
        wave.state = WaveState::Failed;
        wave.gates.append({QStringLiteral("error_rate"), 1.0, 0.05, false, true, 40, QStringLiteral("40 5xx answers")});
        rollout.waves = {wave};
        rollout.failure = {QStringLiteral("error_rate"), {QStringLiteral("edge-eu-1")}, 1.0, 0.05,
                           QStringLiteral("error rate 100% on edge-eu-1 over 5 s (40 requests) exceeded 5%")};
        const auto answer = OperatorCodec::decodeServerMessage(OperatorCodec::encodeResponse({7, Op::RolloutDetail{rollout}}));
        QVERIFY(answer);
        QCOMPARE(std::get<Op::RolloutDetail>(std::get<OperatorResponse>(*answer.value).body).rollout, rollout);
        const auto event = OperatorCodec::decodeServerMessage(
            OperatorCodec::encodeEvent({3, QDateTime::currentDateTimeUtc(), RolloutEvent{rollout, QStringLiteral("rolled back")}}));
        QVERIFY(event);
        QCOMPARE(std::get<RolloutEvent>(std::get<WatchEvent>(*event.value).event).rollout, rollout);
    }

    void aRolloutWithAnUnspecifiedStrategyIsABadRequest()
    {
        keel::v1::Envelope envelope;
        envelope.set_request_id(5);
        envelope.mutable_operator_request()->mutable_start_rollout()->mutable_spec()->set_component("hello");
        const std::string bytes = envelope.SerializeAsString();
        auto decoded = OperatorCodec::decodeRequest(QByteArrayView(bytes.data(), qsizetype(bytes.size())));
        QVERIFY(decoded);
        const auto &invalid = std::get<Op::Invalid>(decoded.value->body);
        QCOMPARE(invalid.field, QStringLiteral("spec"));
        QVERIFY2(invalid.message.contains(QLatin1String("strategy")), qPrintable(invalid.message));
    }

    void requestWithoutIdIsRejected()
    {
        const QByteArray frame = OperatorCodec::encodeRequest({0, Op::ListNodes{}});
        QVERIFY(!OperatorCodec::decodeRequest(frame));
    }
};

QTEST_GUILESS_MAIN(tst_OperatorCodec)
#include "tst_operatorcodec.moc"
