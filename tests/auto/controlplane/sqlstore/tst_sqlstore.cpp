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

    // A rollout is a document: what is written is what a restarted control plane reads,
    // every field of every wave and gate included.
    void rolloutsSurviveAReopenWhole()
    {
        Rollout rollout;
        rollout.id = QStringLiteral("r-0a1b2c");
        rollout.spec.component = QStringLiteral("hash");
        rollout.spec.version = QStringLiteral("2.0.0");
        rollout.spec.strategy = RolloutStrategy::Canary;
        rollout.spec.steps = {{1, 0}, {0, 50}};
        rollout.spec.orderByJurisdiction = true;
        rollout.spec.gates.maxP99Ms = 250;
        rollout.spec.gates.maxErrorRate = std::nullopt;
        rollout.baselineVersion = QStringLiteral("1.0.0");
        rollout.state = RolloutState::Paused;
        rollout.created = QDateTime::fromMSecsSinceEpoch(1'800'000'000'123, Qt::UTC);
        rollout.updated = rollout.created.addSecs(5);
        rollout.deadline = rollout.created.addSecs(3600);
        rollout.paused = rollout.created.addSecs(4);
        rollout.createdBy = QStringLiteral("token:ci");
        rollout.message = QStringLiteral("paused after step 1");
        RolloutWave wave;
        wave.index = wave.step = 1;
        wave.regions = {QStringLiteral("eu-west")};
        wave.nodes = {QStringLiteral("edge-eu-1")};
        wave.state = WaveState::Passed;
        wave.started = rollout.created;
        wave.bakeStarted = rollout.created.addSecs(1);
        wave.finished = rollout.created.addSecs(3);
        wave.gates = {{QStringLiteral("p99_ms"), 12.5, 250, true, true, 44, QStringLiteral("p99 12.5 ms")}};
        RolloutWave next;
        next.index = next.step = 2;
        next.regions = {QStringLiteral("us-east")};
        next.nodes = {QStringLiteral("edge-us-1")};
        rollout.waves = {wave, next};
        rollout.failure = {QStringLiteral("ack"), {QStringLiteral("edge-us-1")}, 0, 0, QStringLiteral("edge-us-1 refused it")};
        {
            SqlStore store(path("rollouts.db"));
            store.rollouts().putRollout(rollout);
            rollout.state = RolloutState::Progressing; // a later transition replaces the row
            store.rollouts().putRollout(rollout);
        }
        SqlStore again(path("rollouts.db"));
        const QList<Rollout> read = again.rollouts().rollouts();
        QCOMPARE(read.size(), 1);
        QCOMPARE(read.first(), rollout);
    }

    void policyVersionsAndSkippedNodesSurviveAReopen()
    {
        ResidencyPolicy policy;
        policy.name = "fleet";
        policy.defaultSubject = "EU";
        policy.rules = {{"eu-pii", "pii", {"EU"}, {"EU"}, ResidencyMode::Enforce},
                        {"health", "health", {"*"}, {"US", "CA"}, ResidencyMode::Audit}};
        policy.version = 1;
        policy.appliedUnixMs = 1764500000000;
        policy.appliedBy = "token:ci";
        ResidencyPolicy second = policy;
        second.rules.pop_back();
        second.version = 2;
        Deployment rule{0, QStringLiteral("crm"), QStringLiteral("1.0.0"), QStringLiteral("all"),
                        QDateTime::fromMSecsSinceEpoch(1764500000000, Qt::UTC), QStringLiteral("token:ci"),
                        {QStringLiteral("edge-in-1"), QStringLiteral("edge-us-1")}};
        {
            SqlStore store(path("policies.db"));
            store.policies().addPolicy({policy, QStringLiteral("added eu-pii; added health")});
            store.policies().addPolicy({second, QStringLiteral("removed health")});
            // A version is written once.
            QVERIFY_THROWS_EXCEPTION(StoreError, store.policies().addPolicy({second, QString()}));
            rule = store.deployments().putDeployment(rule);
        }
        SqlStore again(path("policies.db"));
        const QList<StoredPolicy> read = again.policies().policies();
        QCOMPARE(read.size(), 2);
        QVERIFY(read.first().policy.sameRules(policy));
        QCOMPARE(read.first().policy.version, 1u);
        QCOMPARE(read.first().policy.appliedBy, std::string("token:ci"));
        QCOMPARE(read.first().policy.appliedUnixMs, policy.appliedUnixMs);
        QCOMPARE(read.last().diff, QStringLiteral("removed health"));
        QVERIFY(read.last().policy.sameRules(second));
        QCOMPARE(again.deployments().deployments(), QList<Deployment>{rule});
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
        AccessStore &access = store.access();
        QCOMPARE(access.operatorTokenCount(), 0);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        access.addOperatorToken(token("id1", 'h', "ci", Role::Operator, now, now.addSecs(3600)));
        QCOMPARE(access.operatorTokenCount(), 1);
        const auto found = access.operatorToken(QByteArray(32, 'h'));
        QVERIFY(found);
        QCOMPARE(found->role, Role::Operator);
        QCOMPARE(found->name, QStringLiteral("ci"));
        QCOMPARE(found->expires.toMSecsSinceEpoch(), now.addSecs(3600).toMSecsSinceEpoch());
        QVERIFY(!found->revoked);
        QVERIFY(!access.operatorToken(QByteArray(32, 'x')));
    }

    void duplicateOperatorTokenIsAStoreError()
    {
        SqlStore store(path("d.db"));
        const OperatorTokenRecord record = token("id1", 'h', "a", Role::Admin, {}, {});
        store.access().addOperatorToken(record);
        QVERIFY_THROWS_EXCEPTION(StoreError, store.access().addOperatorToken(record));
    }

    void revokeKeepsTheLastUsableAdmin()
    {
        SqlStore store(path("r.db"));
        AccessStore &access = store.access();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        access.addOperatorToken(token("admin1", 'a', "first", Role::Admin, now, {}));
        access.addOperatorToken(token("admin2", 'b', "expired", Role::Admin, now, now.addSecs(-10)));
        access.addOperatorToken(token("op", 'c', "ci", Role::Operator, now, {}));
        QCOMPARE(access.revokeOperatorToken(QStringLiteral("nope"), now), AccessStore::Revoke::Unknown);
        QCOMPARE(access.revokeOperatorToken(QStringLiteral("op"), now), AccessStore::Revoke::Revoked);
        QCOMPARE(access.revokeOperatorToken(QStringLiteral("op"), now), AccessStore::Revoke::AlreadyRevoked);
        // The expired admin token does not count as a usable one.
        QCOMPARE(access.revokeOperatorToken(QStringLiteral("admin1"), now), AccessStore::Revoke::LastAdmin);
        QVERIFY(!access.operatorToken(QByteArray(32, 'a'))->revoked);
        access.addOperatorToken(token("admin3", 'd', "second", Role::Admin, now, {}));
        QCOMPARE(access.revokeOperatorToken(QStringLiteral("admin1"), now), AccessStore::Revoke::Revoked);
        QVERIFY(access.operatorToken(QByteArray(32, 'a'))->revoked);
        QCOMPARE(access.operatorTokens().size(), 4);
    }

    void auditAppendsPagesAndPrunes()
    {
        SqlStore store(path("audit.db"));
        AccessStore &access = store.access();
        QCOMPARE(access.lastAuditSequence(), quint64(0));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (quint64 i = 1; i <= 5; ++i) {
            access.appendAudit({i, now.addDays(i == 1 ? -400 : 0).addMSecs(qint64(i)), QStringLiteral("token:ci"),
                                QStringLiteral("id"), QStringLiteral("deploy"), QStringLiteral("hash@%1").arg(i),
                                QStringLiteral("ok")});
        }
        QCOMPARE(access.lastAuditSequence(), quint64(5));
        const auto all = access.audit({}, 0, 100);
        QCOMPARE(all.size(), 5);
        QCOMPARE(all.first().sequence, quint64(1));
        QCOMPARE(all.last().target, QStringLiteral("hash@5"));
        const auto page = access.audit({}, 2, 2);
        QCOMPARE(page.size(), 2);
        QCOMPARE(page.first().sequence, quint64(3));
        QCOMPARE(access.audit(now.addDays(-1), 0, 100).size(), 4);
        // A sequence is never reused.
        QVERIFY_THROWS_EXCEPTION(StoreError, access.appendAudit(all.first()));
        QCOMPARE(access.pruneAudit(now.addDays(-365)), 1);
        QCOMPARE(access.audit({}, 0, 100).size(), 4);
        QCOMPARE(access.lastAuditSequence(), quint64(5));
    }

private:
    static OperatorTokenRecord token(const char *id, char hash, const char *name, Role role, const QDateTime &created,
                                     const QDateTime &expires)
    {
        OperatorTokenRecord record;
        record.id = QLatin1String(id);
        record.tokenHash = QByteArray(32, hash);
        record.name = QLatin1String(name);
        record.role = role;
        record.created = created;
        record.expires = expires;
        return record;
    }
};

QTEST_GUILESS_MAIN(tst_SqlStore)
#include "tst_sqlstore.moc"
