#include "policyfile.h"

#include "policyvalidator.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <tuple>

namespace keel::residency {

namespace {

struct FileError
{
    int line;
    std::string message;
};

int lineOf(const YAML::Node &node)
{
    return node.Mark().line + 1;
}

[[noreturn]] void failAt(const YAML::Node &node, std::string message)
{
    throw FileError{lineOf(node), std::move(message)};
}

// Where each field and list item was written, to point PolicyValidator's problems at it.
using Lines = std::map<std::tuple<int, std::string, int>, int>;

// Unknown keys, and known ones given twice: yaml-cpp keeps both entries of a repeated
// key and a lookup finds only one, so `allowed: [US]` below `allowed: [EU]` would
// otherwise change the rule without a word.
void refuseUnknownKeys(const YAML::Node &map, const std::set<std::string> &known, const std::string &where)
{
    std::map<std::string, int> seen;
    for (const auto &entry : map) {
        const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string("?");
        if (const auto [first, added] = seen.emplace(key, lineOf(entry.first)); !added && known.count(key))
            failAt(entry.first, "field \"" + key + "\" is given twice in " + where + " (also on line "
                                    + std::to_string(first->second) + "): give it once");
        if (!known.count(key)) {
            std::string allowed;
            for (const auto &k : known)
                allowed += (allowed.empty() ? "" : ", ") + k;
            failAt(entry.first, "unknown field \"" + key.substr(0, 64) + "\" in " + where + " (allowed: " + allowed + ")");
        }
    }
}

std::string scalar(const YAML::Node &value, const std::string &what)
{
    if (!value.IsScalar())
        failAt(value, what + " must be a single value");
    return value.Scalar();
}

std::vector<std::string> codes(const YAML::Node &value, const std::string &what, int rule, const std::string &field,
                               Lines &lines)
{
    std::vector<std::string> list;
    if (value.IsScalar()) { // `subjects: "*"` and `allowed: EU` read as one-item lists
        lines[{rule, field, 0}] = lineOf(value);
        list.push_back(value.Scalar());
        return list;
    }
    if (!value.IsSequence())
        failAt(value, what + " must be a list of jurisdiction codes, e.g. [EU]");
    int i = 0;
    for (const auto &item : value) {
        lines[{rule, field, i++}] = lineOf(item);
        list.push_back(scalar(item, what + " item"));
    }
    return list;
}

Rule ruleAt(const YAML::Node &node, int index, Lines &lines)
{
    const std::string where = "rule " + std::to_string(index + 1);
    if (!node.IsMap())
        failAt(node, where + " must be a map with name, data_class, subjects, allowed and mode");
    refuseUnknownKeys(node, {"name", "data_class", "subjects", "allowed", "mode"}, where);
    lines[{index, "", -1}] = lineOf(node);
    Rule rule;
    for (const char *key : {"name", "data_class", "subjects", "allowed", "mode"})
        lines[{index, key, -1}] = lineOf(node[key] ? node[key] : node);
    if (node["name"])
        rule.name = scalar(node["name"], where + " name");
    const std::string label = rule.name.empty() ? where : "rule " + rule.name;
    if (node["data_class"])
        rule.dataClass = scalar(node["data_class"], label + " data_class");
    if (!node["subjects"])
        failAt(node, label + " has no subjects: list the data subjects' jurisdictions it covers, or [\"*\"] for everyone");
    rule.subjects = codes(node["subjects"], label + " subjects", index, "subjects", lines);
    if (!node["allowed"])
        failAt(node, label + " has no allowed: list the jurisdictions where the data may be processed");
    rule.allowed = codes(node["allowed"], label + " allowed", index, "allowed", lines);
    if (node["mode"]) {
        const std::string mode = scalar(node["mode"], label + " mode");
        if (mode == "enforce")
            rule.mode = Mode::Enforce;
        else if (mode == "audit")
            rule.mode = Mode::Audit;
        else
            failAt(node["mode"], label + ": mode \"" + mode.substr(0, 32) + "\" is neither enforce nor audit");
    }
    return rule;
}

int lineFor(const Lines &lines, const PolicyProblem &problem)
{
    for (const auto &key : {std::tuple<int, std::string, int>{problem.rule, problem.field, problem.item},
                            std::tuple<int, std::string, int>{problem.rule, problem.field, -1},
                            std::tuple<int, std::string, int>{problem.rule, std::string(), -1}}) {
        if (const auto it = lines.find(key); it != lines.end())
            return it->second;
    }
    return 0;
}

} // namespace

PolicyFile::Result PolicyFile::parse(std::string_view text, const std::string &file)
{
    (void)file;
    Lines lines;
    Policy policy;
    try {
        const YAML::Node root = YAML::Load(std::string(text));
        if (!root.IsMap())
            throw FileError{root.IsDefined() && !root.IsNull() ? lineOf(root) : 1,
                            "a policy file is a map with rules (and optionally name and default_subject)"};
        refuseUnknownKeys(root, {"name", "default_subject", "rules"}, "the policy");
        if (root["name"]) {
            lines[{-1, "name", -1}] = lineOf(root["name"]);
            policy.name = scalar(root["name"], "name");
        }
        if (root["default_subject"]) {
            lines[{-1, "default_subject", -1}] = lineOf(root["default_subject"]);
            policy.defaultSubject = scalar(root["default_subject"], "default_subject");
        }
        const YAML::Node rules = root["rules"];
        if (!rules)
            throw FileError{1, "the policy has no rules: add a rules list (it may be empty: rules: [])"};
        lines[{-1, "rules", -1}] = lineOf(rules);
        if (!rules.IsSequence() && !rules.IsNull())
            failAt(rules, "rules must be a list");
        int index = 0;
        for (const auto &node : rules) {
            if (std::size_t(index) >= PolicyValidator::kMaxRules)
                failAt(node, "more than " + std::to_string(PolicyValidator::kMaxRules) + " rules");
            policy.rules.push_back(ruleAt(node, index++, lines));
        }
    } catch (const FileError &error) {
        return std::vector<Problem>{{error.line, error.message}};
    } catch (const YAML::Exception &error) {
        return std::vector<Problem>{{error.mark.is_null() ? 0 : error.mark.line + 1, error.msg}};
    }
    const auto problems = PolicyValidator::validate(policy);
    if (problems.empty())
        return policy;
    std::vector<Problem> located;
    for (const PolicyProblem &problem : problems)
        located.push_back({lineFor(lines, problem), problem.message});
    return located;
}

std::string PolicyFile::toYaml(const Policy &policy)
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    if (!policy.name.empty())
        out << YAML::Key << "name" << YAML::Value << policy.name;
    if (!policy.defaultSubject.empty())
        out << YAML::Key << "default_subject" << YAML::Value << policy.defaultSubject;
    out << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq;
    for (const Rule &rule : policy.rules) {
        out << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << rule.name;
        out << YAML::Key << "data_class" << YAML::Value << rule.dataClass;
        out << YAML::Key << "subjects" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const auto &s : rule.subjects)
            out << (s == "*" ? YAML::DoubleQuoted : YAML::Auto) << s;
        out << YAML::EndSeq;
        out << YAML::Key << "allowed" << YAML::Value << YAML::Flow << rule.allowed;
        out << YAML::Key << "mode" << YAML::Value << std::string(modeName(rule.mode));
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

std::string PolicyFile::describe(const std::vector<Problem> &problems, const std::string &file)
{
    std::string text;
    for (const Problem &problem : problems) {
        text += file;
        if (problem.line > 0)
            text += ":" + std::to_string(problem.line);
        text += ": " + problem.message + "\n";
    }
    return text;
}

} // namespace keel::residency
