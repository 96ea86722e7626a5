#include "keelctl.h"
#include "outputformat.h"

#include <QTest>

using namespace Keel;

namespace {
// The error of a failed parse, or nothing: QVERIFY2 evaluates its message eagerly.
template<typename V>
QString errorOf(const V &result)
{
    const auto *error = std::get_if<QString>(&result);
    return error ? *error : QString();
}
} // namespace

class tst_KeelCtl : public QObject
{
    Q_OBJECT

private:
    static QProcessEnvironment env(const QString &token = QStringLiteral("kop_t"))
    {
        QProcessEnvironment e;
        if (!token.isEmpty())
            e.insert(QStringLiteral("KEEL_TOKEN"), token);
        return e;
    }
    static QStringList args(const char *line)
    {
        return QStringList{QStringLiteral("keelctl")} + QString::fromLatin1(line).split(u' ', Qt::SkipEmptyParts);
    }

private slots:
    void parsesNodesList()
    {
        auto parsed = KeelCtl::parse(args("--server 127.0.0.1:7000 nodes list -o json"), env());
        QVERIFY2(std::holds_alternative<CtlInvocation>(parsed), qPrintable(errorOf(parsed)));
        const auto &inv = std::get<CtlInvocation>(parsed);
        QCOMPARE(inv.server, QUrl(QStringLiteral("ws://127.0.0.1:7000/v1/operator")));
        QCOMPARE(inv.token, QStringLiteral("kop_t"));
        QVERIFY(inv.json);
    }

    void serverFromEnvironment()
    {
        QProcessEnvironment e = env();
        e.insert(QStringLiteral("KEEL_SERVER"), QStringLiteral("ws://10.1.2.3:9000"));
        auto parsed = KeelCtl::parse(args("regions list"), e);
        QCOMPARE(std::get<CtlInvocation>(parsed).server.port(), 9000);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<bool>("withToken");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no command") << "" << true << "no command given";
        QTest::newRow("unknown command") << "nodes explode" << true << "unknown command \"nodes explode\"";
        QTest::newRow("missing file") << "topology apply" << true << "needs -f FILE";
        QTest::newRow("missing region") << "join-token create" << true << "needs --region";
        QTest::newRow("bad output") << "nodes list -o yaml" << true << "-o \"yaml\"";
        QTest::newRow("bad uses") << "join-token create --region r --uses -3" << true << "--uses \"-3\"";
        QTest::newRow("bad server") << "--server http://x:1 nodes list" << true << "--server \"http://x:1\"";
        QTest::newRow("no token") << "nodes list" << false << "no operator token";
        QTest::newRow("show without name") << "nodes show" << true << "takes 1 argument";
        QTest::newRow("unknown option") << "nodes list --frobnicate" << true << "frobnicate";
        QTest::newRow("token without role") << "token create" << true << "needs --role";
        QTest::newRow("token bad role") << "token create --role root" << true << "--role \"root\" is not a role";
        QTest::newRow("token bad ttl") << "token create --role admin --ttl soon" << true << "--ttl \"soon\"";
        QTest::newRow("revoke without id") << "token revoke" << true << "takes 1 argument";
        QTest::newRow("audit bad since") << "audit list --since yesterday" << true << "--since \"yesterday\"";
        QTest::newRow("push without file") << "component push --name a --version 1" << true << "takes 1 argument";
        QTest::newRow("push without version") << "component push a.wasm --name a" << true << "needs --name N and --version V";
        QTest::newRow("deploy without selector") << "deploy hash@1.0.0" << true << "needs --to SELECTOR";
        QTest::newRow("deploy without version") << "deploy hash --to all" << true << "NAME@VERSION";
        QTest::newRow("undeploy with version") << "undeploy hash@1 --from all" << true << "without a version";
        QTest::newRow("push bad abi") << "component push a.wasm --name a --version 1 --abi cobol" << true << "--abi \"cobol\"";
        QTest::newRow("push bad limit") << "component push a.wasm --name a --version 1 --memory-mb lots" << true << "--memory-mb \"lots\"";
    }

    void parsesComponentPush()
    {
        auto parsed = KeelCtl::parse(args("component push h.wasm --name hash --version 1.2.0 --abi keel --grant log,kv "
                                          "--grant clock --data-class pii --memory-mb 32 --deadline-ms 500"), env());
        QVERIFY2(std::holds_alternative<CtlInvocation>(parsed), qPrintable(errorOf(parsed)));
        const auto &inv = std::get<CtlInvocation>(parsed);
        QCOMPARE(inv.moduleFile, QStringLiteral("h.wasm"));
        QCOMPARE(inv.manifest.name, QStringLiteral("hash"));
        QCOMPARE(inv.manifest.version, QStringLiteral("1.2.0"));
        QCOMPARE(inv.manifest.abi, ComponentAbi::Keel);
        QCOMPARE(inv.manifest.grants, (QStringList{QStringLiteral("log"), QStringLiteral("kv"), QStringLiteral("clock")}));
        QCOMPARE(inv.manifest.dataClasses, QStringList{QStringLiteral("pii")});
        QCOMPARE(inv.manifest.limits.memoryMb, 32u);
        QCOMPARE(inv.manifest.limits.deadlineMs, 500u);

        parsed = KeelCtl::parse(args("component push --manifest hello.yaml"), env());
        QVERIFY2(std::holds_alternative<CtlInvocation>(parsed), qPrintable(errorOf(parsed)));
        QCOMPARE(std::get<CtlInvocation>(parsed).manifestFile, QStringLiteral("hello.yaml"));
    }

    void parsesDeploy()
    {
        auto parsed = KeelCtl::parse(args("deploy hash@1.2.0 --to jurisdiction=EU"), env());
        QVERIFY2(std::holds_alternative<CtlInvocation>(parsed), qPrintable(errorOf(parsed)));
        const auto &inv = std::get<CtlInvocation>(parsed);
        QCOMPARE(inv.manifest.name, QStringLiteral("hash"));
        QCOMPARE(inv.manifest.version, QStringLiteral("1.2.0"));
        QCOMPARE(inv.selector, QStringLiteral("jurisdiction=EU"));
        parsed = KeelCtl::parse(args("undeploy hash --from region=us-east"), env());
        QVERIFY2(std::holds_alternative<CtlInvocation>(parsed), qPrintable(errorOf(parsed)));
        QCOMPARE(std::get<CtlInvocation>(parsed).selector, QStringLiteral("region=us-east"));
        parsed = KeelCtl::parse(args("--server wss://cp.example:7443 --ca /etc/keel/ca.pem nodes list --selector tier=edge"), env());
        QCOMPARE(std::get<CtlInvocation>(parsed).caFile, QStringLiteral("/etc/keel/ca.pem"));
        QCOMPARE(std::get<CtlInvocation>(parsed).server.scheme(), QStringLiteral("wss"));
        QCOMPARE(std::get<CtlInvocation>(parsed).selector, QStringLiteral("tier=edge"));
    }

    void parsesTokenAndAuditCommands()
    {
        auto parsed = KeelCtl::parse(args("token create --role operator --name ci-deployer --ttl 30d"), env());
        QVERIFY2(std::holds_alternative<CtlInvocation>(parsed), qPrintable(errorOf(parsed)));
        const auto &create = std::get<CtlInvocation>(parsed);
        QCOMPARE(create.role, Role::Operator);
        QCOMPARE(create.name, QStringLiteral("ci-deployer"));
        QCOMPARE(create.ttlSeconds, 30 * 86400);

        parsed = KeelCtl::parse(args("token create --role viewer"), env());
        QVERIFY(std::get<CtlInvocation>(parsed).name.startsWith(QLatin1String("viewer-")));

        const QDateTime before = QDateTime::currentDateTimeUtc();
        parsed = KeelCtl::parse(args("audit list --since 10m -o json"), env());
        QVERIFY2(std::holds_alternative<CtlInvocation>(parsed), qPrintable(errorOf(parsed)));
        const qint64 back = std::get<CtlInvocation>(parsed).since.secsTo(before);
        QVERIFY2(back >= 599 && back <= 601, qPrintable(QString::number(back)));

        parsed = KeelCtl::parse(args("audit list --since 2026-11-27T10:00:00Z"), env());
        QCOMPARE(std::get<CtlInvocation>(parsed).since, QDateTime(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC));
    }

    void parsesDeployments()
    {
        auto parsed = KeelCtl::parse(args("deployments -o json"), env());
        QVERIFY2(std::holds_alternative<CtlInvocation>(parsed), qPrintable(errorOf(parsed)));
        QCOMPARE(std::get<CtlInvocation>(parsed).command, QStringList{QStringLiteral("deployments")});
        QVERIFY(std::get<CtlInvocation>(parsed).json);
        QVERIFY(std::get<CtlInvocation>(parsed).manifest.name.isEmpty());
        parsed = KeelCtl::parse(args("deployments --component hash"), env());
        QVERIFY2(std::holds_alternative<CtlInvocation>(parsed), qPrintable(errorOf(parsed)));
        QCOMPARE(std::get<CtlInvocation>(parsed).manifest.name, QStringLiteral("hash"));
        parsed = KeelCtl::parse(args("deployments list"), env());
        QVERIFY(std::holds_alternative<QString>(parsed));
    }

    // The rules in order, one line each; -o json with the documented fields.
    void deploymentsShowAsATableAndJson()
    {
        const QDateTime created = QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC);
        const QList<DeploymentRule> rules = {
            {Deployment{3, QStringLiteral("hash"), QStringLiteral("1.0.0"), QStringLiteral("all"), created, QStringLiteral("token:ci"), {}}, 3},
            {Deployment{5, QStringLiteral("hash"), {}, QStringLiteral("region=us-east"), created, QStringLiteral("token:ops"), {}}, 1},
        };
        const QStringList lines = OutputFormat::deploymentsTable(rules).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines.at(0).startsWith(QLatin1String("ORDER  ACTION    COMPONENT   SELECTOR        NODES  BY         CREATED")), qPrintable(lines.at(0)));
        QVERIFY2(lines.at(1).startsWith(QLatin1String("1      deploy    hash@1.0.0  all             3      token:ci")), qPrintable(lines.at(1)));
        QVERIFY2(lines.at(2).startsWith(QLatin1String("2      undeploy  hash        region=us-east  1      token:ops")), qPrintable(lines.at(2)));
        const QJsonObject json = OutputFormat::toJson(rules.at(1), 2);
        for (const char *key : {"order", "sequence", "component", "version", "action", "selector", "nodes_matched", "created", "created_by"})
            QVERIFY2(json.contains(QLatin1String(key)), key);
        QCOMPARE(json.value(QStringLiteral("action")).toString(), QStringLiteral("undeploy"));
        QCOMPARE(json.value(QStringLiteral("order")).toInt(), 2);
        QCOMPARE(json.value(QStringLiteral("sequence")).toInteger(), 5);
        QCOMPARE(json.value(QStringLiteral("created")).toString(), QStringLiteral("2023-11-14T22:13:20.000Z"));
    }

    void usageErrors()
    {
        QFETCH(QString, line);
        QFETCH(bool, withToken);
        QFETCH(QString, expected);
        auto parsed = KeelCtl::parse(args(line.toLatin1().constData()), env(withToken ? QStringLiteral("kop_t") : QString()));
        QVERIFY(std::holds_alternative<QString>(parsed));
        QVERIFY2(std::get<QString>(parsed).contains(expected), qPrintable(errorOf(parsed)));
    }

    void nodeJsonCarriesTheContractFields()
    {
        Node node;
        node.name = QStringLiteral("edge-1");
        node.region = QStringLiteral("eu-west");
        node.site = QStringLiteral("dub-1");
        node.jurisdiction = QStringLiteral("EU");
        node.labels = {{QStringLiteral("tier"), QStringLiteral("edge")}};
        node.status = NodeStatus::Unreachable;
        node.agentVersion = QStringLiteral("0.1.0");
        node.lastSeen = QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC);
        const QJsonObject json = OutputFormat::toJson(node);
        for (const char *key : {"name", "region", "site", "jurisdiction", "labels", "status", "agent_version", "last_seen"})
            QVERIFY2(json.contains(QLatin1String(key)), key);
        QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("unreachable"));
        QCOMPARE(json.value(QStringLiteral("labels")).toObject().value(QStringLiteral("tier")).toString(), QStringLiteral("edge"));
        QCOMPARE(json.value(QStringLiteral("last_seen")).toString(), QStringLiteral("2023-11-14T22:13:20.000Z"));
    }

    void tableAlignsColumns()
    {
        const QString table = OutputFormat::table({QStringLiteral("A"), QStringLiteral("B")},
                                                  {{QStringLiteral("long-value"), QStringLiteral("x")}});
        QCOMPARE(table, QStringLiteral("A           B\nlong-value  x\n"));
    }
};

QTEST_GUILESS_MAIN(tst_KeelCtl)
#include "tst_keelctl.moc"
