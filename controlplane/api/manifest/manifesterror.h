#pragma once

#include <filesystem>
#include <string>

namespace keel::manifest {

// Why a manifest was refused, pointing at the offending line.
struct ManifestError
{
    std::filesystem::path file;
    int line = 0;      // 1-based; 0 when the error concerns the file as a whole
    std::string field; // e.g. "limits.memory_mb"; empty for syntax errors
    std::string reason;

    // "FILE:LINE: field: reason", leaving out the parts that are unset.
    std::string message() const;
};

} // namespace keel::manifest
