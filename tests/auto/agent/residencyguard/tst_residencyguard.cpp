// The data plane's per-request residency decision (ResidencyGuard): which requests run,
// which answer 451 with where they may go instead, which answer 400, and what is
// counted. The rules are the demo's: pii of EU subjects only in the EU.
#include "http/residencyguard.h"

#include <boost/json/parse.hpp>

#include <QTest>

using namespace keel::agent;
using keel::residency::Mode;
namespace http = boost::beast::http;

namespace {

const std::string kSelf = "http://10.0.1.1:8080";

// A US node serving `profile` (pii), which also runs on two EU agents, one US agent
// (this one) and one in India with no endpoint advertised.
NodeResidency usNode()
{
    NodeResidency r;
    r.jurisdiction = "US";
    r.rules = {{"eu-pii", "pii", {"EU"}, {"EU"}, Mode::Enforce},
               {"in-pii-audit", "pii", {"IN"}, {"IN"}, Mode::Audit}};
    r.placements = {{"profile",
                     {{"eu-west", "EU", {"http://10.0.0.5:8080", "http://10.0.0.6:8080/"}},
                      {"us-east", "US", {kSelf + "/"}},
                      {"in-south", "IN", {}},
                      {"eu-north", "SE", {"http://10.0.2.1:8080"}}}}};
    return r;
}

HttpRequest request(std::optional<std::string> subject, int times = 1)
{
    HttpRequest r{http::verb::get, "/profile/42", 11};
    r.set(http::field::host, "10.0.1.1");
    // Headers clients also send: none of them matters to the decision.
    r.set("X-Request-Id", "abc");
    for (int i = 0; subject && i < times; ++i)
        r.insert(ResidencyGuard::kSubjectHeader, *subject);
    return r;
}

boost::json::object body(const ResidencyGuard::Decision &decision)
{
    return boost::json::parse(decision.answer->body()).as_object();
}

} // namespace

class tst_ResidencyGuard : public QObject
{
    Q_OBJECT

private slots:
    void decides_data()
    {
        QTest::addColumn<QString>("header"); // "<none>": not sent
        QTest::addColumn<QString>("defaultSubject");
        QTest::addColumn<int>("status");    // 0: served
        QTest::addColumn<QString>("outcome");
        QTest::addColumn<QString>("rule");

        QTest::newRow("EU refused") << "EU" << "" << 451 << "refused" << "eu-pii";
        QTest::newRow("member state refused") << "DE" << "" << 451 << "refused" << "eu-pii";
        QTest::newRow("lower case is the same code") << "eu" << "" << 451 << "refused" << "eu-pii";
        QTest::newRow("spaces around it") << " FR " << "" << 451 << "refused" << "eu-pii";
        QTest::newRow("US served") << "US" << "" << 0 << "allowed" << "";
        QTest::newRow("EEA overlaps EU") << "EEA" << "" << 451 << "refused" << "eu-pii";
        QTest::newRow("Norway is not in the EU") << "NO" << "" << 0 << "allowed" << "";
        QTest::newRow("India audited") << "IN" << "" << 0 << "audited" << "in-pii-audit";
        QTest::newRow("missing, no default") << "<none>" << "" << 400 << "bad_request" << "";
        QTest::newRow("missing, default EU") << "<none>" << "EU" << 451 << "refused" << "eu-pii";
        QTest::newRow("missing, default US") << "<none>" << "US" << 0 << "allowed" << "";
        QTest::newRow("unknown code") << "XX" << "" << 400 << "bad_request" << "";
        QTest::newRow("unknown code despite a default") << "XX" << "US" << 400 << "bad_request" << "";
        QTest::newRow("empty") << "" << "US" << 400 << "bad_request" << "";
        QTest::newRow("star") << "*" << "" << 400 << "bad_request" << "";
        QTest::newRow("a list") << "EU, US" << "" << 400 << "bad_request" << "";
        QTest::newRow("three letters") << "DEU" << "" << 400 << "bad_request" << "";
    }

    void decides()
    {
        QFETCH(QString, header);
        QFETCH(QString, defaultSubject);
        QFETCH(int, status);
        QFETCH(QString, outcome);
        QFETCH(QString, rule);
        NodeResidency rules = usNode();
        rules.defaultSubject = defaultSubject.toStdString();
        const ResidencyGuard guard(kSelf);
        const auto subject = header == QLatin1String("<none>") ? std::nullopt : std::optional(header.toStdString());
        const auto decision = guard.check(&rules, "profile", {"pii"}, request(subject));
        QCOMPARE(decision.answer.has_value(), status != 0);
        if (decision.answer) {
            QCOMPARE(int(decision.answer->result_int()), status);
            QCOMPARE(std::string((*decision.answer)[http::field::content_type]), std::string("application/json"));
            QVERIFY(!body(decision).at("error").as_string().empty());
        }
        QCOMPARE(QString::fromUtf8(decision.outcome.data(), qsizetype(decision.outcome.size())), outcome);
        QCOMPARE(QString::fromStdString(decision.rule), rule);
    }

    void refusalSaysWhereToGo()
    {
        const NodeResidency rules = usNode();
        const auto decision = ResidencyGuard(kSelf).check(&rules, "profile", {"pii"}, request("EU"));
        QVERIFY(decision.answer);
        QCOMPARE(decision.answer->result(), http::status::unavailable_for_legal_reasons);
        const auto json = body(decision);
        QCOMPARE(json.at("rule").as_string(), "eu-pii");
        QCOMPARE(json.at("data_class").as_string(), "pii");
        QCOMPARE(json.at("subject_jurisdiction").as_string(), "EU");
        QCOMPARE(json.at("node_jurisdiction").as_string(), "US");
        const std::string error(json.at("error").as_string());
        QVERIFY2(error.find("eu-west") != std::string::npos && error.find("http://10.0.0.5:8080") != std::string::npos,
                 error.c_str());
        // The EU regions (SE is a member), each with its agents' endpoints; never the US
        // region (not allowed), nor India (no endpoint), nor this agent itself.
        const auto &alternatives = json.at("alternatives").as_array();
        QCOMPARE(alternatives.size(), size_t(2));
        const auto &eu = alternatives.at(0).as_object();
        QCOMPARE(eu.at("region").as_string(), "eu-west");
        QCOMPARE(eu.at("jurisdiction").as_string(), "EU");
        QCOMPARE(eu.at("endpoints").as_array().size(), size_t(2));
        QCOMPARE(eu.at("endpoints").as_array().at(0).as_string(), "http://10.0.0.5:8080");
        QCOMPARE(eu.at("endpoints").as_array().at(1).as_string(), "http://10.0.0.6:8080/");
        const auto &se = alternatives.at(1).as_object();
        QCOMPARE(se.at("region").as_string(), "eu-north");
        QCOMPARE(se.at("jurisdiction").as_string(), "SE");
        const std::string text = decision.answer->body();
        QVERIFY2(text.find("10.0.1.1") == std::string::npos, text.c_str());
    }

    void refusalWithNowhereToGo()
    {
        NodeResidency rules = usNode();
        rules.placements.clear(); // the control plane named none: no alternatives, still 451
        const auto decision = ResidencyGuard(kSelf).check(&rules, "profile", {"pii"}, request("DE"));
        QCOMPARE(decision.answer->result_int(), 451u);
        const auto json = body(decision);
        QVERIFY(json.at("alternatives").as_array().empty());
        QCOMPARE(json.at("subject_jurisdiction").as_string(), "DE");
        QVERIFY(std::string(json.at("error").as_string()).find("no region") != std::string::npos);
    }

    void placementRuleRefusesEverySubject()
    {
        // "*": pii may not be processed outside the EU at all (the node should not even
        // hold it; until the control plane removes it, no request runs).
        NodeResidency rules;
        rules.jurisdiction = "US";
        rules.rules = {{"pii-in-eu", "pii", {"*"}, {"EU"}, Mode::Enforce}};
        rules.placements = {{"profile", {{"eu-west", "EU", {"http://10.0.0.5:8080"}}}}};
        const ResidencyGuard guard(kSelf);
        for (const auto &subject : {std::optional<std::string>(), std::optional<std::string>("US")}) {
            const auto decision = guard.check(&rules, "profile", {"pii"}, request(subject));
            QVERIFY(decision.answer);
            QCOMPARE(decision.answer->result_int(), 451u);
            QCOMPARE(decision.rule, std::string("pii-in-eu"));
            QCOMPARE(body(decision).at("alternatives").as_array().size(), size_t(1));
        }
        QVERIFY(body(guard.check(&rules, "profile", {"pii"}, request(std::nullopt))).at("subject_jurisdiction").is_null());
        rules.jurisdiction = "DE";
        QVERIFY(!guard.check(&rules, "profile", {"pii"}, request(std::nullopt)).answer);
    }

    void nothingToDecide()
    {
        const NodeResidency rules = usNode();
        const ResidencyGuard guard(kSelf);
        // No rules for the set, no data classes, or classes no rule names: the header is
        // not even read, nothing is counted.
        for (const auto &decision : {guard.check(nullptr, "profile", {"pii"}, request("XX")),
                                     guard.check(&rules, "hello", {}, request("XX")),
                                     guard.check(&rules, "metrics", {"telemetry"}, request(std::nullopt))}) {
            QVERIFY(!decision.answer);
            QVERIFY(decision.outcome.empty());
        }
    }

    void twoSubjectsAreABadRequest()
    {
        const NodeResidency rules = usNode();
        const auto decision = ResidencyGuard(kSelf).check(&rules, "profile", {"pii"}, request("US", 2));
        QCOMPARE(decision.answer->result_int(), 400u);
        QCOMPARE(decision.outcome, std::string_view("bad_request"));
    }

    void badRequestQuotesOnlyPrintableText()
    {
        const NodeResidency rules = usNode();
        const auto decision = ResidencyGuard(kSelf).check(&rules, "profile", {"pii"}, request(std::string("\xc3\x28\x7f")));
        QCOMPARE(decision.answer->result_int(), 400u);
        const std::string error(body(decision).at("error").as_string()); // parses: valid JSON
        QVERIFY2(std::all_of(error.begin(), error.end(), [](char c) { return c >= 0x20 && c < 0x7f; }), error.c_str());
        QVERIFY2(error.find("X-Keel-Subject-Jurisdiction") != std::string::npos, error.c_str());
    }

    void auditOnlyServesEverything()
    {
        NodeResidency rules = usNode();
        for (auto &rule : rules.rules)
            rule.mode = Mode::Audit;
        const auto decision = ResidencyGuard(kSelf).check(&rules, "profile", {"pii"}, request("EU"));
        QVERIFY(!decision.answer);
        QCOMPARE(decision.outcome, std::string_view("audited"));
        QCOMPARE(decision.rule, std::string("eu-pii"));
    }
};

QTEST_GUILESS_MAIN(tst_ResidencyGuard)
#include "tst_residencyguard.moc"
