// The residency policy file (docs/residency.md): what it accepts (YAML and JSON), how it
// prints again, and every bad file refused with the line of what is wrong.
#include "policydiff.h"
#include "policyfile.h"
#include "policyvalidator.h"

#include <QFile>
#include <QTest>

using namespace keel::residency;

namespace {

const std::string kGood = R"(# the demo's policy
name: fleet
default_subject: EU
rules:
  - name: eu-pii
    data_class: pii
    subjects: [EU]
    allowed: [EU]
    mode: enforce
  - name: health-eea
    data_class: health
    subjects: ["*"]
    allowed: [EEA, CH]
    mode: audit
  - name: us-pii
    data_class: pii
    subjects: [US]
    allowed:
      - US
      - CA
)";

Policy parsed(const std::string &text)
{
    const auto result = PolicyFile::parse(text, "policy.yaml");
    if (const auto *problems = std::get_if<std::vector<PolicyFile::Problem>>(&result)) {
        qWarning("%s", PolicyFile::describe(*problems, "policy.yaml").c_str());
        return {};
    }
    return std::get<Policy>(result);
}

} // namespace

class tst_PolicyFile : public QObject
{
    Q_OBJECT

private slots:
    void readsYaml()
    {
        const auto result = PolicyFile::parse(kGood, "policy.yaml");
        QVERIFY(std::holds_alternative<Policy>(result));
        const Policy &policy = std::get<Policy>(result);
        QCOMPARE(policy.name, std::string("fleet"));
        QCOMPARE(policy.defaultSubject, std::string("EU"));
        QCOMPARE(policy.rules.size(), size_t(3));
        QVERIFY((policy.rules[0] == Rule{"eu-pii", "pii", {"EU"}, {"EU"}, Mode::Enforce}));
        QVERIFY((policy.rules[1] == Rule{"health-eea", "health", {"*"}, {"EEA", "CH"}, Mode::Audit}));
        QVERIFY(policy.rules[1].isPlacementRule());
        QVERIFY((policy.rules[2] == Rule{"us-pii", "pii", {"US"}, {"US", "CA"}, Mode::Enforce})); // enforce when left out
        QCOMPARE(policy.version, 0u);
    }

    void readsJson()
    {
        const std::string json = R"({
  "name": "fleet",
  "rules": [
    {"name": "eu-pii", "data_class": "pii", "subjects": ["EU"], "allowed": ["EU"], "mode": "enforce"},
    {"name": "any-pii", "data_class": "pii", "subjects": "*", "allowed": "EEA", "mode": "audit"}
  ]
})";
        const Policy policy = parsed(json);
        QCOMPARE(policy.rules.size(), size_t(2));
        QVERIFY((policy.rules[1] == Rule{"any-pii", "pii", {"*"}, {"EEA"}, Mode::Audit}));
        // A JSON file's problems have lines too.
        std::string bad = json;
        bad.replace(bad.find("\"allowed\": \"EEA\""), 16, "\"allowed\": \"EUR\"");
        const auto result = PolicyFile::parse(bad, "policy.json");
        const auto *problems = std::get_if<std::vector<PolicyFile::Problem>>(&result);
        QVERIFY(problems);
        QCOMPARE(problems->size(), size_t(1));
        QCOMPARE(problems->front().line, 5);
        QVERIFY2(problems->front().message.find("\"EUR\"") != std::string::npos, problems->front().message.c_str());
    }

    // An audit-mode rule refuses nothing, so it may contradict the enforce-mode ones: the
    // way to try a stricter rule before enforcing it.
    void anAuditRuleMayContradictTheEnforcedOnes()
    {
        const Policy policy = parsed("rules:\n"
                                     "  - {name: eu-pii, data_class: pii, subjects: [EU], allowed: [EU]}\n"
                                     "  - {name: try-us-only, data_class: pii, subjects: [\"*\"], allowed: [US], mode: audit}\n");
        QCOMPARE(policy.rules.size(), size_t(2));
        QCOMPARE(policy.rules[1].mode, Mode::Audit);
    }

    // The demo's sample (packaging/demo.sh applies it) stays a valid policy.
    void theDemoPolicyIsValid()
    {
        QFile file(QStringLiteral(KEEL_POLICIES_DIR "/demo-policy.yaml"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const Policy policy = parsed(file.readAll().toStdString());
        QCOMPARE(policy.rules.size(), size_t(1));
        QVERIFY((policy.rules[0] == Rule{"eu-pii", "pii", {"EU"}, {"EU"}, Mode::Enforce}));
    }

    void emptyRulesAreAPolicy()
    {
        QVERIFY(parsed("rules: []\n").rules.empty());
        QVERIFY(parsed("rules:\n").rules.empty());
    }

    void roundTrip()
    {
        const Policy policy = parsed(kGood);
        QCOMPARE(policy.rules.size(), size_t(3));
        const std::string yaml = PolicyFile::toYaml(policy);
        const Policy again = parsed(yaml);
        QVERIFY2(again.sameRules(policy), yaml.c_str());
        QCOMPARE(PolicyFile::toYaml(again), yaml);
        QCOMPARE(PolicyDiff::describe(policy, again), std::string("no change"));
        // Norway's code and rule names YAML 1.1 would read as booleans survive too.
        Policy tricky;
        tricky.rules = {{"no", "pii", {"NO"}, {"NO", "EEA"}, Mode::Audit}, {"yes", "health", {"*"}, {"NO"}, Mode::Enforce}};
        const Policy back = parsed(PolicyFile::toYaml(tricky));
        QVERIFY2(back.sameRules(tricky), PolicyFile::toYaml(tricky).c_str());
    }

    void refused_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("words"); // in the message

        const QString rule = QStringLiteral("rules:\n"
                                            "  - name: eu-pii\n"       // 2
                                            "    data_class: pii\n"    // 3
                                            "    subjects: [EU]\n"     // 4
                                            "    allowed: [EU]\n"      // 5
                                            "    mode: enforce\n");    // 6
        auto with = [&](const QString &from, const QString &to) { return QString(rule).replace(from, to); };

        QTest::newRow("unknown code in allowed") << with("allowed: [EU]", "allowed: [EU, XX]") << 5 << "unknown jurisdiction code \"XX\"";
        QTest::newRow("unknown code on its own line")
            << with("allowed: [EU]", "allowed:\n      - DE\n      - Deutschland") << 7 << "\"Deutschland\"";
        QTest::newRow("lower-case code") << with("subjects: [EU]", "subjects: [eu]") << 4 << "\"eu\"";
        QTest::newRow("unknown default subject") << "default_subject: XX\n" + rule << 1 << "default_subject \"XX\"";
        QTest::newRow("unknown field in a rule") << with("mode: enforce", "mode: enforce\n    region: eu-west") << 7 << "unknown field \"region\"";
        QTest::newRow("unknown top-level field") << "version: 3\n" + rule << 1 << "unknown field \"version\"";
        QTest::newRow("empty allowed") << with("allowed: [EU]", "allowed: []") << 5 << "has no allowed";
        QTest::newRow("empty subjects") << with("subjects: [EU]", "subjects: []") << 4 << "has no subjects";
        QTest::newRow("no allowed at all") << with("    allowed: [EU]\n", "") << 2 << "has no allowed";
        QTest::newRow("star in allowed") << with("allowed: [EU]", "allowed: [\"*\"]") << 5 << "\"*\" cannot be in allowed";
        QTest::newRow("star beside codes") << with("subjects: [EU]", "subjects: [\"*\", US]") << 4 << "list it alone";
        QTest::newRow("code twice") << with("allowed: [EU]", "allowed: [EU, DE, EU]") << 5 << "listed twice";
        QTest::newRow("duplicate rule names")
            << rule + "  - name: eu-pii\n    data_class: health\n    subjects: [EU]\n    allowed: [EU]\n" << 7
            << "duplicate rule name \"eu-pii\"";
        QTest::newRow("a class left with nowhere to go")
            << rule + "  - name: pii-in-us\n    data_class: pii\n    subjects: [\"*\"]\n    allowed: [US]\n" << 10
            << "left with no jurisdiction";
        QTest::newRow("a member state's subjects with nowhere to go")
            << rule + "  - name: de-pii\n    data_class: pii\n    subjects: [DE]\n    allowed: [US]\n" << 10
            << "of DE subjects is left with no jurisdiction";
        QTest::newRow("bad mode") << with("mode: enforce", "mode: strict") << 6 << "mode \"strict\" is neither enforce nor audit";
        QTest::newRow("mode as a list") << with("mode: enforce", "mode: [enforce]") << 6 << "mode must be a single value";
        QTest::newRow("no name") << with("  - name: eu-pii\n    data_class", "  - data_class") << 2 << "has no name";
        QTest::newRow("bad rule name") << with("name: eu-pii", "name: EU PII") << 2 << "is not a name";
        QTest::newRow("bad data class") << with("data_class: pii", "data_class: Personal Data") << 3 << "is not a data class";
        QTest::newRow("no data class") << with("    data_class: pii\n", "") << 2 << "has no data_class";
        QTest::newRow("yaml syntax error") << with("allowed: [EU]", "allowed: [EU") << 6 << "";
        QTest::newRow("tab indentation") << with("    mode: enforce", "\tmode: enforce") << 6 << "";
        QTest::newRow("rules not a list") << QStringLiteral("rules: eu-pii\n") << 1 << "rules must be a list";
        QTest::newRow("a rule not a map") << QStringLiteral("rules:\n  - eu-pii\n") << 2 << "must be a map";
        QTest::newRow("no rules") << QStringLiteral("name: fleet\n") << 1 << "has no rules";
        QTest::newRow("not a map") << QStringLiteral("- a\n- b\n") << 1 << "a policy file is a map";
        QTest::newRow("a key twice") << with("allowed: [EU]", "allowed: [EU]\n    allowed: [US]") << 6 << "allowed";
        QTest::newRow("a top-level key twice") << "name: a\nname: b\n" + rule << 2 << "name";
    }

    void refused()
    {
        QFETCH(QString, text);
        QFETCH(int, line);
        QFETCH(QString, words);
        const auto result = PolicyFile::parse(text.toStdString(), "policy.yaml");
        const auto *problems = std::get_if<std::vector<PolicyFile::Problem>>(&result);
        QVERIFY2(problems, "accepted");
        QVERIFY(!problems->empty());
        const std::string described = PolicyFile::describe(*problems, "policy.yaml");
        QCOMPARE(problems->front().line, line);
        QVERIFY2(problems->front().message.find(words.toStdString()) != std::string::npos, described.c_str());
        QVERIFY2(described.rfind("policy.yaml:" + std::to_string(line) + ": ", 0) == 0, described.c_str());
    }

    void everyProblemIsReported()
    {
        const auto result = PolicyFile::parse("rules:\n"
                                              "  - name: a\n"
                                              "    data_class: pii\n"
                                              "    subjects: [XX]\n"
                                              "    allowed: [YY]\n",
                                              "p.yaml");
        const auto &problems = std::get<std::vector<PolicyFile::Problem>>(result);
        QCOMPARE(problems.size(), size_t(2));
        QCOMPARE(problems[0].line, 4);
        QCOMPARE(problems[1].line, 5);
    }

    void validatorPaths()
    {
        Policy policy;
        policy.rules = {{"a", "pii", {"EU"}, {}, Mode::Enforce}};
        const auto problems = PolicyValidator::validate(policy);
        QCOMPARE(problems.size(), size_t(1));
        QCOMPARE(problems[0].path(), std::string("rules[0].allowed"));
        QVERIFY(PolicyValidator::isName("eu-pii.v2"));
        QVERIFY(!PolicyValidator::isName("-a"));
        QVERIFY(!PolicyValidator::isName(std::string(64, 'a')));
    }

    void diffInWords()
    {
        Policy before = parsed(kGood);
        Policy after = before;
        after.rules[0].allowed = {"EU", "CH"};
        after.rules.erase(after.rules.begin() + 2);
        after.rules.push_back({"in-pii", "pii", {"IN"}, {"IN"}, Mode::Audit});
        after.defaultSubject.clear();
        QCOMPARE(PolicyDiff::describe(before, after),
                 std::string("eu-pii: allowed EU -> EU, CH; added in-pii (pii of IN subjects only in IN, audit); removed "
                             "us-pii; default subject EU -> none"));
        QCOMPARE(PolicyDiff::summary(before.rules[1]), std::string("health of anyone only in EEA, CH, audit"));
    }
};

QTEST_APPLESS_MAIN(tst_PolicyFile)
#include "tst_policyfile.moc"
