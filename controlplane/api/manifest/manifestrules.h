#pragma once

#include "componentmanifest.h"

#include <string>
#include <string_view>
#include <vector>

namespace keel::manifest {

// The rules a component manifest's values follow, wherever the manifest comes from: a
// YAML file (ManifestParser) or a push to the control plane (keel.v1 Manifest).
class ManifestRules final
{
public:
    // [a-z0-9][a-z0-9-]{0,62}: served under /<name>/, safe in paths and metric labels.
    static bool isName(std::string_view text);
    // Semver-ish: a digit, then digits, letters, '.', '-', '+' ("1", "1.2.0-rc.1+b7"), <= 64.
    static bool isVersion(std::string_view text);
    // [a-z0-9][a-z0-9_-]{0,31}, e.g. pii.
    static bool isDataClass(std::string_view text);
    // What health_path may be: '/' then printable ASCII without spaces, '?' or '#' (a
    // path only: the agent sends it as is), at most kMaxHealthPath characters.
    static constexpr std::size_t kMaxHealthPath = 256;
    static bool isHealthPath(std::string_view text);
    // Why text is not a health path, naming the value (shortened, non-printable bytes
    // escaped) and what to write instead; empty when it is one.
    static std::string healthPathProblem(std::string_view text);

    struct Problem
    {
        std::string field;
        std::string reason;
    };
    // Every value of an already typed manifest against the rules above and the limits'
    // bounds; files (module, aot) are not looked at. Empty when it is valid.
    static std::vector<Problem> check(const ComponentManifest &manifest);
};

} // namespace keel::manifest
