#pragma once

#include "componentmanifest.h"
#include "manifesterror.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace keel::manifest {

// Reads component manifests (YAML, or JSON, which yaml-cpp reads as YAML). Everything a
// manifest says is untrusted: each problem becomes a ManifestError with file and line,
// never an exception.
class ManifestLoader final
{
public:
    struct Result
    {
        std::optional<ComponentManifest> manifest; // set exactly when errors is empty
        std::vector<ManifestError> errors;

        bool ok() const { return manifest.has_value(); }
    };

    struct LoadReport
    {
        std::vector<ComponentManifest> manifests; // in file-name order
        std::vector<ManifestError> errors;        // one or more per refused file
    };

    // Manifests are small; anything bigger is refused unread.
    static constexpr std::uintmax_t kMaxFileBytes = 1u << 20;

    // One manifest file; module and aot resolve against its directory and must exist.
    static Result load(const std::filesystem::path &file);

    // Every *.yaml, *.yml and *.json directly in dir. A bad file is reported and
    // skipped; a name already loaded from an earlier file (by file name) is refused.
    static LoadReport loadDirectory(const std::filesystem::path &dir);

    // A manifest that does not come from a file of its own (the control plane receives
    // them with a push). origin names it in errors; module and aot resolve against
    // baseDir and are checked on disk only when checkFiles is set.
    static Result parse(std::string_view text, const std::filesystem::path &origin,
                        const std::filesystem::path &baseDir, bool checkFiles);

private:
    static Result loadFile(const std::filesystem::path &file, int *nameLine);
};

} // namespace keel::manifest
