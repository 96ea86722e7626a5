#pragma once

#include "componentmanifest.h"
#include "manifesterror.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace YAML {
class Node;
}

namespace keel::manifest {

// Turns one manifest text into a ComponentManifest, collecting every error with its
// line instead of stopping at the first, so one edit can fix them all. Internal to
// keel_manifest: callers use ManifestLoader.
class ManifestParser final
{
public:
    // origin names the text in errors; baseDir resolves `module` and `aot`, which are
    // checked to exist only when checkFiles is set.
    ManifestParser(std::filesystem::path origin, std::filesystem::path baseDir, bool checkFiles);

    std::optional<ComponentManifest> parse(std::string_view text);

    const std::vector<ManifestError> &errors() const { return m_errors; }
    // The line of the `name` field (for duplicate-name errors across a directory).
    int nameLine() const { return m_nameLine; }

private:
    void parseRoot(const YAML::Node &root, ComponentManifest &manifest);
    void parseField(const std::string &field, const YAML::Node &key, const YAML::Node &value,
                    ComponentManifest &manifest);
    void parseLimits(const YAML::Node &node, ComponentManifest::Limits &limits);
    void parseConfig(const YAML::Node &node, std::map<std::string, std::string> &config);
    void parseGrants(const YAML::Node &node, std::vector<Grant> &grants);
    void parseDataClasses(const YAML::Node &node, std::vector<std::string> &dataClasses);

    std::optional<std::string> scalar(const YAML::Node &node, const std::string &field);
    std::optional<std::filesystem::path> file(const YAML::Node &node, const std::string &field);
    std::optional<std::uint64_t> integer(const YAML::Node &node, const std::string &field,
                                         std::uint64_t min, std::uint64_t max);
    // A null node (`grants:` with nothing after it) counts as an empty collection.
    bool isEmpty(const YAML::Node &node) const;

    int lineOf(const YAML::Node &node) const;
    void fail(const YAML::Node &node, std::string field, std::string reason);
    void fail(int line, std::string field, std::string reason);

    std::filesystem::path m_origin;
    std::filesystem::path m_baseDir;
    bool m_checkFiles;
    std::vector<ManifestError> m_errors;
    int m_nameLine = 0;
    int m_keyLine = 0; // line of the field being parsed, for values without a position
};

} // namespace keel::manifest
