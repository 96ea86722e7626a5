#include "fleetservice.h"
#include "secrets.h"
#include "servermetrics.h"
#include "sqlstore.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Keel;

// FleetService over a real SQLite store with an injected clock: liveness is driven by
// moving the clock and calling sweep(), never by waiting.
class tst_FleetService : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_store;
    std::unique_ptr<ServerMetrics> m_metrics;
    std::unique_ptr<FleetService> m_fleet;
    QDateTime m_now = QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC);

    AgentHello hello(const char *name, const QByteArray &key, const QString &token = {}) const
    {
        AgentHello h;
        h.nodeName = QLatin1String(name);
        h.region = QStringLiteral("eu-west");
        h.publicKey = key;
        h.joinToken = token;
        h.tiers = {RuntimeTier::Interpreter};
        return h;
    }

private slots:
    void initTestCase() { QVERIFY(Secrets::initialize()); }

    void init()
    {
        m_fleet.reset();
        m_store = std::make_unique<SqlStore>(m_dir.filePath(QStringLiteral("%1.db").arg(QTest::currentTestFunction())));
        m_metrics = std::make_unique<ServerMetrics>();
        m_fleet = std::make_unique<FleetService>(*m_store, *m_metrics, FleetOptions{1000, 3000, 60000}, [this] { return m_now; });
        QVERIFY(std::holds_alternative<TopologyApplied>(m_fleet->applyTopology(
            {{QStringLiteral("eu-west"), QStringLiteral("EU"), 53, -6, {QStringLiteral("dub-1")}}})));
    }

    void enrollConsumesTheJoinToken()
    {
        auto token = std::get<JoinToken>(m_fleet->createJoinToken(QStringLiteral("eu-west"), 1, 0));
        QSignalSpy changes(m_fleet.get(), &FleetService::nodeChanged);
        const QByteArray key(32, 'a');
        QVERIFY(!m_fleet->checkHello(hello("edge-1", key, token.token)));
        auto node = m_fleet->admit(hello("edge-1", key, token.token));
        QVERIFY(std::holds_alternative<Node>(node));
        QCOMPARE(std::get<Node>(node).jurisdiction, QStringLiteral("EU"));
        QCOMPARE(std::get<Node>(node).status, NodeStatus::Ready);
        QCOMPARE(changes.size(), 1);
        QCOMPARE(changes.first().first().value<NodeChange>().kind, NodeChange::Kind::Joined);

        // The token is spent: another node cannot use it.
        auto second = m_fleet->admit(hello("edge-2", QByteArray(32, 'b'), token.token));
        QCOMPARE(std::get<WireError>(second).code, ErrorCode::JoinTokenInvalid);
        QVERIFY(std::get<WireError>(second).message.contains(QLatin1String("used up")));
    }

    void knownNodeReconnectsWithItsKeyAlone()
    {
        auto token = std::get<JoinToken>(m_fleet->createJoinToken(QStringLiteral("eu-west"), 1, 0));
        const QByteArray key(32, 'a');
        QVERIFY(std::holds_alternative<Node>(m_fleet->admit(hello("edge-1", key, token.token))));
        QVERIFY(!m_fleet->checkHello(hello("edge-1", key)));
        QVERIFY(std::holds_alternative<Node>(m_fleet->admit(hello("edge-1", key))));
    }

    void nameClaimedWithAnotherKeyIsRefused()
    {
        auto token = std::get<JoinToken>(m_fleet->createJoinToken(QStringLiteral("eu-west"), 2, 0));
        QVERIFY(std::holds_alternative<Node>(m_fleet->admit(hello("edge-1", QByteArray(32, 'a'), token.token))));
        auto error = m_fleet->checkHello(hello("edge-1", QByteArray(32, 'z'), token.token));
        QVERIFY(error);
        QCOMPARE(error->code, ErrorCode::Conflict);
        QVERIFY(error->message.contains(QLatin1String("another key")));
    }

    void newNodeWithoutTokenIsRefused()
    {
        auto error = m_fleet->checkHello(hello("edge-9", QByteArray(32, 'a')));
        QVERIFY(error);
        QCOMPARE(error->code, ErrorCode::JoinTokenInvalid);
    }

    void badHelloFieldsAreRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("region");
        QTest::addColumn<QString>("site");
        QTest::addColumn<int>("keyBytes");
        QTest::newRow("bad name") << "Edge_1" << "eu-west" << "" << 32;
        QTest::newRow("unknown region") << "edge-1" << "mars-1" << "" << 32;
        QTest::newRow("unknown site") << "edge-1" << "eu-west" << "fra-9" << 32;
        QTest::newRow("short key") << "edge-1" << "eu-west" << "" << 7;
    }

    void badHelloFieldsAreRefused()
    {
        QFETCH(QString, name);
        QFETCH(QString, region);
        QFETCH(QString, site);
        QFETCH(int, keyBytes);
        AgentHello h = hello("x", QByteArray(keyBytes, 'k'), QStringLiteral("kjt_x"));
        h.nodeName = name;
        h.region = region;
        h.site = site;
        auto error = m_fleet->checkHello(h);
        QVERIFY(error);
        QCOMPARE(error->code, ErrorCode::BadRequest);
    }

    void silenceBeyondGraceMakesANodeUnreachable()
    {
        auto token = std::get<JoinToken>(m_fleet->createJoinToken(QStringLiteral("eu-west"), 1, 0));
        QVERIFY(std::holds_alternative<Node>(m_fleet->admit(hello("edge-1", QByteArray(32, 'a'), token.token))));
        QSignalSpy changes(m_fleet.get(), &FleetService::nodeChanged);

        m_now = m_now.addMSecs(2900);
        m_fleet->sweep();
        QCOMPARE(m_fleet->node(QStringLiteral("edge-1"))->status, NodeStatus::Ready);

        m_now = m_now.addMSecs(200);
        m_fleet->sweep();
        QCOMPARE(m_fleet->node(QStringLiteral("edge-1"))->status, NodeStatus::Unreachable);
        QCOMPARE(changes.size(), 1);
        QCOMPARE(changes.last().first().value<NodeChange>().kind, NodeChange::Kind::Unreachable);

        m_fleet->heartbeat(QStringLiteral("edge-1"));
        QCOMPARE(m_fleet->node(QStringLiteral("edge-1"))->status, NodeStatus::Ready);
        QCOMPARE(changes.last().first().value<NodeChange>().kind, NodeChange::Kind::Ready);
    }

    void lastSeenIsPersistedInBatches()
    {
        auto token = std::get<JoinToken>(m_fleet->createJoinToken(QStringLiteral("eu-west"), 1, 0));
        QVERIFY(std::holds_alternative<Node>(m_fleet->admit(hello("edge-1", QByteArray(32, 'a'), token.token))));
        const QDateTime enrolledAt = m_now;
        m_now = m_now.addSecs(2);
        m_fleet->heartbeat(QStringLiteral("edge-1"));
        QCOMPARE(m_store->node(QStringLiteral("edge-1"))->node.lastSeen, enrolledAt); // not yet written
        m_fleet->flush();
        QCOMPARE(m_store->node(QStringLiteral("edge-1"))->node.lastSeen, m_now);
    }

    void joinTokenForUnknownRegionIsRefused()
    {
        auto result = m_fleet->createJoinToken(QStringLiteral("mars-1"), 1, 0);
        QCOMPARE(std::get<WireError>(result).code, ErrorCode::NotFound);
    }

    void invalidTopologyIsRefusedWithTheField()
    {
        auto result = m_fleet->applyTopology({{QStringLiteral("ok"), QStringLiteral("EU"), 0, 0, {}},
                                              {QStringLiteral("bad"), QStringLiteral("eu"), 0, 0, {}}});
        const auto &error = std::get<WireError>(result);
        QCOMPARE(error.code, ErrorCode::BadRequest);
        QCOMPARE(error.field, QStringLiteral("regions[1]"));
        QCOMPARE(m_fleet->regions().size(), 1); // nothing of the bad request was stored
    }
};

QTEST_GUILESS_MAIN(tst_FleetService)
#include "tst_fleetservice.moc"
