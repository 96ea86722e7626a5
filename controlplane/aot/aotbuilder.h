#pragma once

#include "common/aotmetadata.h"

#include <cstdint>
#include <span>
#include <string>

namespace keel::aot {

struct AotBuildOptions
{
    std::string target;              // empty: the triple this binary was built for
    std::string compiler;            // any gcc- or clang-compatible driver; empty: defaultCompiler()
    std::string optimisation = "-O2";
    bool boundsChecks = false;       // explicit checks instead of guard pages (docs/aot.md)
    std::string moduleName = "m";    // wasm2c's prefix; objects are dlopen'ed RTLD_LOCAL
    bool keepSources = false;        // leave the generated C beside the output (debugging)
};

struct AotBuildResult
{
    bool ok = false;
    bool unsupported = false; // the module uses what the AOT tier cannot translate (AotSupport)
    std::string error;
    AotMetadata metadata;
};

// Validates a module with libwabt, translates it with wabt's C writer, and compiles it
// with a C compiler into a shared object the agent's loader accepts. Slow (a compiler
// run) and meant for push time on the control plane or for tools: never a request path.
class AotBuilder
{
public:
    explicit AotBuilder(AotBuildOptions options);

    AotBuildResult build(std::span<const uint8_t> wasm, const std::string &outputPath) const;

    static std::string hostTarget();
    // The first of clang, clang-20 ... clang-14 on PATH, else cc. clang is preferred: its
    // code from wasm2c's output measured faster overall (docs/aot.md, "Generated code").
    static std::string defaultCompiler();

private:
    bool checkCompilerTarget(std::string *error) const;

    AotBuildOptions m_options;
};

} // namespace keel::aot
