// Residency per request, end to end: a real keel-controlplane, an agent in the EU and one
// in the US, the demo's policy (pii of EU subjects processed only in the EU) applied with
// keelctl and the profile component (data class pii) deployed everywhere. The US agent
// answers an EU subject's request with 451 naming the EU agent's advertised endpoint,
// without running the component; the EU agent serves it; a missing or malformed subject
// is a 400. The US agent keeps refusing with the control plane killed, and after its
// own restart while the control plane is still down.
#include "httpclient.h"
#include "testfleet.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTest>

namespace {

const QString kComponents = QStringLiteral(KEEL_SAMPLE_COMPONENTS_DIR);
// What the EU agent tells clients to use (--advertise-http): a name, not where it
// happens to listen in this test, so the 451 can only have it from the control plane.
const QString kEuAdvertised = QStringLiteral("http://edge-eu.keel.test:18081");
constexpr int kWait = 60000;

struct Answer
{
    int status = 0;
    QJsonObject json;
    QByteArray body;
};

} // namespace

class tst_ResidencyRequests : public QObject
{
    Q_OBJECT

private:
    TestFleet m_fleet{QStringLiteral(KEEL_BIN_DIR)};
    HttpClient m_http;

    QString http(const char *node) const { return m_fleet.agent(QLatin1String(node)).http; }

    // What the agent said it is reached at ("http advertised as URL").
    QString advertised(const char *node) const
    {
        const QRegularExpression line(QStringLiteral("http advertised as (\\S+)"));
        return line.match(m_fleet.agent(QLatin1String(node)).process->output()).captured(1);
    }

    // GET /profile/42 with the subject header (none when subject is null).
    Answer profile(const QString &base, const char *subject)
    {
        QNetworkAccessManager manager;
        QNetworkRequest request(QUrl(base + QStringLiteral("/profile/42")));
        if (subject)
            request.setRawHeader("X-Keel-Subject-Jurisdiction", subject);
        QNetworkReply *reply = manager.get(request);
        Answer answer;
        if (QTest::qWaitFor([reply] { return reply->isFinished(); }, 5000)) {
            answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            answer.body = reply->readAll();
            answer.json = QJsonDocument::fromJson(answer.body).object();
        }
        delete reply;
        return answer;
    }

    // The sum of a family's series on the US agent's /metrics whose labels contain `labels`.
    double usMetric(const QString &family, const QString &labels)
    {
        const auto scrape = m_http.get(QUrl(m_fleet.agent(QStringLiteral("edge-us")).admin + QStringLiteral("/metrics")), 5000);
        double sum = 0;
        for (const QByteArray &line : scrape.body.split('\n')) {
            if (line.startsWith(family.toUtf8() + '{') && line.contains(labels.toUtf8()))
                sum += line.mid(line.lastIndexOf(' ') + 1).toDouble();
        }
        return sum;
    }

    void checkRefusal(const Answer &answer)
    {
        QCOMPARE(answer.status, 451);
        QCOMPARE(answer.json.value(QStringLiteral("rule")).toString(), QStringLiteral("eu-pii"));
        QCOMPARE(answer.json.value(QStringLiteral("data_class")).toString(), QStringLiteral("pii"));
        QCOMPARE(answer.json.value(QStringLiteral("subject_jurisdiction")).toString(), QStringLiteral("EU"));
        QCOMPARE(answer.json.value(QStringLiteral("node_jurisdiction")).toString(), QStringLiteral("US"));
        const QJsonArray alternatives = answer.json.value(QStringLiteral("alternatives")).toArray();
        QCOMPARE(alternatives.size(), 1);
        const QJsonObject eu = alternatives.at(0).toObject();
        QCOMPARE(eu.value(QStringLiteral("region")).toString(), QStringLiteral("eu-west"));
        QCOMPARE(eu.value(QStringLiteral("jurisdiction")).toString(), QStringLiteral("EU"));
        QCOMPARE(eu.value(QStringLiteral("endpoints")).toArray(), QJsonArray{kEuAdvertised});
        QVERIFY2(answer.json.value(QStringLiteral("error")).toString().contains(kEuAdvertised), answer.body.constData());
        QVERIFY2(!answer.body.contains(advertised("edge-us").toUtf8()), answer.body.constData());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_fleet.isValid());
        QString why;
        QVERIFY2(m_fleet.startControlPlane({QStringLiteral("--heartbeat-interval"), QStringLiteral("200"),
                                            QStringLiteral("--grace"), QStringLiteral("1500")},
                                           &why),
                 qPrintable(why));
        const QString topology = m_fleet.write(QStringLiteral("topology.yaml"),
                                               "regions:\n"
                                               "  - {name: eu-west, jurisdiction: EU, latitude: 53.35, longitude: -6.26}\n"
                                               "  - {name: us-east, jurisdiction: US, latitude: 38.9, longitude: -77.04}\n");
        QCOMPARE(m_fleet.ctl({QStringLiteral("topology"), QStringLiteral("apply"), QStringLiteral("-f"), topology}).exitCode, 0);
        QVERIFY2(m_fleet.startAgent(QStringLiteral("edge-eu"), QStringLiteral("eu-west"),
                                    {QStringLiteral("--advertise-http"), kEuAdvertised}, &why),
                 qPrintable(why));
        QVERIFY2(m_fleet.startAgent(QStringLiteral("edge-us"), QStringLiteral("us-east"), {}, &why), qPrintable(why));
        QTRY_COMPARE(advertised("edge-eu"), kEuAdvertised);
        QTRY_COMPARE(advertised("edge-us"), http("edge-us")); // derived from --http
    }

    void agentsAdvertiseTheirUrls()
    {
        auto endpoint = [this](const QString &node) {
            return m_fleet.ctl({QStringLiteral("nodes"), QStringLiteral("show"), node, QStringLiteral("-o"), QStringLiteral("json")})
                .json()
                .value(QStringLiteral("http_endpoint"))
                .toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(endpoint(QStringLiteral("edge-eu")), kEuAdvertised, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(endpoint(QStringLiteral("edge-us")), advertised("edge-us"), kWait);
    }

    void policyAndProfileEverywhere()
    {
        const QString policy = m_fleet.write(QStringLiteral("policy.yaml"), "rules:\n"
                                                                            "  - name: eu-pii\n"
                                                                            "    data_class: pii\n"
                                                                            "    subjects: [EU]\n"
                                                                            "    allowed: [EU]\n"
                                                                            "    mode: enforce\n");
        const auto applied = m_fleet.ctl({QStringLiteral("policy"), QStringLiteral("apply"), QStringLiteral("-f"), policy});
        QVERIFY2(applied.exitCode == 0, qPrintable(applied.out + applied.err));
        const auto pushed = m_fleet.ctl({QStringLiteral("component"), QStringLiteral("push"), QStringLiteral("--manifest"),
                                         kComponents + QStringLiteral("/profile.yaml")});
        QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.err));
        // A subject rule never forbids placement: profile runs in both regions.
        const auto deployed = m_fleet.ctl({QStringLiteral("deploy"), QStringLiteral("profile@1.0.0"), QStringLiteral("--to"), QStringLiteral("all")});
        QVERIFY2(deployed.exitCode == 0, qPrintable(deployed.out + deployed.err));
        QTRY_COMPARE_WITH_TIMEOUT(profile(http("edge-eu"), "EU").status, 200, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(profile(http("edge-us"), "EU").status, 451, kWait);
    }

    void theUsAgentRefusesEuSubjectsAndPointsAtTheEu()
    {
        const QString guestRuns = QStringLiteral("component=\"profile\"");
        const double ranBefore = usMetric(QStringLiteral("keel_agent_component_requests_total"), guestRuns);
        const double refusedBefore = usMetric(QStringLiteral("keel_agent_residency_requests_total"),
                                              QStringLiteral("outcome=\"refused\",rule=\"eu-pii\""));
        for (const char *subject : {"EU", "eu", "DE"}) {
            const Answer refused = profile(http("edge-us"), subject);
            QCOMPARE(refused.status, 451);
            QCOMPARE(refused.json.value(QStringLiteral("alternatives")).toArray().at(0).toObject().value(QStringLiteral("endpoints")).toArray(),
                     QJsonArray{kEuAdvertised});
        }
        checkRefusal(profile(http("edge-us"), "EU"));
        // Refused before the component ran, and counted by outcome and rule.
        QCOMPARE(usMetric(QStringLiteral("keel_agent_component_requests_total"), guestRuns), ranBefore);
        QCOMPARE(usMetric(QStringLiteral("keel_agent_residency_requests_total"), QStringLiteral("outcome=\"refused\",rule=\"eu-pii\"")),
                 refusedBefore + 4);

        // Where the policy allows it, the profile is served.
        const Answer eu = profile(http("edge-eu"), "EU");
        QCOMPARE(eu.status, 200);
        QCOMPARE(eu.json.value(QStringLiteral("id")).toInt(), 42);
        QCOMPARE(profile(http("edge-eu"), "DE").status, 200);
        QCOMPARE(profile(http("edge-us"), "US").status, 200);
        QCOMPARE(profile(http("edge-eu"), "US").status, 200);
        QCOMPARE(profile(http("edge-us"), "IN").status, 200);
        QVERIFY(usMetric(QStringLiteral("keel_agent_component_requests_total"), guestRuns) >= ranBefore + 2);
    }

    void aMissingOrMalformedSubjectIsABadRequest()
    {
        for (const QString &base : {http("edge-us"), http("edge-eu")}) {
            const Answer missing = profile(base, nullptr);
            QCOMPARE(missing.status, 400);
            QVERIFY2(missing.json.value(QStringLiteral("error")).toString().contains(QLatin1String("X-Keel-Subject-Jurisdiction")),
                     missing.body.constData());
            for (const char *bad : {"XX", "", "Europe", "*"}) {
                const Answer malformed = profile(base, bad);
                QCOMPARE(malformed.status, 400);
                QVERIFY2(!malformed.json.value(QStringLiteral("error")).toString().isEmpty(), malformed.body.constData());
            }
        }
        QVERIFY(usMetric(QStringLiteral("keel_agent_residency_requests_total"), QStringLiteral("outcome=\"bad_request\"")) >= 5);
    }

    void theUsAgentKeepsRefusingWithTheControlPlaneDown()
    {
        m_fleet.killControlPlane();
        QVERIFY(!m_fleet.controlPlane()->isRunning());
        checkRefusal(profile(http("edge-us"), "EU"));
        QCOMPARE(profile(http("edge-us"), "US").status, 200);
        QCOMPARE(profile(http("edge-eu"), "EU").status, 200);

        // Restarted while the control plane is still away: the rules come back with the
        // set from its data dir, with the alternatives as the control plane last sent them.
        QString why;
        QVERIFY2(m_fleet.startAgent(QStringLiteral("edge-us"), QStringLiteral("us-east"), {}, &why), qPrintable(why));
        QTRY_COMPARE_WITH_TIMEOUT(profile(http("edge-us"), "US").status, 200, 20000);
        checkRefusal(profile(http("edge-us"), "EU"));
        QCOMPARE(profile(http("edge-us"), nullptr).status, 400);
    }
};

QTEST_GUILESS_MAIN(tst_ResidencyRequests)
#include "tst_residencyrequests.moc"
