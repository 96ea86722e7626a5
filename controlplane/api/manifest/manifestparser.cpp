#include "manifestparser.h"

#include "manifestrules.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <set>

namespace keel::manifest {

namespace {

constexpr std::array<std::string_view, 11> kFields{
    "name", "version", "abi", "module", "aot", "tier", "data_classes", "grants", "config", "limits", "health_path"};
constexpr std::array<std::string_view, 4> kRequired{"name", "version", "abi", "module"};

std::string joined(auto names)
{
    std::string text;
    for (const auto &name : names)
        text += (text.empty() ? "" : ", ") + std::string(name);
    return text;
}

} // namespace

ManifestParser::ManifestParser(std::filesystem::path origin, std::filesystem::path baseDir,
                               bool checkFiles)
    : m_origin(std::move(origin))
    , m_baseDir(std::move(baseDir))
    , m_checkFiles(checkFiles)
{
}

std::optional<ComponentManifest> ManifestParser::parse(std::string_view text)
{
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(std::string(text));
    } catch (const YAML::Exception &e) {
        fail(e.mark.is_null() ? 0 : e.mark.line + 1, {}, "not valid YAML: " + e.msg);
        return std::nullopt;
    }
    if (documents.empty() || documents.front().IsNull()) {
        fail(0, {}, "the manifest is empty");
        return std::nullopt;
    }
    if (documents.size() > 1) {
        fail(documents[1], {}, "one manifest per file: found a second YAML document");
        return std::nullopt;
    }

    ComponentManifest manifest;
    manifest.source = m_origin;
    parseRoot(documents.front(), manifest);
    if (!m_errors.empty())
        return std::nullopt;
    return manifest;
}

void ManifestParser::parseRoot(const YAML::Node &root, ComponentManifest &manifest)
{
    if (!root.IsMap()) {
        fail(root, {}, "a manifest is a mapping of fields (name: ..., version: ..., ...)");
        return;
    }
    std::set<std::string> seen;
    for (const auto &entry : root) {
        const YAML::Node &key = entry.first;
        if (!key.IsScalar()) {
            fail(key, {}, "field names are plain strings");
            continue;
        }
        const std::string field = key.Scalar();
        if (std::find(kFields.begin(), kFields.end(), field) == kFields.end()) {
            fail(key, field, "unknown field (known: " + joined(kFields) + ")");
            continue;
        }
        if (!seen.insert(field).second) {
            fail(key, field, "given twice");
            continue;
        }
        parseField(field, key, entry.second, manifest);
    }
    for (const auto field : kRequired) {
        if (!seen.contains(std::string(field)))
            fail(root, std::string(field), "missing (required)");
    }
    // When `aot` was given but refused, that error already says what to fix.
    if (manifest.tier == Tier::Aot && !seen.contains("aot"))
        fail(root["tier"], "tier", "tier aot needs an `aot` object (made by keel-aot)");
}

void ManifestParser::parseField(const std::string &field, const YAML::Node &key,
                                const YAML::Node &value, ComponentManifest &manifest)
{
    m_keyLine = lineOf(key);
    if (field == "name") {
        m_nameLine = m_keyLine;
        if (const auto name = scalar(value, field)) {
            if (ManifestRules::isName(*name))
                manifest.name = *name;
            else
                fail(value, field, "'" + *name + "' is not a component name ([a-z0-9][a-z0-9-]{0,62})");
        }
    } else if (field == "version") {
        if (const auto version = scalar(value, field)) {
            if (ManifestRules::isVersion(*version))
                manifest.version = *version;
            else
                fail(value, field, "'" + *version + "' is not a version (like 1.2.0 or 1.2.0-rc.1)");
        }
    } else if (field == "abi") {
        if (const auto abi = scalar(value, field)) {
            if (const auto parsed = abiFromString(*abi))
                manifest.abi = *parsed;
            else
                fail(value, field, "'" + *abi + "' is not an ABI (wagi or keel)");
        }
    } else if (field == "module") {
        if (auto path = file(value, field))
            manifest.module = std::move(*path);
    } else if (field == "aot") {
        if (auto path = file(value, field))
            manifest.aot = std::move(*path);
    } else if (field == "tier") {
        if (const auto tier = scalar(value, field)) {
            if (const auto parsed = tierFromString(*tier))
                manifest.tier = *parsed;
            else
                fail(value, field, "'" + *tier + "' is not a tier (auto, interp or aot)");
        }
    } else if (field == "data_classes") {
        parseDataClasses(value, manifest.dataClasses);
    } else if (field == "grants") {
        parseGrants(value, manifest.grants);
    } else if (field == "config") {
        parseConfig(value, manifest.config);
    } else if (field == "limits") {
        parseLimits(value, manifest.limits);
    } else if (field == "health_path") {
        if (const auto path = scalar(value, field)) {
            if (auto problem = ManifestRules::healthPathProblem(*path); problem.empty())
                manifest.healthPath = *path;
            else
                fail(value, field, std::move(problem));
        }
    }
}

void ManifestParser::parseDataClasses(const YAML::Node &node, std::vector<std::string> &dataClasses)
{
    if (isEmpty(node))
        return;
    if (!node.IsSequence()) {
        fail(node, "data_classes", "expected a list, e.g. [pii]");
        return;
    }
    for (const auto &item : node) {
        const auto name = scalar(item, "data_classes");
        if (!name)
            continue;
        if (!ManifestRules::isDataClass(*name))
            fail(item, "data_classes", "'" + *name + "' is not a data class ([a-z0-9][a-z0-9_-]{0,31})");
        else if (std::find(dataClasses.begin(), dataClasses.end(), *name) != dataClasses.end())
            fail(item, "data_classes", "'" + *name + "' listed twice");
        else
            dataClasses.push_back(*name);
    }
}

void ManifestParser::parseGrants(const YAML::Node &node, std::vector<Grant> &grants)
{
    if (isEmpty(node))
        return;
    if (!node.IsSequence()) {
        fail(node, "grants", "expected a list, e.g. [log, kv]");
        return;
    }
    for (const auto &item : node) {
        const auto name = scalar(item, "grants");
        if (!name)
            continue;
        const auto grant = grantFromString(*name);
        if (!grant)
            fail(item, "grants", "unknown grant '" + *name + "' (known: log, kv, clock, config)");
        else if (std::find(grants.begin(), grants.end(), *grant) != grants.end())
            fail(item, "grants", "'" + *name + "' listed twice");
        else
            grants.push_back(*grant);
    }
}

void ManifestParser::parseConfig(const YAML::Node &node, std::map<std::string, std::string> &config)
{
    if (isEmpty(node))
        return;
    if (!node.IsMap()) {
        fail(node, "config", "expected a mapping of strings, e.g. {greeting: hello}");
        return;
    }
    for (const auto &entry : node) {
        const auto key = scalar(entry.first, "config");
        if (!key)
            continue;
        const std::string field = "config." + *key;
        if (key->empty()) {
            fail(entry.first, "config", "keys must not be empty");
            continue;
        }
        m_keyLine = lineOf(entry.first);
        const auto value = scalar(entry.second, field);
        if (value && !config.emplace(*key, *value).second)
            fail(entry.first, field, "given twice");
    }
}

void ManifestParser::parseLimits(const YAML::Node &node, ComponentManifest::Limits &limits)
{
    using Limits = ComponentManifest::Limits;
    if (isEmpty(node))
        return;
    if (!node.IsMap()) {
        fail(node, "limits", "expected a mapping, e.g. {memory_mb: 64, deadline_ms: 2000}");
        return;
    }
    std::set<std::string> seen;
    for (const auto &entry : node) {
        const auto key = scalar(entry.first, "limits");
        if (!key)
            continue;
        const std::string field = "limits." + *key;
        if (!seen.insert(*key).second) {
            fail(entry.first, field, "given twice");
            continue;
        }
        m_keyLine = lineOf(entry.first);
        if (*key == "memory_mb") {
            if (const auto v = integer(entry.second, field, 1, Limits::kMaxMemoryMb))
                limits.memoryMb = static_cast<std::uint32_t>(*v);
        } else if (*key == "deadline_ms") {
            if (const auto v = integer(entry.second, field, 1, Limits::kMaxDeadlineMs))
                limits.deadlineMs = static_cast<std::uint32_t>(*v);
        } else if (*key == "max_response_bytes") {
            if (const auto v = integer(entry.second, field, 1, Limits::kMaxResponseBytes))
                limits.maxResponseBytes = *v;
        } else if (*key == "max_table_elements") {
            if (const auto v = integer(entry.second, field, 1, Limits::kMaxTableElements))
                limits.maxTableElements = static_cast<std::uint32_t>(*v);
        } else if (*key == "max_instances") {
            if (const auto v = integer(entry.second, field, 1, Limits::kMaxInstances))
                limits.maxInstances = static_cast<std::uint32_t>(*v);
        } else {
            fail(entry.first, field,
                 "unknown limit (known: memory_mb, deadline_ms, max_response_bytes, max_table_elements, max_instances)");
        }
    }
}

std::optional<std::string> ManifestParser::scalar(const YAML::Node &node, const std::string &field)
{
    if (node.IsScalar())
        return node.Scalar();
    fail(node, field, node.IsNull() ? "needs a value" : "expected a single value, not a list or mapping");
    return std::nullopt;
}

std::optional<std::filesystem::path> ManifestParser::file(const YAML::Node &node,
                                                          const std::string &field)
{
    const auto text = scalar(node, field);
    if (!text)
        return std::nullopt;
    const std::filesystem::path relative(*text);
    if (text->empty()) {
        fail(node, field, "needs a file name");
        return std::nullopt;
    }
    if (relative.is_absolute()) {
        fail(node, field, "'" + *text + "' must be relative to the manifest's directory");
        return std::nullopt;
    }
    for (const auto &part : relative) {
        if (part == "..") {
            fail(node, field, "'" + *text + "' must stay inside the manifest's directory");
            return std::nullopt;
        }
    }
    const std::filesystem::path resolved =
        (std::filesystem::absolute(m_baseDir) / relative).lexically_normal();
    std::error_code ec;
    if (m_checkFiles && !std::filesystem::is_regular_file(resolved, ec)) {
        fail(node, field, "file not found: " + resolved.string());
        return std::nullopt;
    }
    return resolved;
}

std::optional<std::uint64_t> ManifestParser::integer(const YAML::Node &node, const std::string &field,
                                                     std::uint64_t min, std::uint64_t max)
{
    const auto text = scalar(node, field);
    if (!text)
        return std::nullopt;
    std::uint64_t value = 0;
    const char *end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    // from_chars accepts no sign, so "-1" and "+1" fail here as they should.
    if (text->empty() || ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
        fail(node, field, "'" + *text + "' is not a whole number");
        return std::nullopt;
    }
    if (ec == std::errc::result_out_of_range || value < min || value > max) {
        fail(node, field, "'" + *text + "' is out of range [" + std::to_string(min) + ", "
                              + std::to_string(max) + "]");
        return std::nullopt;
    }
    return value;
}

bool ManifestParser::isEmpty(const YAML::Node &node) const
{
    return node.IsNull();
}

int ManifestParser::lineOf(const YAML::Node &node) const
{
    // yaml-cpp marks an empty value at the token after it, often the next line: report
    // it at its key instead.
    const YAML::Mark mark = node.Mark();
    return node.IsNull() || mark.is_null() ? m_keyLine : mark.line + 1;
}

void ManifestParser::fail(const YAML::Node &node, std::string field, std::string reason)
{
    fail(lineOf(node), std::move(field), std::move(reason));
}

void ManifestParser::fail(int line, std::string field, std::string reason)
{
    m_errors.push_back(ManifestError{m_origin, line, std::move(field), std::move(reason)});
}

} // namespace keel::manifest
