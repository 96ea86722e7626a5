#include "residencyevaluator.h"

#include "jurisdictions.h"

#include <algorithm>
#include <cctype>

namespace keel::residency {

namespace {

std::string joined(const std::vector<std::string> &codes)
{
    std::string text;
    for (const auto &code : codes) {
        if (!text.empty())
            text += ", ";
        text += code;
    }
    return text;
}

bool hasClass(const std::vector<std::string> &classes, const std::string &dataClass)
{
    return std::find(classes.cbegin(), classes.cend(), dataClass) != classes.cend();
}

// Header values are case-insensitive ("eu" is EU) and may carry spaces around them.
std::string canonicalCode(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    std::string code(text);
    for (char &c : code)
        c = char(std::toupper(static_cast<unsigned char>(c)));
    return code;
}

} // namespace

bool ResidencyEvaluator::coversSubject(const Rule &rule, std::string_view subject)
{
    return std::any_of(rule.subjects.cbegin(), rule.subjects.cend(), [&](const std::string &s) {
        return s == "*" || Jurisdictions::covers(s, subject) || Jurisdictions::covers(subject, s);
    });
}

std::vector<const Rule *> ResidencyEvaluator::concerning(const std::vector<Rule> &rules,
                                                         const std::vector<std::string> &dataClasses)
{
    std::vector<const Rule *> found;
    for (const Rule &rule : rules) {
        if (hasClass(dataClasses, rule.dataClass))
            found.push_back(&rule);
    }
    return found;
}

bool ResidencyEvaluator::needsSubject(const std::vector<Rule> &rules, const std::vector<std::string> &dataClasses)
{
    const auto found = concerning(rules, dataClasses);
    return std::any_of(found.cbegin(), found.cend(), [](const Rule *rule) { return !rule->isPlacementRule(); });
}

ResidencyEvaluator::Placement ResidencyEvaluator::placement(const std::vector<Rule> &rules,
                                                            const std::vector<std::string> &dataClasses,
                                                            std::string_view nodeJurisdiction)
{
    Placement verdict;
    for (const Rule *rule : concerning(rules, dataClasses)) {
        if (!rule->isPlacementRule() || Jurisdictions::coversAny(rule->allowed, nodeJurisdiction))
            continue;
        const bool enforce = rule->mode == Mode::Enforce;
        if (verdict.rule && (!enforce || !verdict.allowed))
            continue; // the first enforce rule wins over audit ones
        verdict.allowed = !enforce;
        verdict.rule = rule;
        verdict.dataClass = rule->dataClass;
        verdict.reason = rule->dataClass + " may be processed only in " + joined(rule->allowed) + "; the node is in "
                         + (nodeJurisdiction.empty() ? std::string("no jurisdiction") : std::string(nodeJurisdiction))
                         + " (rule " + rule->name + (enforce ? "" : ", audit") + ")";
    }
    return verdict;
}

bool ResidencyEvaluator::allows(const std::vector<Rule> &rules, const std::vector<std::string> &dataClasses,
                                std::string_view subject, std::string_view jurisdiction)
{
    for (const Rule *rule : concerning(rules, dataClasses)) {
        if (rule->mode == Mode::Enforce && coversSubject(*rule, subject)
            && !Jurisdictions::coversAny(rule->allowed, jurisdiction))
            return false;
    }
    return true;
}

ResidencyEvaluator::Request ResidencyEvaluator::request(const std::vector<Rule> &rules,
                                                        const std::vector<std::string> &dataClasses,
                                                        std::string_view nodeJurisdiction,
                                                        std::optional<std::string_view> subjectHeader,
                                                        std::string_view defaultSubject)
{
    Request verdict;
    const auto found = concerning(rules, dataClasses);
    if (found.empty())
        return verdict; // no rule concerns this component: the header means nothing here
    const bool subjectRules = std::any_of(found.cbegin(), found.cend(), [](const Rule *r) { return !r->isPlacementRule(); });

    if (subjectHeader) {
        verdict.subject = canonicalCode(*subjectHeader);
        if (verdict.subject.empty() || verdict.subject == "*" || !Jurisdictions::isKnown(verdict.subject)) {
            verdict.outcome = Request::Outcome::BadRequest;
            verdict.message = "X-Keel-Subject-Jurisdiction: \"" + std::string(subjectHeader->substr(0, 32))
                              + "\" is not a jurisdiction code: send the data subject's home jurisdiction as an ISO "
                                "3166-1 alpha-2 code (DE, US, IN) or EU or EEA";
            return verdict;
        }
    } else if (!defaultSubject.empty()) {
        verdict.subject = std::string(defaultSubject);
    } else if (subjectRules) {
        const auto rule = std::find_if(found.cbegin(), found.cend(), [](const Rule *r) { return !r->isPlacementRule(); });
        verdict.outcome = Request::Outcome::BadRequest;
        verdict.message = "this component processes " + (*rule)->dataClass + ", which rule " + (*rule)->name
                          + " restricts by the data subject's home jurisdiction: send it in X-Keel-Subject-Jurisdiction "
                            "(for example EU, US or IN)";
        return verdict;
    }

    for (const Rule *rule : found) {
        const bool covered = verdict.subject.empty() ? rule->isPlacementRule() : coversSubject(*rule, verdict.subject);
        if (!covered || Jurisdictions::coversAny(rule->allowed, nodeJurisdiction))
            continue;
        if (rule->mode == Mode::Enforce) {
            verdict.outcome = Request::Outcome::Refuse;
            verdict.rule = rule;
            verdict.dataClass = rule->dataClass;
            verdict.message = rule->dataClass + " of "
                              + (verdict.subject.empty() ? std::string("any") : verdict.subject)
                              + " subjects may be processed only in " + joined(rule->allowed) + "; this node is in "
                              + std::string(nodeJurisdiction) + " (rule " + rule->name + ")";
            return verdict;
        }
        if (verdict.outcome == Request::Outcome::Allow) {
            verdict.outcome = Request::Outcome::AllowAudited;
            verdict.rule = rule;
            verdict.dataClass = rule->dataClass;
        }
    }
    return verdict;
}

} // namespace keel::residency
