#pragma once

#include <cstdio>
#include <string_view>

namespace keel::agent {

// One line per event, prefixed like every other agent line. stdout carries the lines
// that tests and supervisors parse (listening, enrolled); stderr carries problems.
// stdio rather than iostreams: nothing to construct, and flushed at each line.
inline void logInfo(std::string_view line)
{
    std::fprintf(stdout, "keel-agent: %.*s\n", int(line.size()), line.data());
    std::fflush(stdout);
}

inline void logError(std::string_view line)
{
    std::fprintf(stderr, "keel-agent: %.*s\n", int(line.size()), line.data());
    std::fflush(stderr);
}

} // namespace keel::agent
