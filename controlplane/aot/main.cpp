// keel-aot IN.wasm -o OUT.so [--target TRIPLE] [--cc COMPILER] [-O2] [--bounds-checks]
// Exit codes: 0 built, 1 failed, 2 usage, 3 the module uses what the AOT tier cannot
// translate (it still runs on the interpreter).
#include "common/moduledigest.h"
#include "aotbuilder.h"

#include "keelversion.h"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string_view>
#include <vector>

namespace {

constexpr const char kUsage[] =
    "usage: keel-aot IN.wasm -o OUT.so [--target TRIPLE] [--cc COMPILER] [-O0|-O1|-O2|-O3|-Os]\n"
    "                [--bounds-checks] [--keep-sources] [--expect-digest sha256:HEX]\n"
    "Translates a WebAssembly module with wasm2c and compiles it into a shared object\n"
    "the Keel agent loads (its AOT tier).\n"
    "  --target TRIPLE   target the object is built for (default: this machine's)\n"
    "  --cc COMPILER     C compiler driver (default: clang or clang-NN if on PATH, else cc)\n"
    "  --bounds-checks   explicit bounds checks instead of guard pages\n"
    "  --keep-sources    keep the generated C in a scratch directory\n"
    "  --expect-digest D refuse to build unless IN.wasm's sha256 is D\n"
    "Exits 0 when built, 1 on failure, 2 on bad usage, 3 when the module uses a feature\n"
    "the AOT tier cannot translate (SIMD, non-function imports): it runs on the interpreter.\n";

} // namespace

int main(int argc, char **argv)
{
    keel::aot::AotBuildOptions options;
    std::string input;
    std::string output;
    std::string expectDigest;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&](std::string *out) {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "keel-aot: %s needs a value\n%s", argv[i], kUsage);
                return false;
            }
            *out = argv[++i];
            return true;
        };
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (arg == "--version") {
            std::printf("keel-aot %s\n", KEEL_VERSION);
            return 0;
        } else if (arg == "-o") {
            if (!value(&output))
                return 2;
        } else if (arg == "--target") {
            if (!value(&options.target))
                return 2;
        } else if (arg == "--cc") {
            if (!value(&options.compiler))
                return 2;
        } else if (arg == "-O0" || arg == "-O1" || arg == "-O2" || arg == "-O3" || arg == "-Os") {
            options.optimisation = std::string(arg);
        } else if (arg == "--expect-digest") {
            if (!value(&expectDigest))
                return 2;
        } else if (arg == "--bounds-checks") {
            options.boundsChecks = true;
        } else if (arg == "--keep-sources") {
            options.keepSources = true;
        } else if (!arg.empty() && arg[0] == '-') {
            std::fprintf(stderr, "keel-aot: unknown option %s\n%s", argv[i], kUsage);
            return 2;
        } else if (input.empty()) {
            input = std::string(arg);
        } else {
            std::fprintf(stderr, "keel-aot: one input module only (got %s and %s)\n", input.c_str(), argv[i]);
            return 2;
        }
    }
    if (input.empty() || output.empty()) {
        std::fputs(kUsage, stderr);
        return 2;
    }

    std::ifstream in(input, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "keel-aot: cannot read %s\n", input.c_str());
        return 1;
    }
    const std::vector<uint8_t> wasm{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!expectDigest.empty()) {
        const std::string digest = keel::aot::moduleDigest(wasm);
        if (digest != expectDigest) {
            std::fprintf(stderr, "keel-aot: %s is %s, not the expected %s\n", input.c_str(), digest.c_str(),
                         expectDigest.c_str());
            return 1;
        }
    }
    const keel::aot::AotBuildResult result = keel::aot::AotBuilder(options).build(wasm, output);
    if (!result.ok) {
        std::fprintf(stderr, "keel-aot: %s: %s\n", input.c_str(), result.error.c_str());
        return result.unsupported ? 3 : 1;
    }

    std::printf("%s: %s for %s (wabt %s, %s)\n", output.c_str(), result.metadata.moduleDigest.c_str(),
                result.metadata.target.c_str(), result.metadata.wabtVersion.c_str(),
                result.metadata.memoryChecks.c_str());
    return 0;
}
