#include "migrations.h"
#include "sqlstore.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Keel;

class tst_SqlStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const char *name) const { return m_dir.filePath(QLatin1String(name)); }

    static Region region(const char *name, const char *jurisdiction, QStringList sites = {})
    {
        return {QLatin1String(name), QLatin1String(jurisdiction), 10, 20, std::move(sites)};
    }

private slots:
    void migratesToNewestAndReopens()
    {
        const int newest = schemaMigrations().constLast().version;
        {
            SqlStore store(path("a.db"));
            QCOMPARE(store.schemaVersion(), newest);
            store.applyTopology({region("eu-west", "EU")}, QDateTime::currentDateTimeUtc());
        }
        SqlStore again(path("a.db"));
        QCOMPARE(again.schemaVersion(), newest);
        QCOMPARE(again.regions().size(), 1);
    }

    void refusesUnopenablePath()
    {
        QVERIFY_THROWS_EXCEPTION(StoreError, SqlStore(QStringLiteral("/proc/no/such/dir/keel.db")));
    }

    void topologyUpsertCounts()
    {
        SqlStore store(path("t.db"));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        auto first = store.applyTopology({region("eu-west", "EU", {QStringLiteral("dub-1")}), region("us-east", "US")}, now);
        QCOMPARE(first.regionsCreated, 2);
        QCOMPARE(first.regionsUpdated, 0);
        QCOMPARE(first.sitesCreated, 1);
        auto second = store.applyTopology({region("eu-west", "EU", {QStringLiteral("dub-1"), QStringLiteral("dub-2")})}, now);
        QCOMPARE(second.regionsCreated, 0);
        QCOMPARE(second.regionsUpdated, 1);
        QCOMPARE(second.sitesCreated, 1);
        const auto eu = store.region(QStringLiteral("eu-west"));
        QVERIFY(eu);
        QCOMPARE(eu->sites, (QStringList{QStringLiteral("dub-1"), QStringLiteral("dub-2")}));
        QCOMPARE(store.regions().size(), 2);
        QVERIFY(!store.region(QStringLiteral("nowhere")));
    }

    void nodesCarryJurisdictionAndLastSeen()
    {
        SqlStore store(path("n.db"));
        const QDateTime now = QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC);
        store.applyTopology({region("ap-south", "IN")}, now);
        NodeRecord record;
        record.node.name = QStringLiteral("edge-1");
        record.node.region = QStringLiteral("ap-south");
        record.node.labels = {{QStringLiteral("tier"), QStringLiteral("edge")}};
        record.node.tiers = {RuntimeTier::Interpreter};
        record.node.enrolled = now;
        record.node.lastSeen = now;
        record.publicKey = QByteArray(32, '\x01');
        store.upsertNode(record);
        store.recordLastSeen({{QStringLiteral("edge-1"), now.addSecs(5)}});
        const auto back = store.node(QStringLiteral("edge-1"));
        QVERIFY(back);
        QCOMPARE(back->node.jurisdiction, QStringLiteral("IN"));
        QCOMPARE(back->node.labels, record.node.labels);
        QCOMPARE(back->node.tiers, record.node.tiers);
        QCOMPARE(back->node.lastSeen, now.addSecs(5));
        QCOMPARE(back->publicKey, record.publicKey);
        QCOMPARE(store.nodes().size(), 1);
    }

    void joinTokenUses()
    {
        SqlStore store(path("j.db"));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        store.applyTopology({region("eu-west", "EU"), region("us-east", "US")}, now);
        store.addJoinToken({QStringLiteral("t1"), QByteArray(32, 'a'), QStringLiteral("eu-west"), 2, now.addSecs(60), now});
        store.addJoinToken({QStringLiteral("t2"), QByteArray(32, 'b'), QStringLiteral("eu-west"), 1, now.addSecs(-1), now});
        QCOMPARE(store.consumeJoinToken(QByteArray(32, 'a'), QStringLiteral("us-east"), now), JoinTokenUse::WrongRegion);
        QCOMPARE(store.consumeJoinToken(QByteArray(32, 'a'), QStringLiteral("eu-west"), now), JoinTokenUse::Consumed);
        QCOMPARE(store.consumeJoinToken(QByteArray(32, 'a'), QStringLiteral("eu-west"), now), JoinTokenUse::Consumed);
        QCOMPARE(store.consumeJoinToken(QByteArray(32, 'a'), QStringLiteral("eu-west"), now), JoinTokenUse::UsedUp);
        QCOMPARE(store.consumeJoinToken(QByteArray(32, 'b'), QStringLiteral("eu-west"), now), JoinTokenUse::Expired);
        QCOMPARE(store.consumeJoinToken(QByteArray(32, 'c'), QStringLiteral("eu-west"), now), JoinTokenUse::Unknown);
    }

    void operatorTokens()
    {
        SqlStore store(path("o.db"));
        QCOMPARE(store.operatorTokenCount(), 0);
        store.addOperatorToken({QStringLiteral("id1"), QByteArray(32, 'h'), QStringLiteral("ci"), Role::Operator,
                                QDateTime::currentDateTimeUtc(), false});
        QCOMPARE(store.operatorTokenCount(), 1);
        const auto token = store.operatorToken(QByteArray(32, 'h'));
        QVERIFY(token);
        QCOMPARE(token->role, Role::Operator);
        QCOMPARE(token->name, QStringLiteral("ci"));
        QVERIFY(!store.operatorToken(QByteArray(32, 'x')));
    }

    void duplicateOperatorTokenIsAStoreError()
    {
        SqlStore store(path("d.db"));
        const OperatorTokenRecord record{QStringLiteral("id1"), QByteArray(32, 'h'), QStringLiteral("a"), Role::Admin, {}, false};
        store.addOperatorToken(record);
        QVERIFY_THROWS_EXCEPTION(StoreError, store.addOperatorToken(record));
    }
};

QTEST_GUILESS_MAIN(tst_SqlStore)
#include "tst_sqlstore.moc"
