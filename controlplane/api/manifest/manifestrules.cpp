#include "manifestrules.h"

#include <algorithm>
#include <set>

namespace keel::manifest {

namespace {

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// [a-z0-9][a-z0-9<extra>]{0,maxLength-1}
bool isIdentifier(std::string_view text, std::size_t maxLength, std::string_view extra)
{
    if (text.empty() || text.size() > maxLength || !isLowerAlnum(text.front()))
        return false;
    return std::all_of(text.begin(), text.end(), [&](char c) {
        return isLowerAlnum(c) || extra.find(c) != std::string_view::npos;
    });
}

// A health path may only hold what the agent can send as a request path as is.
bool isHealthPathChar(char c)
{
    return c > ' ' && c < 0x7f && c != '?' && c != '#';
}

// The value as an error message shows it: at most 64 characters, anything unprintable
// as \xNN, so a hostile value cannot forge log lines.
std::string shown(std::string_view text)
{
    static constexpr std::size_t kShown = 64;
    std::string out;
    for (const char c : text.substr(0, kShown)) {
        if (c >= ' ' && c < 0x7f && c != '\\') {
            out += c;
        } else {
            static constexpr char kHex[] = "0123456789abcdef";
            const auto byte = static_cast<unsigned char>(c);
            out += "\\x";
            out += kHex[byte >> 4];
            out += kHex[byte & 0xf];
        }
    }
    if (text.size() > kShown)
        out += "...";
    return out;
}

} // namespace

bool ManifestRules::isName(std::string_view text)
{
    return isIdentifier(text, 63, "-");
}

bool ManifestRules::isVersion(std::string_view text)
{
    if (text.empty() || text.size() > 64 || text.front() < '0' || text.front() > '9')
        return false;
    return std::all_of(text.begin(), text.end(), [](char c) {
        return isLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '+';
    });
}

bool ManifestRules::isDataClass(std::string_view text)
{
    return isIdentifier(text, 32, "_-");
}

bool ManifestRules::isHealthPath(std::string_view text)
{
    return !text.empty() && text.front() == '/' && text.size() <= kMaxHealthPath
           && std::all_of(text.begin(), text.end(), isHealthPathChar);
}

std::string ManifestRules::healthPathProblem(std::string_view text)
{
    if (isHealthPath(text))
        return {};
    const std::string value = "'" + shown(text) + "'";
    const std::string fix = "; write a path below the component such as /healthz, or leave health_path out";
    if (text.empty())
        return "needs a path" + fix;
    if (text.front() != '/')
        return value + " does not start with '/'" + fix;
    if (text.size() > kMaxHealthPath)
        return value + " is " + std::to_string(text.size()) + " characters long, over "
               + std::to_string(kMaxHealthPath) + fix;
    const auto bad = std::find_if_not(text.begin(), text.end(), isHealthPathChar);
    const char c = *bad;
    const std::string what = c == ' ' ? "a space" : c == '?' ? "'?' (no query)" : c == '#' ? "'#' (no fragment)"
                                                                         : "'" + shown(std::string_view(&c, 1)) + "'";
    return value + " contains " + what + " at position " + std::to_string(bad - text.begin())
           + "; only printable ASCII without spaces, '?' or '#' is allowed" + fix;
}

std::vector<ManifestRules::Problem> ManifestRules::check(const ComponentManifest &manifest)
{
    using Limits = ComponentManifest::Limits;
    std::vector<Problem> problems;
    if (!isName(manifest.name))
        problems.push_back({"name", "'" + manifest.name + "' is not a component name ([a-z0-9][a-z0-9-]{0,62})"});
    if (!isVersion(manifest.version))
        problems.push_back({"version", "'" + manifest.version + "' is not a version (like 1.2.0 or 1.2.0-rc.1)"});
    std::set<std::string> seen;
    for (const auto &dataClass : manifest.dataClasses) {
        if (!isDataClass(dataClass))
            problems.push_back({"data_classes", "'" + dataClass + "' is not a data class ([a-z0-9][a-z0-9_-]{0,31})"});
        else if (!seen.insert(dataClass).second)
            problems.push_back({"data_classes", "'" + dataClass + "' listed twice"});
    }
    std::set<Grant> grants;
    for (Grant grant : manifest.grants) {
        if (!grants.insert(grant).second)
            problems.push_back({"grants", "'" + std::string(grantName(grant)) + "' listed twice"});
    }
    for (const auto &[key, value] : manifest.config) {
        if (key.empty())
            problems.push_back({"config", "keys must not be empty"});
    }
    // Empty on the wire means no health check.
    if (!manifest.healthPath.empty()) {
        if (auto problem = healthPathProblem(manifest.healthPath); !problem.empty())
            problems.push_back({"health_path", std::move(problem)});
    }
    auto bounded = [&](const char *field, std::uint64_t value, std::uint64_t max) {
        if (value < 1 || value > max)
            problems.push_back({field, std::to_string(value) + " is out of range (1.." + std::to_string(max) + ")"});
    };
    bounded("limits.memory_mb", manifest.limits.memoryMb, Limits::kMaxMemoryMb);
    bounded("limits.deadline_ms", manifest.limits.deadlineMs, Limits::kMaxDeadlineMs);
    bounded("limits.max_response_bytes", manifest.limits.maxResponseBytes, Limits::kMaxResponseBytes);
    bounded("limits.max_table_elements", manifest.limits.maxTableElements, Limits::kMaxTableElements);
    bounded("limits.max_instances", manifest.limits.maxInstances, Limits::kMaxInstances);
    return problems;
}

} // namespace keel::manifest
