#include "policydiff.h"

#include <map>

namespace keel::residency {

namespace {

std::string joined(const std::vector<std::string> &codes)
{
    std::string text;
    for (const auto &code : codes)
        text += (text.empty() ? "" : ", ") + code;
    return text;
}

} // namespace

std::string PolicyDiff::summary(const Rule &rule)
{
    const std::string who = rule.isPlacementRule() ? std::string("of anyone") : "of " + joined(rule.subjects) + " subjects";
    return rule.dataClass + " " + who + " only in " + joined(rule.allowed) + ", " + std::string(modeName(rule.mode));
}

std::string PolicyDiff::describe(const Policy &before, const Policy &after)
{
    std::vector<std::string> parts;
    std::map<std::string, const Rule *> old;
    for (const Rule &rule : before.rules)
        old.emplace(rule.name, &rule);
    for (const Rule &rule : after.rules) {
        const auto it = old.find(rule.name);
        if (it == old.end()) {
            parts.push_back("added " + rule.name + " (" + summary(rule) + ")");
            continue;
        }
        const Rule &was = *it->second;
        std::vector<std::string> changes;
        if (was.dataClass != rule.dataClass)
            changes.push_back("data_class " + was.dataClass + " -> " + rule.dataClass);
        if (was.subjects != rule.subjects)
            changes.push_back("subjects " + joined(was.subjects) + " -> " + joined(rule.subjects));
        if (was.allowed != rule.allowed)
            changes.push_back("allowed " + joined(was.allowed) + " -> " + joined(rule.allowed));
        if (was.mode != rule.mode)
            changes.push_back("mode " + std::string(modeName(was.mode)) + " -> " + std::string(modeName(rule.mode)));
        if (!changes.empty()) {
            std::string text = rule.name + ":";
            for (std::size_t i = 0; i < changes.size(); ++i)
                text += (i ? ", " : " ") + changes[i];
            parts.push_back(text);
        }
        old.erase(it);
    }
    for (const Rule &rule : before.rules) {
        if (old.count(rule.name))
            parts.push_back("removed " + rule.name);
    }
    if (before.defaultSubject != after.defaultSubject)
        parts.push_back("default subject " + (before.defaultSubject.empty() ? std::string("none") : before.defaultSubject)
                        + " -> " + (after.defaultSubject.empty() ? std::string("none") : after.defaultSubject));
    if (before.name != after.name)
        parts.push_back("name " + (before.name.empty() ? std::string("none") : before.name) + " -> "
                        + (after.name.empty() ? std::string("none") : after.name));
    if (parts.empty())
        return "no change";
    std::string text;
    for (const auto &part : parts)
        text += (text.empty() ? "" : "; ") + part;
    return text;
}

} // namespace keel::residency
