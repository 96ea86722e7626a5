// Deployments and desired state, control-plane side, end to end: the real control plane
// in-process on an ephemeral port, real SQLite, real blobs and AOT builds, and agents
// that speak /v1/agent over real WebSockets with real ed25519 keys (frame by frame, so
// the test sees exactly what the protocol carries).
#include "rawagent.h"

#include "agentchannelcodec.h"
#include "clientcalls.h"
#include "controlplane.h"
#include "deploymentservice.h"
#include "keelclient.h"
#include "nodeselector.h"

#include "keel/v1/artifactsignature.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <sodium.h>

using namespace Keel;
using namespace Keel::Testing;
using Keel::Testing::RawAgent;
using Keel::Testing::verify;

namespace {

QByteArray sample(const char *name) { return readFile(QStringLiteral(KEEL_SAMPLE_COMPONENTS_DIR "/") + QLatin1String(name)); }

bool names(const DesiredState &state, const QString &component)
{
    return std::any_of(state.components.cbegin(), state.components.cend(),
                       [&](const ComponentRef &ref) { return ref.manifest.name == component; });
}

} // namespace

class tst_Deployments : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ControlPlane> m_cp;
    std::unique_ptr<KeelClient> m_client;
    RawAgent m_eu{QStringLiteral("edge-eu-1"), QStringLiteral("eu-west")};
    RawAgent m_us{QStringLiteral("edge-us-1"), QStringLiteral("us-east")};

    QString joinToken(const QString &region)
    {
        const auto token = await<JoinToken>([&](auto done) { m_client->createJoinToken(region, 1, 0, done); });
        return token && !errorOf(*token) ? std::get<JoinToken>(*token).token : QString();
    }

    std::optional<Node> node(const QString &name)
    {
        const auto n = await<Node>([&](auto done) { m_client->getNode(name, done); });
        if (!n || errorOf(*n))
            return std::nullopt;
        return std::get<Node>(*n);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(sodium_init() >= 0);
        ControlPlaneOptions options;
        options.dataDir = m_dir.filePath(QStringLiteral("cp"));
        options.listenPort = 0;
        options.aotTool = QStringLiteral(KEEL_AOT_TOOL);
        QString error;
        m_cp = ControlPlane::start(options, &error);
        QVERIFY2(m_cp, qPrintable(error));
        m_client = std::make_unique<KeelClient>();
        m_client->open(QUrl(m_cp->url() + QStringLiteral("/v1/operator")),
                       QString::fromUtf8(readFile(m_cp->adminTokenPath()).trimmed()));
        const auto applied = await<TopologyApplied>([&](auto done) {
            m_client->applyTopology({{QStringLiteral("eu-west"), QStringLiteral("EU"), 53.3, -6.3, {}},
                                     {QStringLiteral("us-east"), QStringLiteral("US"), 39.0, -77.5, {}}},
                                    done);
        });
        QVERIFY(applied && !errorOf(*applied));
        QVERIFY(m_eu.connect(m_cp->url(), joinToken(QStringLiteral("eu-west"))));
        QVERIFY(m_us.connect(m_cp->url(), joinToken(QStringLiteral("us-east"))));
        // Every node gets its (empty) set right after Welcome.
        QVERIFY(m_eu.desiredState([](const DesiredState &s) { return s.components.isEmpty(); }));
        QVERIFY(m_us.desiredState([](const DesiredState &s) { return s.components.isEmpty(); }));
    }

    void selectorsParseAndMatch_data()
    {
        QTest::addColumn<QString>("selector");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("matchesEu");
        QTest::newRow("all") << "all" << true << true;
        QTest::newRow("region") << "region=eu-west" << true << true;
        QTest::newRow("other region") << "region=us-east" << true << false;
        QTest::newRow("jurisdiction") << "jurisdiction=EU" << true << true;
        QTest::newRow("two terms") << "jurisdiction=EU,tier=edge" << true << true;
        QTest::newRow("label missing") << "jurisdiction=EU,tier=core" << true << false;
        QTest::newRow("name") << "name=edge-eu-1" << true << true;
        QTest::newRow("empty") << "" << false << false;
        QTest::newRow("no value") << "region" << false << false;
        QTest::newRow("double equals") << "region=a=b" << false << false;
        QTest::newRow("twice") << "region=a,region=b" << false << false;
        QTest::newRow("bad key") << "Region!=x" << false << false;
    }

    void selectorsParseAndMatch()
    {
        QFETCH(QString, selector);
        QFETCH(bool, valid);
        QFETCH(bool, matchesEu);
        Node eu;
        eu.name = QStringLiteral("edge-eu-1");
        eu.region = QStringLiteral("eu-west");
        eu.jurisdiction = QStringLiteral("EU");
        eu.labels.insert(QStringLiteral("tier"), QStringLiteral("edge"));
        const auto parsed = NodeSelector::parse(selector);
        QCOMPARE(std::holds_alternative<NodeSelector>(parsed), valid);
        if (valid)
            QCOMPARE(std::get<NodeSelector>(parsed).matches(eu), matchesEu);
        else
            QVERIFY(!std::get<QString>(parsed).isEmpty());
    }

    void deployReachesOnlyMatchingNodesWithSignedArtifacts()
    {
        const QByteArray hash = sample("hash.wasm");
        Manifest manifest;
        manifest.name = QStringLiteral("hash");
        manifest.version = QStringLiteral("1.0.0");
        manifest.abi = ComponentAbi::Keel;
        const auto pushed = await<PushedComponent>([&](auto done) { m_client->pushComponent(manifest, hash, done); });
        QVERIFY(pushed && !errorOf(*pushed));

        const auto matched = await<int>([&](auto done) {
            m_client->deploy(QStringLiteral("hash"), QStringLiteral("1.0.0"), QStringLiteral("jurisdiction=EU"), done);
        });
        QVERIFY(matched && !errorOf(*matched));
        QCOMPARE(std::get<int>(*matched), 1);

        const auto euState = m_eu.desiredState([](const DesiredState &s) { return names(s, QStringLiteral("hash")); });
        QVERIFY(euState);
        // The node's own generation, moved on by this change (to at least the revision).
        QVERIFY(euState->generation >= m_cp->deployments().revision());
        QCOMPARE(node(QStringLiteral("edge-eu-1"))->desiredGeneration, euState->generation);
        const QList<quint64> usBefore = m_us.generations();
        // The whole state is signed for this node: names, grants and generation included.
        const std::string bytes = euState->signedBytes.toStdString();
        QVERIFY(verify(m_eu.controlPlaneKey(), keel::v1::stateSignatureMessage("edge-eu-1", bytes), euState->signature));
        QVERIFY(!verify(m_eu.controlPlaneKey(), keel::v1::stateSignatureMessage("edge-us-1", bytes), euState->signature));
        const ComponentRef &ref = euState->components.first();
        QCOMPARE(ref.manifest, manifest);
        QCOMPARE(ref.moduleSize, quint64(hash.size()));
        QVERIFY(verify(m_eu.controlPlaneKey(), keel::v1::moduleSignatureMessage(ref.moduleDigest.toStdString()), ref.moduleSignature));
        // Generations are per node: the US node's set did not change, so it hears nothing
        // (checked again below, after the EU node's next generation has arrived).
        QVERIFY(!usBefore.isEmpty());

        // The module comes in chunks and hashes to its digest.
        const auto module = m_eu.fetch(ref.moduleDigest);
        QVERIFY(std::holds_alternative<QByteArray>(module));
        QCOMPARE(std::get<QByteArray>(module), hash);
        // The other node may not read it: it is not in its desired state.
        const auto stolen = m_us.fetch(ref.moduleDigest);
        QVERIFY(std::holds_alternative<WireError>(stolen));
        QCOMPARE(std::get<WireError>(stolen).code, ErrorCode::NotFound);

        // Once the AOT object is built the EU node gets a new generation naming it.
        const auto withAot = m_eu.desiredState([](const DesiredState &s) {
            return names(s, QStringLiteral("hash")) && !s.components.first().aotDigest.isEmpty();
        }, 120000);
        QVERIFY(withAot);
        const ComponentRef &aot = withAot->components.first();
        QCOMPARE(aot.aotTarget, QStringLiteral("x86_64-linux-gnu"));
        QVERIFY(verify(m_eu.controlPlaneKey(),
                       keel::v1::aotSignatureMessage(aot.aotDigest.toStdString(), aot.moduleDigest.toStdString(),
                                                     aot.aotTarget.toStdString()),
                       aot.aotSignature));
        const auto object = m_eu.fetch(aot.aotDigest);
        QVERIFY(std::holds_alternative<QByteArray>(object));
        QCOMPARE(quint64(std::get<QByteArray>(object).size()), aot.aotSize);
        QCOMPARE(QStringLiteral("sha256:") + QString::fromLatin1(QCryptographicHash::hash(std::get<QByteArray>(object), QCryptographicHash::Sha256).toHex()),
                 aot.aotDigest);
        // Neither the deploy nor the finished build changed the US node's set: it was sent
        // no new generation, and shows the one it had.
        QCOMPARE(m_us.generations(), usBefore);
        QCOMPARE(node(QStringLiteral("edge-us-1"))->desiredGeneration, usBefore.last());
        QVERIFY(withAot->generation > euState->generation);
    }

    void acksAndRefusalsAreRecordedAndShown()
    {
        QSignalSpy acks(m_client.get(), &KeelClient::stateAckRecorded);
        const auto watching = await<quint64>([&](auto done) { m_client->watch({WatchTopic::Deployments}, 0, done); });
        QVERIFY(watching && !errorOf(*watching));
        const quint64 generation = node(QStringLiteral("edge-eu-1"))->desiredGeneration;
        m_eu.ack({generation, true, {{QStringLiteral("hash"), QStringLiteral("1.0.0"), ComponentStatus::State::Running, RuntimeTier::Aot, {}}}});
        QTRY_COMPARE_WITH_TIMEOUT(acks.size(), 1, 5000);
        auto shown = node(QStringLiteral("edge-eu-1"));
        QVERIFY(shown);
        QCOMPARE(shown->desiredGeneration, generation);
        QCOMPARE(shown->ackedGeneration, generation);
        QCOMPARE(shown->components.size(), 1);
        QCOMPARE(shown->components.first().state, ComponentStatus::State::Running);
        QCOMPARE(shown->components.first().tier, std::optional<RuntimeTier>(RuntimeTier::Aot));

        // A refusal keeps the last good generation and shows why.
        m_eu.ack({generation + 1, false,
                  {{QStringLiteral("hash"), QStringLiteral("1.0.0"), ComponentStatus::State::Failed, {}, QStringLiteral("import keel:platform/kv not granted")}}});
        QTRY_COMPARE_WITH_TIMEOUT(acks.size(), 2, 5000);
        QVERIFY(!acks.last().first().value<StateAckRecord>().ack.applied);
        shown = node(QStringLiteral("edge-eu-1"));
        QVERIFY(shown);
        QCOMPARE(shown->ackedGeneration, generation);
        QCOMPARE(shown->components.size(), 2);
        QCOMPARE(shown->components.last().state, ComponentStatus::State::Failed);
        QVERIFY(shown->components.last().error.contains(QLatin1String("not granted")));
    }

    void reconnectGetsTheFullSetAgain()
    {
        const quint64 generation = node(QStringLiteral("edge-eu-1"))->desiredGeneration;
        m_eu.drop();
        QVERIFY(m_eu.connect(m_cp->url()));
        const auto state = m_eu.desiredState([&](const DesiredState &s) { return s.generation == generation; });
        QVERIFY(state);
        QVERIFY(names(*state, QStringLiteral("hash")));
    }

    void listsNodesBySelector()
    {
        const auto eu = await<QList<Node>>([&](auto done) { m_client->listNodes(QStringLiteral("jurisdiction=EU"), done); });
        QVERIFY(eu && !errorOf(*eu));
        QCOMPARE(std::get<QList<Node>>(*eu).size(), 1);
        QCOMPARE(std::get<QList<Node>>(*eu).first().name, QStringLiteral("edge-eu-1"));
        const auto bad = await<QList<Node>>([&](auto done) { m_client->listNodes(QStringLiteral("jurisdiction"), done); });
        QVERIFY(bad && errorOf(*bad));
        QCOMPARE(errorOf(*bad)->code, ErrorCode::BadRequest);
    }

    void badDeploymentsAreRefused()
    {
        const quint64 before = m_cp->deployments().revision();
        const auto unknown = await<int>([&](auto done) {
            m_client->deploy(QStringLiteral("hash"), QStringLiteral("9.9.9"), QStringLiteral("all"), done);
        });
        QVERIFY(unknown && errorOf(*unknown));
        QCOMPARE(errorOf(*unknown)->code, ErrorCode::NotFound);
        const auto selector = await<int>([&](auto done) {
            m_client->deploy(QStringLiteral("hash"), QStringLiteral("1.0.0"), QStringLiteral("jurisdiction"), done);
        });
        QVERIFY(selector && errorOf(*selector));
        QCOMPARE(errorOf(*selector)->code, ErrorCode::BadRequest);
        QCOMPARE(errorOf(*selector)->field, QStringLiteral("selector"));
        const auto notDeployed = await<int>([&](auto done) { m_client->undeploy(QStringLiteral("echo"), QStringLiteral("all"), done); });
        QVERIFY(notDeployed && errorOf(*notDeployed));
        QCOMPARE(m_cp->deployments().revision(), before);
    }

    void undeployRemovesItFromMatchingNodesOnly()
    {
        const auto deployed = await<int>([&](auto done) {
            m_client->deploy(QStringLiteral("hash"), QStringLiteral("1.0.0"), QStringLiteral("all"), done);
        });
        QVERIFY(deployed && !errorOf(*deployed));
        QCOMPARE(std::get<int>(*deployed), 2);
        QVERIFY(m_us.desiredState([](const DesiredState &s) { return names(s, QStringLiteral("hash")); }));
        const QList<quint64> euBefore = m_eu.generations(); // hash was already there: nothing new
        const auto removed = await<int>([&](auto done) {
            m_client->undeploy(QStringLiteral("hash"), QStringLiteral("region=us-east"), done);
        });
        QVERIFY(removed && !errorOf(*removed));
        const quint64 generation = node(QStringLiteral("edge-us-1"))->desiredGeneration;
        QVERIFY(generation >= m_cp->deployments().revision());
        const auto us = m_us.desiredState([&](const DesiredState &s) { return s.generation == generation; });
        QVERIFY(us);
        QVERIFY(!names(*us, QStringLiteral("hash")));
        QCOMPARE(m_eu.generations(), euBefore);
        QVERIFY(names(m_cp->deployments().desiredFor(*m_cp->fleet().node(QStringLiteral("edge-eu-1"))), QStringLiteral("hash")));
        QCOMPARE(node(QStringLiteral("edge-eu-1"))->desiredGeneration, euBefore.last());
    }

    // ListDeployments: the rules in the order they apply, who made each and how many
    // nodes each matches now; one component's only when asked.
    void listsTheRulesInOrder()
    {
        const auto listed = await<QList<DeploymentRule>>([&](auto done) { m_client->listDeployments({}, done); });
        QVERIFY2(listed && !errorOf(*listed), qPrintable(why(listed)));
        const auto &rules = std::get<QList<DeploymentRule>>(*listed);
        QCOMPARE(rules.size(), 3);
        QCOMPARE(rules.at(0).deployment.selector, QStringLiteral("jurisdiction=EU"));
        QCOMPARE(rules.at(0).deployment.version, QStringLiteral("1.0.0"));
        QCOMPARE(rules.at(0).nodesMatched, 1);
        QCOMPARE(rules.at(1).deployment.selector, QStringLiteral("all"));
        QCOMPARE(rules.at(1).nodesMatched, 2);
        QCOMPARE(rules.at(2).deployment.selector, QStringLiteral("region=us-east"));
        QVERIFY(rules.at(2).deployment.version.isEmpty());
        QCOMPARE(rules.at(2).nodesMatched, 1);
        for (qsizetype i = 0; i < rules.size(); ++i) {
            QCOMPARE(rules.at(i).deployment.createdBy, QStringLiteral("token:bootstrap-admin"));
            QVERIFY(rules.at(i).deployment.created.isValid());
            if (i > 0)
                QVERIFY(rules.at(i).deployment.sequence > rules.at(i - 1).deployment.sequence);
        }
        QCOMPARE(rules, m_cp->deployments().rules());
        const auto echo = await<QList<DeploymentRule>>([&](auto done) { m_client->listDeployments(QStringLiteral("echo"), done); });
        QVERIFY(echo && !errorOf(*echo));
        QVERIFY(std::get<QList<DeploymentRule>>(*echo).isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_Deployments)
#include "tst_deployments.moc"
