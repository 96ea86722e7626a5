#pragma once

#include <string>
#include <vector>

namespace keel::aot {

// Runs a program (no shell) and collects what it printed, so a failing compiler's
// message reaches the caller instead of the terminal.
class Subprocess
{
public:
    struct Result
    {
        int exitCode = -1; // -1: could not start, or killed by a signal
        std::string output; // stdout and stderr together
    };

    static Result run(const std::vector<std::string> &argv);
};

} // namespace keel::aot
