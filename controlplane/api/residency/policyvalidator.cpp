#include "policyvalidator.h"

#include "jurisdictions.h"
#include "manifestrules.h"

#include <algorithm>
#include <map>
#include <set>

namespace keel::residency {

namespace {

std::string inQuotes(std::string_view text)
{
    return "\"" + std::string(text.substr(0, 64)) + "\"";
}

std::string ruleLabel(const Policy &policy, int index)
{
    const Rule &rule = policy.rules[std::size_t(index)];
    return rule.name.empty() ? "rule " + std::to_string(index + 1) : "rule " + rule.name;
}

void checkCodes(const Policy &policy, int index, const std::vector<std::string> &codes, const std::string &field,
                bool starAllowed, std::vector<PolicyProblem> &problems)
{
    const std::string label = ruleLabel(policy, index);
    if (codes.empty()) {
        problems.push_back({index, field, -1,
                            label + " has no " + field + ": list at least one jurisdiction code"
                                + (starAllowed ? std::string(" (or \"*\" for every subject)") : std::string())});
        return;
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < codes.size(); ++i) {
        const std::string &code = codes[i];
        if (code == "*") {
            if (!starAllowed)
                problems.push_back({index, field, int(i), label + ": \"*\" cannot be in allowed: list the jurisdictions where the data may be processed"});
            else if (codes.size() > 1)
                problems.push_back({index, field, int(i), label + ": \"*\" covers every subject: list it alone"});
        } else if (!Jurisdictions::isKnown(code)) {
            problems.push_back({index, field, int(i),
                                label + ": unknown jurisdiction code " + inQuotes(code)
                                    + " in " + field + ": use an ISO 3166-1 alpha-2 code in upper case (DE, US, IN) or EU or EEA"});
        }
        if (!seen.insert(code).second)
            problems.push_back({index, field, int(i), label + ": " + inQuotes(code) + " listed twice in " + field});
    }
}

// For each data class, some subject's data must have somewhere to go: the jurisdictions
// every enforce-mode rule covering that subject allows must meet. Checked over every known
// code as the subject and the place; the first subject found empty is reported, once per
// class.
void checkSatisfiable(const Policy &policy, std::vector<PolicyProblem> &problems)
{
    // Audit-mode rules refuse nothing: one that contradicts the enforce-mode rules only
    // flags what they allow (a way to try a stricter rule before enforcing it).
    std::map<std::string, std::vector<int>> byClass;
    for (std::size_t i = 0; i < policy.rules.size(); ++i) {
        if (policy.rules[i].mode == Mode::Enforce)
            byClass[policy.rules[i].dataClass].push_back(int(i));
    }
    const std::vector<std::string> codes = Jurisdictions::all();
    for (const auto &[dataClass, indices] : byClass) {
        if (indices.size() < 2)
            continue; // one rule with a non-empty allowed always leaves somewhere
        for (const std::string &subject : codes) {
            std::vector<int> covering;
            for (int index : indices) {
                const Rule &rule = policy.rules[std::size_t(index)];
                const bool covers = std::any_of(rule.subjects.cbegin(), rule.subjects.cend(), [&](const std::string &s) {
                    return s == "*" || Jurisdictions::covers(s, subject);
                });
                if (covers)
                    covering.push_back(index);
            }
            if (covering.size() < 2)
                continue;
            const bool somewhere = std::any_of(codes.cbegin(), codes.cend(), [&](const std::string &place) {
                return std::all_of(covering.cbegin(), covering.cend(), [&](int index) {
                    return Jurisdictions::coversAny(policy.rules[std::size_t(index)].allowed, place);
                });
            });
            if (somewhere)
                continue;
            std::string which;
            for (int index : covering) {
                const Rule &rule = policy.rules[std::size_t(index)];
                std::string allowed;
                for (const auto &code : rule.allowed)
                    allowed += (allowed.empty() ? "" : ", ") + code;
                which += (which.empty() ? "" : "; ") + ruleLabel(policy, index) + " allows " + allowed;
            }
            problems.push_back({covering.back(), "allowed", -1,
                                "data class " + inQuotes(dataClass) + " of " + subject
                                    + " subjects is left with no jurisdiction where it may be processed (" + which
                                    + "): make the rules' allowed lists meet"});
            break;
        }
    }
}

} // namespace

std::string PolicyProblem::path() const
{
    std::string text;
    if (rule >= 0)
        text = "rules[" + std::to_string(rule) + "]";
    if (!field.empty())
        text += (text.empty() ? "" : ".") + field;
    if (item >= 0)
        text += "[" + std::to_string(item) + "]";
    return text;
}

bool PolicyValidator::isName(std::string_view text)
{
    if (text.empty() || text.size() > 63)
        return false;
    auto lowerOrDigit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!lowerOrDigit(text.front()))
        return false;
    return std::all_of(text.cbegin(), text.cend(), [&](char c) { return lowerOrDigit(c) || c == '.' || c == '_' || c == '-'; });
}

std::vector<PolicyProblem> PolicyValidator::validate(const Policy &policy)
{
    std::vector<PolicyProblem> problems;
    if (!policy.name.empty() && !isName(policy.name))
        problems.push_back({-1, "name", -1, "policy name " + inQuotes(policy.name) + " is not a name ([a-z0-9][a-z0-9._-]{0,62})"});
    if (!policy.defaultSubject.empty() && (policy.defaultSubject == "*" || !Jurisdictions::isKnown(policy.defaultSubject)))
        problems.push_back({-1, "default_subject", -1,
                            "default_subject " + inQuotes(policy.defaultSubject)
                                + " is not a jurisdiction code: use an ISO 3166-1 alpha-2 code (DE, US, IN) or EU or EEA"});
    if (policy.rules.size() > kMaxRules) {
        problems.push_back({-1, "rules", -1,
                            std::to_string(policy.rules.size()) + " rules is more than " + std::to_string(kMaxRules)
                                + ": merge rules that share a data class and subjects"});
        return problems;
    }
    std::map<std::string, int> names;
    for (std::size_t i = 0; i < policy.rules.size(); ++i) {
        const int index = int(i);
        const Rule &rule = policy.rules[i];
        if (rule.name.empty())
            problems.push_back({index, "name", -1, "rule " + std::to_string(i + 1) + " has no name: give it one (e.g. eu-pii)"});
        else if (!isName(rule.name))
            problems.push_back({index, "name", -1, "rule name " + inQuotes(rule.name) + " is not a name ([a-z0-9][a-z0-9._-]{0,62})"});
        else if (const auto [it, inserted] = names.emplace(rule.name, index); !inserted)
            problems.push_back({index, "name", -1,
                                "duplicate rule name " + inQuotes(rule.name) + " (also rule " + std::to_string(it->second + 1)
                                    + "): rule names must be unique"});
        if (rule.dataClass.empty())
            problems.push_back({index, "data_class", -1, ruleLabel(policy, index) + " has no data_class: name the class it governs (e.g. pii)"});
        else if (!keel::manifest::ManifestRules::isDataClass(rule.dataClass))
            problems.push_back({index, "data_class", -1,
                                ruleLabel(policy, index) + ": " + inQuotes(rule.dataClass) + " is not a data class ([a-z0-9][a-z0-9_-]{0,31})"});
        checkCodes(policy, index, rule.subjects, std::string("subjects"), true, problems);
        checkCodes(policy, index, rule.allowed, std::string("allowed"), false, problems);
    }
    if (problems.empty())
        checkSatisfiable(policy, problems);
    return problems;
}

} // namespace keel::residency
