#include "agentchannelcodec.h"

#include "keel/v1/keel.pb.h"

#include <QTest>

using namespace Keel;

class tst_AgentChannelCodec : public QObject
{
    Q_OBJECT

private slots:
    void helloRoundTrip()
    {
        AgentHello hello;
        hello.nodeName = QStringLiteral("edge-1");
        hello.region = QStringLiteral("eu-west");
        hello.site = QStringLiteral("dub-1");
        hello.labels = {{QStringLiteral("tier"), QStringLiteral("edge")}};
        hello.tiers = {RuntimeTier::Interpreter, RuntimeTier::Aot};
        hello.publicKey = QByteArray(32, 'k');
        hello.joinToken = QStringLiteral("kjt_x");
        hello.httpEndpoint = QStringLiteral("127.0.0.1:8080");
        auto decoded = AgentChannelCodec::decode(AgentChannelCodec::encodeHello(1, hello));
        QVERIFY2(decoded, qPrintable(decoded.error));
        QCOMPARE(decoded.value->requestId, 1u);
        const auto &back = std::get<AgentHello>(decoded.value->body);
        QCOMPARE(back.nodeName, hello.nodeName);
        QCOMPARE(back.labels, hello.labels);
        QCOMPARE(back.tiers, hello.tiers);
        QCOMPARE(back.publicKey, hello.publicKey);
        QCOMPARE(back.httpEndpoint, hello.httpEndpoint);
    }

    void desiredStateRoundTripWithStandbyAndHealthPath()
    {
        // What the control plane signs and sends, read back as tools that speak as an
        // agent read it.
        ComponentRef served;
        served.manifest.name = QStringLiteral("hash");
        served.manifest.version = QStringLiteral("2.0.0");
        served.manifest.abi = ComponentAbi::Keel;
        served.manifest.grants = {QStringLiteral("log")};
        served.manifest.limits.deadlineMs = 10000;
        served.manifest.config = {{QStringLiteral("k"), QStringLiteral("v")}};
        served.manifest.healthPath = QStringLiteral("/healthz");
        served.moduleDigest = QStringLiteral("sha256:") + QString(64, u'a');
        served.moduleSize = 1234;
        served.moduleSignature = QByteArray(64, 's');
        served.aotDigest = QStringLiteral("sha256:") + QString(64, u'b');
        served.aotSize = 99;
        served.aotSignature = QByteArray(64, 't');
        served.aotTarget = QStringLiteral("x86_64-linux-gnu");
        ComponentRef baseline = served;
        baseline.manifest.version = QStringLiteral("1.0.0");
        baseline.manifest.healthPath.clear();
        baseline.moduleDigest = QStringLiteral("sha256:") + QString(64, u'c');
        baseline.aotDigest.clear();
        baseline.aotSize = 0;
        baseline.aotSignature.clear();
        baseline.aotTarget.clear();
        DesiredState state;
        state.generation = 9;
        state.components = {served};
        state.standby = {baseline};

        QByteArray signedMessage;
        const QByteArray frame = AgentChannelCodec::encodeDesiredState(state, QStringLiteral("edge-1"), [&](const QByteArray &message) {
            signedMessage = message;
            return QByteArray(64, 'z');
        });
        auto decoded = AgentChannelCodec::decodeFromServer(frame);
        QVERIFY2(decoded, qPrintable(decoded.error));
        const auto &back = std::get<DesiredState>(*decoded.value);
        QCOMPARE(back.generation, 9u);
        QCOMPARE(back.components, state.components);
        QCOMPARE(back.standby, state.standby);
        QCOMPARE(back.components.front().manifest.healthPath, QStringLiteral("/healthz"));
        QCOMPARE(back.signature, QByteArray(64, 'z'));
        // The signature covers the standby as much as the served set.
        QVERIFY(signedMessage.endsWith(back.signedBytes));
        keel::v1::DesiredState parsed;
        QVERIFY(parsed.ParseFromArray(back.signedBytes.constData(), int(back.signedBytes.size())));
        QCOMPARE(parsed.standby_size(), 1);
        QCOMPARE(parsed.standby(0).manifest().version(), std::string("1.0.0"));
    }

    void heartbeatAndProof()
    {
        auto hb = AgentChannelCodec::decode(AgentChannelCodec::encodeHeartbeat({123, 4}));
        QVERIFY(hb);
        QCOMPARE(std::get<AgentHeartbeat>(hb.value->body).appliedGeneration, 4u);
        auto proof = AgentChannelCodec::decode(AgentChannelCodec::encodeProof(2, {QByteArray(64, 's')}));
        QVERIFY(proof);
        QCOMPARE(std::get<AgentProof>(proof.value->body).signature.size(), 64);
    }

    void unspecifiedTierIsRejected()
    {
        keel::v1::Envelope envelope;
        envelope.mutable_hello()->set_node_name("edge-1");
        envelope.mutable_hello()->add_tiers(keel::v1::RUNTIME_TIER_UNSPECIFIED);
        const std::string bytes = envelope.SerializeAsString();
        QVERIFY(!AgentChannelCodec::decode(QByteArrayView(bytes.data(), qsizetype(bytes.size()))));
    }

    void operatorMessagesAreNotValidOnAgentPath()
    {
        keel::v1::Envelope envelope;
        envelope.set_request_id(1);
        envelope.mutable_operator_request()->mutable_list_nodes();
        const std::string bytes = envelope.SerializeAsString();
        auto decoded = AgentChannelCodec::decode(QByteArrayView(bytes.data(), qsizetype(bytes.size())));
        QVERIFY(!decoded);
        QVERIFY(decoded.error.contains(QLatin1String("/v1/agent")));
    }

    void emptyEnvelopeIsRejected()
    {
        keel::v1::Envelope envelope;
        envelope.set_request_id(1);
        const std::string bytes = envelope.SerializeAsString();
        QVERIFY(!AgentChannelCodec::decode(QByteArrayView(bytes.data(), qsizetype(bytes.size()))));
    }

    void metricsReportsRoundTripAndBadHistogramsAreRefused()
    {
        MetricsReport report;
        report.windowStart = QDateTime::fromMSecsSinceEpoch(1795700000000, Qt::UTC);
        report.windowEnd = report.windowStart.addMSecs(2000);
        report.rssBytes = 9 << 20;
        ComponentMetricsDelta delta;
        delta.component = QStringLiteral("hash");
        delta.version = QStringLiteral("1.0.0");
        delta.tier = RuntimeTier::Aot;
        delta.latency = {{0.001, 0.01, 0.1}, {5, 3, 1, 1}, 0.25, 10};
        delta.requests = 10;
        delta.errors = 1;
        report.components.append(delta);
        auto decoded = AgentChannelCodec::decode(AgentChannelCodec::encodeMetricsReport(report));
        QVERIFY2(decoded, qPrintable(decoded.error));
        QCOMPARE(std::get<MetricsReport>(decoded.value->body), report);

        MetricsReport wrongCount = report;
        wrongCount.components[0].latency.count = 11; // not the sum of the buckets
        QVERIFY(!AgentChannelCodec::decode(AgentChannelCodec::encodeMetricsReport(wrongCount)));
        MetricsReport descending = report;
        descending.components[0].latency.upperBounds = {0.1, 0.01, 0.001};
        QVERIFY(!AgentChannelCodec::decode(AgentChannelCodec::encodeMetricsReport(descending)));
        MetricsReport missingBucket = report;
        missingBucket.components[0].latency.counts.removeLast();
        QVERIFY(!AgentChannelCodec::decode(AgentChannelCodec::encodeMetricsReport(missingBucket)));
    }
};

QTEST_GUILESS_MAIN(tst_AgentChannelCodec)
#include "tst_agentchannelcodec.moc"
