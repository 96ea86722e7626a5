#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace keel::agent {

// Small state files that must never be seen half written: written to a temporary file
// beside the target, flushed to disk, then renamed over it.
class AtomicFile final
{
public:
    // false with problem (strerror's sentence) when any step fails; the target is then
    // untouched and the temporary removed.
    static bool write(const std::filesystem::path &file, std::string_view contents, unsigned mode,
                      std::string &problem);
    // Flushes a file someone else wrote to disk; best effort.
    static void syncFile(const std::filesystem::path &file);
    // Makes the entries of `directory` (renames, new files) durable; best effort.
    static void syncDirectory(const std::filesystem::path &directory);
    // The whole file when it exists, is regular and not larger than maxBytes.
    static bool read(const std::filesystem::path &file, std::size_t maxBytes, std::string &contents,
                     std::string &problem);
};

} // namespace keel::agent
