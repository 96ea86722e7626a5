// The two places a residency policy is enforced, as tables over data classes, subject
// jurisdictions and node jurisdictions: placement (may a component with these classes
// run on a node there?) and per request (may this node process this subject's data?).
#include "jurisdictions.h"
#include "residencyevaluator.h"

#include <QTest>

using namespace keel::residency;

namespace {

using Outcome = ResidencyEvaluator::Request::Outcome;

std::vector<std::string> strings(const QStringList &list)
{
    std::vector<std::string> out;
    for (const QString &item : list)
        out.push_back(item.toStdString());
    return out;
}

// The rule books the tables use, by name.
std::vector<Rule> rules(const QString &book)
{
    if (book == QLatin1String("subjects"))
        return {{"eu-pii", "pii", {"EU"}, {"EU"}, Mode::Enforce},
                {"eea-health", "health", {"EEA"}, {"EEA"}, Mode::Enforce},
                {"in-pii-audit", "pii", {"IN"}, {"IN"}, Mode::Audit}};
    if (book == QLatin1String("placement"))
        return {{"pii-eu-us", "pii", {"*"}, {"EU", "US"}, Mode::Enforce},
                {"health-eea-audit", "health", {"*"}, {"EEA"}, Mode::Audit}};
    if (book == QLatin1String("placement-only-eu"))
        return {{"pii-in-eu", "pii", {"*"}, {"EU"}, Mode::Enforce}};
    if (book == QLatin1String("placement-audit"))
        return {{"pii-eu-audit", "pii", {"*"}, {"EU"}, Mode::Audit}};
    if (book == QLatin1String("both"))
        return {{"pii-audit-anywhere", "pii", {"*"}, {"EU"}, Mode::Audit},
                {"pii-eu-strict", "pii", {"*"}, {"DE"}, Mode::Enforce},
                {"eu-pii", "pii", {"EU"}, {"EU"}, Mode::Enforce}};
    return {};
}

QString outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Allow: return QStringLiteral("allow");
    case Outcome::AllowAudited: return QStringLiteral("audited");
    case Outcome::Refuse: return QStringLiteral("refuse");
    case Outcome::BadRequest: return QStringLiteral("bad");
    }
    return {};
}

} // namespace

class tst_ResidencyEvaluator : public QObject
{
    Q_OBJECT

private slots:
    void jurisdictions()
    {
        QVERIFY(Jurisdictions::isKnown("DE"));
        QVERIFY(Jurisdictions::isKnown("EU"));
        QVERIFY(Jurisdictions::isKnown("EEA"));
        QVERIFY(!Jurisdictions::isKnown("de")); // codes are upper case; requests canonicalise
        QVERIFY(!Jurisdictions::isKnown("XX"));
        QVERIFY(!Jurisdictions::isKnown(""));
        QVERIFY(!Jurisdictions::isKnown("*"));
        QVERIFY(Jurisdictions::covers("EU", "DE"));
        QVERIFY(!Jurisdictions::covers("EU", "NO"));
        QVERIFY(Jurisdictions::covers("EEA", "NO"));
        QVERIFY(Jurisdictions::covers("EEA", "EU"));
        QVERIFY(Jurisdictions::covers("EEA", "FR"));
        QVERIFY(!Jurisdictions::covers("DE", "EU")); // a node in "EU" may be in any member
        QVERIFY(!Jurisdictions::covers("EU", "EEA"));
        QVERIFY(!Jurisdictions::covers("EU", "GB"));
        QVERIFY(!Jurisdictions::covers("US", ""));
        QCOMPARE(Jurisdictions::name("DE"), std::string_view("Germany"));
        QVERIFY(Jurisdictions::name("XX").empty());
        const auto all = Jurisdictions::all();
        QCOMPARE(all.front(), std::string("EEA"));
        QVERIFY(std::find(all.begin(), all.end(), "US") != all.end());
        for (const auto &code : all)
            QVERIFY2(Jurisdictions::isKnown(code), code.c_str());
    }

    void placement_data()
    {
        QTest::addColumn<QString>("book");
        QTest::addColumn<QStringList>("classes");
        QTest::addColumn<QString>("node");
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<QString>("rule"); // forbidding (enforce) or flagging (audit); empty: none

        const QStringList pii{"pii"}, health{"health"}, both{"pii", "health"}, other{"telemetry"}, none;
        QTest::newRow("pii in a member state") << "placement" << pii << "DE" << true << "";
        QTest::newRow("pii in the EU bloc") << "placement" << pii << "EU" << true << "";
        QTest::newRow("pii in the US") << "placement" << pii << "US" << true << "";
        QTest::newRow("pii in Norway (EEA, not EU)") << "placement" << pii << "NO" << false << "pii-eu-us";
        QTest::newRow("pii in India") << "placement" << pii << "IN" << false << "pii-eu-us";
        QTest::newRow("pii on a node without jurisdiction") << "placement" << pii << "" << false << "pii-eu-us";
        QTest::newRow("health in Norway") << "placement" << health << "NO" << true << "";
        QTest::newRow("health in the EU bloc") << "placement" << health << "EU" << true << "";
        QTest::newRow("health in the US: audit flags") << "placement" << health << "US" << true << "health-eea-audit";
        QTest::newRow("both in the US: flagged for health") << "placement" << both << "US" << true << "health-eea-audit";
        QTest::newRow("both in India: enforce wins") << "placement" << both << "IN" << false << "pii-eu-us";
        QTest::newRow("unconcerned class") << "placement" << other << "IN" << true << "";
        QTest::newRow("no classes") << "placement" << none << "IN" << true << "";
        QTest::newRow("subject rules never forbid placement") << "subjects" << pii << "US" << true << "";
        QTest::newRow("subject rules, health") << "subjects" << health << "IN" << true << "";
        QTest::newRow("audit placement rule flags") << "placement-audit" << pii << "US" << true << "pii-eu-audit";
        QTest::newRow("audit placement rule, allowed") << "placement-audit" << pii << "FR" << true << "";
        QTest::newRow("enforce beats an earlier audit") << "both" << pii << "US" << false << "pii-eu-strict";
        QTest::newRow("audit only where enforce allows") << "both" << pii << "DE" << true << "";
        QTest::newRow("enforce in another member") << "both" << pii << "FR" << false << "pii-eu-strict";
    }

    void placement()
    {
        QFETCH(QString, book);
        QFETCH(QStringList, classes);
        QFETCH(QString, node);
        QFETCH(bool, allowed);
        QFETCH(QString, rule);
        const auto ruleBook = rules(book);
        const auto verdict = ResidencyEvaluator::placement(ruleBook, strings(classes), node.toStdString());
        QCOMPARE(verdict.allowed, allowed);
        QCOMPARE(verdict.rule ? QString::fromStdString(verdict.rule->name) : QString(), rule);
        if (verdict.rule) {
            QCOMPARE(verdict.dataClass, verdict.rule->dataClass);
            QVERIFY2(verdict.reason.find(verdict.rule->name) != std::string::npos, verdict.reason.c_str());
        }
    }

    void request_data()
    {
        QTest::addColumn<QString>("book");
        QTest::addColumn<QStringList>("classes");
        QTest::addColumn<QString>("node");
        QTest::addColumn<QString>("header"); // "-": not sent
        QTest::addColumn<QString>("defaultSubject");
        QTest::addColumn<QString>("outcome");
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("subject"); // as decided

        const QStringList pii{"pii"}, health{"health"}, both{"pii", "health"}, other{"telemetry"}, none;
        // EU subjects' pii stays in the EU.
        QTest::newRow("EU subject, US node") << "subjects" << pii << "US" << "EU" << "" << "refuse" << "eu-pii" << "EU";
        QTest::newRow("member-state subject, US node") << "subjects" << pii << "US" << "DE" << "" << "refuse" << "eu-pii" << "DE";
        QTest::newRow("EU subject, member-state node") << "subjects" << pii << "DE" << "EU" << "" << "allow" << "" << "EU";
        QTest::newRow("EU subject, EU-bloc node") << "subjects" << pii << "EU" << "EU" << "" << "allow" << "" << "EU";
        QTest::newRow("member-state subject, other member") << "subjects" << pii << "FR" << "DE" << "" << "allow" << "" << "DE";
        QTest::newRow("EU subject, Norwegian node") << "subjects" << pii << "NO" << "EU" << "" << "refuse" << "eu-pii" << "EU";
        QTest::newRow("US subject, US node") << "subjects" << pii << "US" << "US" << "" << "allow" << "" << "US";
        QTest::newRow("Norwegian subject is not EU") << "subjects" << pii << "US" << "NO" << "" << "allow" << "" << "NO";
        QTest::newRow("EEA subject may be an EU one") << "subjects" << pii << "US" << "EEA" << "" << "refuse" << "eu-pii" << "EEA";
        // EEA covers Norway and the EU.
        QTest::newRow("health, NO subject, NO node") << "subjects" << health << "NO" << "NO" << "" << "allow" << "" << "NO";
        QTest::newRow("health, EU subject, NO node") << "subjects" << health << "NO" << "EU" << "" << "allow" << "" << "EU";
        QTest::newRow("health, NO subject, US node") << "subjects" << health << "US" << "NO" << "" << "refuse" << "eea-health" << "NO";
        QTest::newRow("health, DE subject, US node") << "subjects" << health << "US" << "DE" << "" << "refuse" << "eea-health" << "DE";
        QTest::newRow("health, US subject, US node") << "subjects" << health << "US" << "US" << "" << "allow" << "" << "US";
        QTest::newRow("health, NO subject, EU node") << "subjects" << health << "EU" << "NO" << "" << "allow" << "" << "NO";
        // Audit: served and flagged.
        QTest::newRow("IN subject, US node: audited") << "subjects" << pii << "US" << "IN" << "" << "audited" << "in-pii-audit" << "IN";
        QTest::newRow("IN subject, IN node") << "subjects" << pii << "IN" << "IN" << "" << "allow" << "" << "IN";
        QTest::newRow("two classes: the first refusal") << "subjects" << both << "US" << "DE" << "" << "refuse" << "eu-pii" << "DE";
        QTest::newRow("two classes, only health refuses") << "subjects" << both << "NO" << "NO" << "" << "allow" << "" << "NO";
        // The header: case, spaces, missing, malformed.
        QTest::newRow("lower case") << "subjects" << pii << "US" << "de" << "" << "refuse" << "eu-pii" << "DE";
        QTest::newRow("mixed case and spaces") << "subjects" << pii << "DE" << " Eu\t" << "" << "allow" << "" << "EU";
        QTest::newRow("missing, no default") << "subjects" << pii << "US" << "-" << "" << "bad" << "" << "";
        QTest::newRow("missing, default EU") << "subjects" << pii << "US" << "-" << "EU" << "refuse" << "eu-pii" << "EU";
        QTest::newRow("missing, default US") << "subjects" << pii << "US" << "-" << "US" << "allow" << "" << "US";
        QTest::newRow("unknown code") << "subjects" << pii << "DE" << "XX" << "" << "bad" << "" << "XX";
        QTest::newRow("unknown code, default set") << "subjects" << pii << "DE" << "XX" << "EU" << "bad" << "" << "XX";
        QTest::newRow("empty value") << "subjects" << pii << "DE" << "" << "EU" << "bad" << "" << "";
        QTest::newRow("star") << "subjects" << pii << "DE" << "*" << "" << "bad" << "" << "*";
        QTest::newRow("three letters") << "subjects" << pii << "DE" << "DEU" << "" << "bad" << "" << "DEU";
        QTest::newRow("a list") << "subjects" << pii << "DE" << "DE,FR" << "" << "bad" << "" << "DE,FR";
        QTest::newRow("a name") << "subjects" << pii << "DE" << "Germany" << "" << "bad" << "" << "GERMANY";
        // Components without concerned classes: the header means nothing to them.
        QTest::newRow("unconcerned class, bad header") << "subjects" << other << "US" << "XX" << "" << "allow" << "" << "";
        QTest::newRow("unconcerned class, no header") << "subjects" << other << "US" << "-" << "" << "allow" << "" << "";
        QTest::newRow("no classes") << "subjects" << none << "US" << "-" << "" << "allow" << "" << "";
        QTest::newRow("no rules") << "none" << pii << "US" << "-" << "" << "allow" << "" << "";
        // "*" rules: every subject, the header not needed.
        QTest::newRow("placement rule, no header") << "placement-only-eu" << pii << "US" << "-" << "" << "refuse" << "pii-in-eu" << "";
        QTest::newRow("placement rule, no header, EU node") << "placement-only-eu" << pii << "DE" << "-" << "" << "allow" << "" << "";
        QTest::newRow("placement rule, US subject") << "placement-only-eu" << pii << "US" << "US" << "" << "refuse" << "pii-in-eu" << "US";
        QTest::newRow("placement rule, malformed header") << "placement-only-eu" << pii << "DE" << "zz" << "" << "bad" << "" << "ZZ";
        QTest::newRow("audit placement rule") << "placement-audit" << pii << "US" << "-" << "" << "audited" << "pii-eu-audit" << "";
        QTest::newRow("audit then enforce") << "both" << pii << "FR" << "US" << "" << "refuse" << "pii-eu-strict" << "US";
        QTest::newRow("subject rules need the header first") << "both" << pii << "FR" << "-" << "" << "bad" << "" << "";
        QTest::newRow("audit, enforce allows") << "both" << pii << "DE" << "DE" << "" << "allow" << "" << "DE";
        QTest::newRow("audit flags where enforce allows") << "placement-audit" << pii << "IN" << "IN" << "" << "audited" << "pii-eu-audit" << "IN";
    }

    void request()
    {
        QFETCH(QString, book);
        QFETCH(QStringList, classes);
        QFETCH(QString, node);
        QFETCH(QString, header);
        QFETCH(QString, defaultSubject);
        QFETCH(QString, outcome);
        QFETCH(QString, rule);
        QFETCH(QString, subject);
        const auto ruleBook = rules(book);
        const std::string value = header.toStdString();
        const auto verdict = ResidencyEvaluator::request(
            ruleBook, strings(classes), node.toStdString(),
            header == QLatin1String("-") ? std::nullopt : std::optional<std::string_view>(value), defaultSubject.toStdString());
        QCOMPARE(outcomeName(verdict.outcome), outcome);
        QCOMPARE(verdict.rule ? QString::fromStdString(verdict.rule->name) : QString(), rule);
        if (verdict.outcome != Outcome::BadRequest)
            QCOMPARE(QString::fromStdString(verdict.subject), subject);
        if (verdict.outcome == Outcome::Refuse || verdict.outcome == Outcome::BadRequest)
            QVERIFY(!verdict.message.empty());
        if (verdict.outcome == Outcome::Refuse) {
            QCOMPARE(verdict.dataClass, verdict.rule->dataClass);
            QVERIFY2(verdict.message.find(verdict.rule->name) != std::string::npos, verdict.message.c_str());
        }
        if (verdict.outcome == Outcome::BadRequest)
            QVERIFY2(verdict.message.find("X-Keel-Subject-Jurisdiction") != std::string::npos, verdict.message.c_str());
    }

    // Where a refused request may go: a jurisdiction every enforce-mode rule covering
    // the subject allows; audit rules never take a place away.
    void allows_data()
    {
        QTest::addColumn<QString>("book");
        QTest::addColumn<QStringList>("classes");
        QTest::addColumn<QString>("subject");
        QTest::addColumn<QString>("place");
        QTest::addColumn<bool>("allowed");
        const QStringList pii{"pii"}, health{"health"};
        QTest::newRow("EU subject in EU") << "subjects" << pii << "EU" << "EU" << true;
        QTest::newRow("EU subject in DE") << "subjects" << pii << "EU" << "DE" << true;
        QTest::newRow("EU subject in US") << "subjects" << pii << "EU" << "US" << false;
        QTest::newRow("US subject in US") << "subjects" << pii << "US" << "US" << true;
        QTest::newRow("IN subject anywhere (audit)") << "subjects" << pii << "IN" << "US" << true;
        QTest::newRow("NO health subject in NO") << "subjects" << health << "NO" << "NO" << true;
        QTest::newRow("NO health subject in US") << "subjects" << health << "NO" << "US" << false;
        QTest::newRow("placement rule, any subject") << "placement-only-eu" << pii << "" << "US" << false;
        QTest::newRow("placement rule, in EU") << "placement-only-eu" << pii << "US" << "FR" << true;
        QTest::newRow("audit placement rule") << "placement-audit" << pii << "US" << "US" << true;
    }

    void allows()
    {
        QFETCH(QString, book);
        QFETCH(QStringList, classes);
        QFETCH(QString, subject);
        QFETCH(QString, place);
        QFETCH(bool, allowed);
        QCOMPARE(ResidencyEvaluator::allows(rules(book), strings(classes), subject.toStdString(), place.toStdString()),
                 allowed);
    }

    void subjectsAndConcern()
    {
        const auto book = rules(QStringLiteral("subjects"));
        QVERIFY(ResidencyEvaluator::needsSubject(book, {"pii"}));
        QVERIFY(!ResidencyEvaluator::needsSubject(book, {"telemetry"}));
        QVERIFY(!ResidencyEvaluator::needsSubject(rules(QStringLiteral("placement")), {"pii"}));
        QCOMPARE(ResidencyEvaluator::concerning(book, {"pii"}).size(), size_t(2));
        QCOMPARE(ResidencyEvaluator::concerning(book, {"pii", "health"}).size(), size_t(3));
        QVERIFY(ResidencyEvaluator::concerning(book, {}).empty());
        const Rule de{"de", "pii", {"DE"}, {"DE"}, Mode::Enforce};
        QVERIFY(ResidencyEvaluator::coversSubject(de, "DE"));
        QVERIFY(ResidencyEvaluator::coversSubject(de, "EU")); // an EU subject may be German
        QVERIFY(ResidencyEvaluator::coversSubject(de, "EEA"));
        QVERIFY(!ResidencyEvaluator::coversSubject(de, "FR"));
        const Rule star{"star", "pii", {"*"}, {"EU"}, Mode::Enforce};
        QVERIFY(ResidencyEvaluator::coversSubject(star, "US"));
        QVERIFY(star.isPlacementRule());
        QVERIFY(!de.isPlacementRule());
    }
};

QTEST_APPLESS_MAIN(tst_ResidencyEvaluator)
#include "tst_residencyevaluator.moc"
