// Residency at placement, end to end: a real keel-controlplane, three keel-agents in
// three jurisdictions (EU, US, IN), keelctl for every step and a watching client. A
// deployment the policy forbids is refused naming the nodes and the rule, or deployed
// to the allowed nodes with --skip-disallowed; `policy check -f` predicts exactly the
// violations and removals that `policy apply` then makes, in audit mode (flagged, still
// running) and in enforce mode (left out of the nodes' desired state, audited, announced
// on the watch); a region whose jurisdiction changes loses (and regains) what the policy
// allows there; bad policy files are refused with their line and change nothing; an
// edit made against an older version conflicts, and a viewer may preview but not apply.
#include "keelclient.h"
#include "testfleet.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTest>

using namespace Keel;

namespace {

const QString kComponents = QStringLiteral(KEEL_SAMPLE_COMPONENTS_DIR);
constexpr int kWait = 30000;

// A violation as keelctl prints it, reduced to what identifies it.
QStringList placements(const QJsonArray &violations)
{
    QStringList out;
    for (const QJsonValue &v : violations) {
        const QJsonObject o = v.toObject();
        out.append(QStringLiteral("%1 %2@%3 %4 %5")
                       .arg(o.value(QStringLiteral("node")).toString(), o.value(QStringLiteral("component")).toString(),
                            o.value(QStringLiteral("version")).toString(), o.value(QStringLiteral("rule")).toString(),
                            o.value(QStringLiteral("removed")).toBool() ? QStringLiteral("removed") : QStringLiteral("flagged")));
    }
    out.sort();
    return out;
}

} // namespace

class tst_Residency : public QObject
{
    Q_OBJECT

private:
    using Ctl = TestFleet::Ctl;
    TestFleet m_fleet{QStringLiteral(KEEL_BIN_DIR)};
    QNetworkAccessManager m_http;
    KeelClient m_watcher;
    QList<ResidencyViolation> m_events;

    Ctl ctl(const QStringList &arguments) { return m_fleet.ctl(arguments); }
    QString write(const QString &name, const QByteArray &text) { return m_fleet.write(name, text); }

    // The components an agent serves now, from its own data port (GET /).
    QStringList served(const QString &node)
    {
        QNetworkReply *reply = m_http.get(QNetworkRequest(QUrl(m_fleet.agent(node).http + u'/')));
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 5000)) {
            reply->deleteLater();
            return {QStringLiteral("(no answer)")};
        }
        const QJsonArray components = QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("components")).toArray();
        reply->deleteLater();
        QStringList names;
        for (const QJsonValue &c : components)
            names.append(c.toObject().value(QStringLiteral("name")).toString() + u'@' + c.toObject().value(QStringLiteral("version")).toString());
        names.sort();
        return names;
    }

    bool serves(const QString &node, const QString &component)
    {
        return served(node).contains(component);
    }

    QStringList violationsNow()
    {
        const Ctl listed = ctl({QStringLiteral("policy"), QStringLiteral("violations"), QStringLiteral("-o"), QStringLiteral("json")});
        return placements(listed.json().value(QStringLiteral("violations")).toArray());
    }

    void applyTopology(const QByteArray &euJurisdiction)
    {
        const QString file = write(QStringLiteral("topology.yaml"),
                                   "regions:\n"
                                   "  - {name: eu-west, jurisdiction: " + euJurisdiction + ", latitude: 53.35, longitude: -6.26}\n"
                                   "  - {name: us-east, jurisdiction: US, latitude: 38.9, longitude: -77.04}\n"
                                   "  - {name: ap-south, jurisdiction: IN, latitude: 19.07, longitude: 72.88}\n");
        const Ctl applied = ctl({QStringLiteral("topology"), QStringLiteral("apply"), QStringLiteral("-f"), file});
        QVERIFY2(applied.exitCode == 0, qPrintable(applied.err));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_fleet.isValid());
        QString why;
        QVERIFY2(m_fleet.startControlPlane({QStringLiteral("--heartbeat-interval"), QStringLiteral("200")}, &why), qPrintable(why));
        applyTopology("EU");

        const QList<std::pair<QString, QString>> nodes = {{QStringLiteral("edge-eu-1"), QStringLiteral("eu-west")},
                                                          {QStringLiteral("edge-in-1"), QStringLiteral("ap-south")},
                                                          {QStringLiteral("edge-us-1"), QStringLiteral("us-east")}};
        for (const auto &[name, region] : nodes)
            QVERIFY2(m_fleet.startAgent(name, region, {}, &why), qPrintable(why));
        const Ctl nodesReady = ctl({QStringLiteral("nodes"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(nodesReady.exitCode, 0);

        // Two versions of a component that processes personal data, and one that does not.
        const QString module = kComponents + QStringLiteral("/hello.wasm");
        for (const QString &version : {QStringLiteral("1.0.0"), QStringLiteral("1.1.0")}) {
            const Ctl pushed = ctl({QStringLiteral("component"), QStringLiteral("push"), module, QStringLiteral("--name"),
                                    QStringLiteral("crm"), QStringLiteral("--version"), version, QStringLiteral("--data-class"),
                                    QStringLiteral("pii")});
            QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.err));
        }
        const Ctl plain = ctl({QStringLiteral("component"), QStringLiteral("push"), module, QStringLiteral("--name"),
                               QStringLiteral("status"), QStringLiteral("--version"), QStringLiteral("1.0.0")});
        QVERIFY2(plain.exitCode == 0, qPrintable(plain.err));

        // Everything the violations topic says, from the start.
        connect(&m_watcher, &KeelClient::violationChanged, this, [this](const ResidencyViolation &v) { m_events.append(v); });
        m_watcher.open(KeelClient::normalizeServer(m_fleet.server()), m_fleet.token());
        bool watching = false;
        m_watcher.watch({WatchTopic::Violations}, 0, [&](const Result<quint64> &r) { watching = std::holds_alternative<quint64>(r); });
        QTRY_VERIFY_WITH_TIMEOUT(watching, kWait);
    }

    void cleanupTestCase()
    {
        m_watcher.close();
    }

    void badPolicyFilesAreRefusedWithTheirLineAndChangeNothing()
    {
        const QList<std::tuple<QByteArray, int, QString>> cases = {
            {"rules:\n  - name: eu-pii\n    data_class: pii\n    subjects: [EU]\n    allowed: [EUROPE]\n", 5,
             QStringLiteral("unknown jurisdiction code \"EUROPE\"")},
            {"rules:\n  - name: eu-pii\n    data_class: pii\n    subject: [EU]\n    allowed: [EU]\n", 4,
             QStringLiteral("unknown field \"subject\"")},
            {"rules:\n  - name: eu-pii\n    data_class: pii\n    subjects: [EU]\n    allowed: []\n", 5,
             QStringLiteral("has no allowed")},
            {"rules:\n  - {name: a, data_class: pii, subjects: [EU], allowed: [EU]}\n"
             "  - {name: a, data_class: health, subjects: [EU], allowed: [EU]}\n", 3,
             QStringLiteral("duplicate rule name \"a\"")},
            {"rules:\n  - {name: a, data_class: pii, subjects: [EU], allowed: [EU]}\n"
             "  - {name: b, data_class: pii, subjects: [\"*\"], allowed: [US]}\n", 3,
             QStringLiteral("left with no jurisdiction")},
        };
        int n = 0;
        for (const auto &[text, line, words] : cases) {
            const QString file = write(QStringLiteral("bad-%1.yaml").arg(++n), text);
            const Ctl applied = ctl({QStringLiteral("policy"), QStringLiteral("apply"), QStringLiteral("-f"), file});
            QCOMPARE(applied.exitCode, 1);
            QVERIFY2(applied.err.contains(QStringLiteral("%1:%2: ").arg(file).arg(line)), qPrintable(applied.err));
            QVERIFY2(applied.err.contains(words), qPrintable(applied.err));
            QVERIFY2(applied.err.contains(QLatin1String("nothing was applied")), qPrintable(applied.err));
        }
        const Ctl got = ctl({QStringLiteral("policy"), QStringLiteral("get"), QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(got.exitCode, 0);
        QCOMPARE(got.json().value(QStringLiteral("version")).toInt(), 0);
    }

    void aForbiddenPlacementIsRefusedOrSkipped()
    {
        const QString policy = write(QStringLiteral("eu-only.yaml"),
                                     "name: fleet\n"
                                     "rules:\n"
                                     "  - name: pii-in-eu\n"
                                     "    data_class: pii\n"
                                     "    subjects: [\"*\"]\n"
                                     "    allowed: [EU]\n"
                                     "    mode: enforce\n");
        const Ctl applied = ctl({QStringLiteral("policy"), QStringLiteral("apply"), QStringLiteral("-f"), policy});
        QVERIFY2(applied.exitCode == 0, qPrintable(applied.err));
        QVERIFY2(applied.out.contains(QLatin1String("version 1 applied")), qPrintable(applied.out));

        // Where it may go, before trying.
        const Ctl checked = ctl({QStringLiteral("policy"), QStringLiteral("check"), QStringLiteral("crm@1.0.0"), QStringLiteral("--to"),
                                 QStringLiteral("all"), QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(checked.exitCode, 0);
        QCOMPARE(checked.json().value(QStringLiteral("allowed")).toArray().size(), 1);
        QCOMPARE(checked.json().value(QStringLiteral("allowed")).toArray().first().toObject().value(QStringLiteral("node")).toString(),
                 QStringLiteral("edge-eu-1"));
        QCOMPARE(checked.json().value(QStringLiteral("refused")).toArray().size(), 2);

        const Ctl refused = ctl({QStringLiteral("deploy"), QStringLiteral("crm@1.0.0"), QStringLiteral("--to"), QStringLiteral("all")});
        QCOMPARE(refused.exitCode, 1);
        for (const char *words : {"edge-us-1 (US)", "edge-in-1 (IN)", "rule pii-in-eu", "--skip-disallowed"})
            QVERIFY2(refused.err.contains(QLatin1String(words)), qPrintable(refused.err));
        const Ctl rolloutRefused = ctl({QStringLiteral("rollout"), QStringLiteral("start"), QStringLiteral("crm@1.0.0"),
                                        QStringLiteral("--to"), QStringLiteral("all")});
        QCOMPARE(rolloutRefused.exitCode, 1);
        QVERIFY2(rolloutRefused.err.contains(QLatin1String("rule pii-in-eu")), qPrintable(rolloutRefused.err));

        const Ctl skipped = ctl({QStringLiteral("deploy"), QStringLiteral("crm@1.0.0"), QStringLiteral("--to"), QStringLiteral("all"),
                                 QStringLiteral("--skip-disallowed")});
        QVERIFY2(skipped.exitCode == 0, qPrintable(skipped.err));
        QVERIFY2(skipped.out.contains(QLatin1String("skipped 2 node(s)")), qPrintable(skipped.out));
        QTRY_VERIFY_WITH_TIMEOUT(serves(QStringLiteral("edge-eu-1"), QStringLiteral("crm@1.0.0")), kWait);
        const Ctl plain = ctl({QStringLiteral("deploy"), QStringLiteral("status@1.0.0"), QStringLiteral("--to"), QStringLiteral("all")});
        QVERIFY2(plain.exitCode == 0, qPrintable(plain.err));
        for (const QString &node : {QStringLiteral("edge-us-1"), QStringLiteral("edge-in-1")}) {
            QTRY_VERIFY_WITH_TIMEOUT(serves(node, QStringLiteral("status@1.0.0")), kWait);
            QVERIFY2(!serves(node, QStringLiteral("crm@1.0.0")), qPrintable(served(node).join(u' ')));
        }
        // Skipped is not a violation: the rule leaves those nodes out.
        QCOMPARE(violationsNow(), QStringList());
        const Ctl rules = ctl({QStringLiteral("deployments"), QStringLiteral("--component"), QStringLiteral("crm"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(rules.out.contains(QLatin1String("edge-us-1")), qPrintable(rules.out));
    }

    void whatIfEqualsWhatApplyingDoesInAuditAndEnforceMode()
    {
        // No policy: crm goes everywhere.
        const QString open = write(QStringLiteral("open.yaml"), "rules: []\n");
        QCOMPARE(ctl({QStringLiteral("policy"), QStringLiteral("apply"), QStringLiteral("-f"), open}).exitCode, 0);
        const Ctl deployed = ctl({QStringLiteral("deploy"), QStringLiteral("crm@1.1.0"), QStringLiteral("--to"), QStringLiteral("all")});
        QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.err));
        for (const QString &node : m_fleet.agents().keys())
            QTRY_VERIFY_WITH_TIMEOUT(serves(node, QStringLiteral("crm@1.1.0")), kWait);
        QCOMPARE(violationsNow(), QStringList());

        QStringList standing; // the violations before each apply
        for (const QByteArray &mode : {QByteArrayLiteral("audit"), QByteArrayLiteral("enforce")}) {
            const QString file = write(QStringLiteral("strict-%1.yaml").arg(QLatin1String(mode)),
                                       "rules:\n"
                                       "  - {name: pii-in-eu, data_class: pii, subjects: [\"*\"], allowed: [EU], mode: " + mode + "}\n");
            const Ctl check = ctl({QStringLiteral("policy"), QStringLiteral("check"), QStringLiteral("-f"), file, QStringLiteral("-o"), QStringLiteral("json")});
            QVERIFY2(check.exitCode == 0, qPrintable(check.err));
            const QStringList predicted = placements(check.json().value(QStringLiteral("violations")).toArray());
            const QString state = mode == "audit" ? QStringLiteral("flagged") : QStringLiteral("removed");
            QCOMPARE(predicted, (QStringList{QStringLiteral("edge-in-1 crm@1.1.0 pii-in-eu ") + state,
                                             QStringLiteral("edge-us-1 crm@1.1.0 pii-in-eu ") + state}));
            const QJsonArray losses = check.json().value(QStringLiteral("losses")).toArray();
            QCOMPARE(losses.size(), mode == "audit" ? 0 : 2);
            // Nothing happened yet.
            QCOMPARE(violationsNow(), standing);
            const int eventsBefore = int(m_events.size());

            const Ctl applied = ctl({QStringLiteral("policy"), QStringLiteral("apply"), QStringLiteral("-f"), file, QStringLiteral("-o"), QStringLiteral("json")});
            QVERIFY2(applied.exitCode == 0, qPrintable(applied.err));
            QCOMPARE(placements(applied.json().value(QStringLiteral("violations")).toArray()), predicted);
            QCOMPARE(violationsNow(), predicted);
            standing = predicted;
            // Announced on the watch, one event per violation found.
            QTRY_VERIFY_WITH_TIMEOUT(m_events.size() >= eventsBefore + (mode == "audit" ? 2 : 4), kWait);
            int found = 0;
            for (const ResidencyViolation &v : m_events.mid(eventsBefore)) {
                QCOMPARE(v.rule, QStringLiteral("pii-in-eu"));
                if (v.resolved) // audit's flags give way to enforce's removals
                    continue;
                QCOMPARE(v.removed, mode == "enforce");
                ++found;
            }
            QCOMPARE(found, 2);
            if (mode == "audit") {
                // Flagged only: still running where it was.
                for (const QString &node : m_fleet.agents().keys())
                    QVERIFY(serves(node, QStringLiteral("crm@1.1.0")));
                continue;
            }
            // Enforce: exactly the predicted losses leave the nodes, the rest stays.
            for (const QJsonValue &loss : losses) {
                const QString node = loss.toObject().value(QStringLiteral("node")).toString();
                QCOMPARE(loss.toObject().value(QStringLiteral("components")).toArray().first().toString(), QStringLiteral("crm@1.1.0"));
                QTRY_VERIFY_WITH_TIMEOUT(!serves(node, QStringLiteral("crm@1.1.0")), kWait);
                QVERIFY(serves(node, QStringLiteral("status@1.0.0")));
            }
            QVERIFY(serves(QStringLiteral("edge-eu-1"), QStringLiteral("crm@1.1.0")));
        }
        // Every removal and the policy's diff are in the audit log.
        const Ctl audit = ctl({QStringLiteral("audit"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(audit.out.contains(QLatin1String("crm@1.1.0 on edge-us-1 (rule pii-in-eu)")), qPrintable(audit.out));
        QVERIFY2(audit.out.contains(QLatin1String("crm@1.1.0 on edge-in-1 (rule pii-in-eu)")), qPrintable(audit.out));
        QVERIFY2(audit.out.contains(QLatin1String("pii-in-eu: mode audit -> enforce")), qPrintable(audit.out));
        const Ctl history = ctl({QStringLiteral("policy"), QStringLiteral("history"), QStringLiteral("-o"), QStringLiteral("json")});
        const QJsonArray revisions = QJsonDocument::fromJson(history.out.toUtf8()).array();
        QCOMPARE(revisions.size(), 4);
        QCOMPARE(revisions.first().toObject().value(QStringLiteral("version")).toInt(), 4);
        QCOMPARE(revisions.first().toObject().value(QStringLiteral("diff")).toString(), QStringLiteral("pii-in-eu: mode audit -> enforce"));
    }

    void aStaleEditConflictsAndAViewerMayOnlyPreview()
    {
        Result<ResidencyPolicy> current = WireError{};
        bool answered = false;
        m_watcher.getPolicy(0, [&](const Result<ResidencyPolicy> &r) { current = r; answered = true; });
        QTRY_VERIFY_WITH_TIMEOUT(answered, kWait);
        QVERIFY(std::holds_alternative<ResidencyPolicy>(current));
        const ResidencyPolicy policy = std::get<ResidencyPolicy>(current);
        QVERIFY(policy.version >= 2);

        // An edit made against an older version is refused, naming the current one.
        std::optional<Result<Op::PolicySet>> stale;
        m_watcher.setPolicy(policy, false, policy.version - 1, [&](const Result<Op::PolicySet> &r) { stale = r; });
        QTRY_VERIFY_WITH_TIMEOUT(stale.has_value(), kWait);
        QVERIFY(std::holds_alternative<WireError>(*stale));
        QCOMPARE(std::get<WireError>(*stale).code, ErrorCode::Conflict);
        QVERIFY2(std::get<WireError>(*stale).message.contains(QStringLiteral("version %1").arg(policy.version)),
                 qPrintable(std::get<WireError>(*stale).message));

        // A viewer previews (a dry run changes nothing) but may not apply.
        const Ctl viewer = ctl({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--role"), QStringLiteral("viewer"),
                                QStringLiteral("--name"), QStringLiteral("auditor")});
        QCOMPARE(viewer.exitCode, 0);
        const QString open = write(QStringLiteral("open-again.yaml"), "rules: []\n");
        auto asViewer = [&](const QString &verb) {
            const Ctl run = m_fleet.ctl({QStringLiteral("policy"), verb, QStringLiteral("-f"), open}, 30000, viewer.out.trimmed());
            return std::pair{run.exitCode, run.err};
        };
        QCOMPARE(asViewer(QStringLiteral("check")).first, 0);
        const auto refused = asViewer(QStringLiteral("apply"));
        QCOMPARE(refused.first, 1);
        QVERIFY2(refused.second.contains(QLatin1String("needs role operator")), qPrintable(refused.second));
        const Ctl got = ctl({QStringLiteral("policy"), QStringLiteral("get"), QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(quint64(got.json().value(QStringLiteral("version")).toInteger()), policy.version);
    }

    void aRegionLeavingTheEuLosesWhatMayOnlyRunThere()
    {
        QVERIFY(serves(QStringLiteral("edge-eu-1"), QStringLiteral("crm@1.1.0")));
        const int eventsBefore = int(m_events.size());
        applyTopology("CH"); // eu-west is now in Switzerland: not EU
        QTRY_VERIFY_WITH_TIMEOUT(!serves(QStringLiteral("edge-eu-1"), QStringLiteral("crm@1.1.0")), kWait);
        QVERIFY(serves(QStringLiteral("edge-eu-1"), QStringLiteral("status@1.0.0")));
        QVERIFY2(violationsNow().contains(QStringLiteral("edge-eu-1 crm@1.1.0 pii-in-eu removed")), qPrintable(violationsNow().join(u'\n')));
        QTRY_VERIFY_WITH_TIMEOUT(m_events.size() > eventsBefore, kWait);
        QCOMPARE(m_events.last().node, QStringLiteral("edge-eu-1"));
        QVERIFY(!m_events.last().resolved);

        applyTopology("EU"); // back: the placement returns and the violation is resolved
        QTRY_VERIFY_WITH_TIMEOUT(serves(QStringLiteral("edge-eu-1"), QStringLiteral("crm@1.1.0")), kWait);
        QTRY_VERIFY_WITH_TIMEOUT(!m_events.isEmpty() && m_events.last().resolved && m_events.last().node == QLatin1String("edge-eu-1"), kWait);
        QVERIFY(!violationsNow().contains(QStringLiteral("edge-eu-1 crm@1.1.0 pii-in-eu removed")));
    }
};

QTEST_MAIN(tst_Residency)
#include "tst_residency.moc"
