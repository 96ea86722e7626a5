#include "aotbuilder.h"

#include "abi/keelaotabi.h"
#include "aotsupport.h"
#include "csourcetuner.h"
#include "embeddedheaders.h"
#include "gluewriter.h"
#include "subprocess.h"
#include "common/moduledigest.h"
#include "targettriple.h"

#include <wabt/apply-names.h>
#include <wabt/binary-reader-ir.h>
#include <wabt/binary-reader.h>
#include <wabt/c-writer.h>
#include <wabt/config.h>
#include <wabt/error-formatter.h>
#include <wabt/generate-names.h>
#include <wabt/ir.h>
#include <wabt/stream.h>
#include <wabt/validator.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace keel::aot {

namespace fs = std::filesystem;

namespace {

bool writeFile(const fs::path &path, std::string_view text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    return static_cast<bool>(out);
}

// "x86_64-pc-linux-gnu" and "x86_64-unknown-linux-gnu" name the same target as ours.
std::string normaliseTriple(std::string triple)
{
    while (!triple.empty() && (triple.back() == '\n' || triple.back() == '\r'))
        triple.pop_back();
    for (const char *vendor : {"-pc-", "-unknown-"}) {
        const size_t at = triple.find(vendor);
        if (at != std::string::npos)
            triple.replace(at, std::char_traits<char>::length(vendor), "-");
    }
    return triple;
}

bool isClang(const std::string &compiler)
{
    return fs::path(compiler).filename().string().find("clang") != std::string::npos;
}

// Deletes the scratch directory however build() returns.
struct ScratchDir
{
    fs::path path;
    bool keep = false;
    ~ScratchDir()
    {
        std::error_code ec;
        if (!path.empty() && !keep)
            fs::remove_all(path, ec);
    }
};

} // namespace

AotBuilder::AotBuilder(AotBuildOptions options)
    : m_options(std::move(options))
{
    if (m_options.target.empty())
        m_options.target = hostTarget();
    if (m_options.compiler.empty())
        m_options.compiler = defaultCompiler();
}

std::string AotBuilder::defaultCompiler()
{
    std::vector<std::string> candidates = {"clang"};
    for (int version = 20; version >= 14; --version)
        candidates.push_back("clang-" + std::to_string(version));
    const char *path = std::getenv("PATH");
    std::string_view dirs = path ? path : "";
    for (const std::string &name : candidates) {
        for (size_t begin = 0; begin <= dirs.size();) {
            size_t end = dirs.find(':', begin);
            if (end == std::string_view::npos)
                end = dirs.size();
            const fs::path dir(dirs.substr(begin, end - begin));
            begin = end + 1;
            if (dir.empty())
                continue;
            if (access((dir / name).c_str(), X_OK) == 0)
                return name;
        }
    }
    return "cc";
}

std::string AotBuilder::hostTarget()
{
    return std::string(keel::agent::kTargetTriple);
}

bool AotBuilder::checkCompilerTarget(std::string *error) const
{
    if (isClang(m_options.compiler))
        return true; // told with --target=
    const Subprocess::Result r = Subprocess::run({m_options.compiler, "-dumpmachine"});
    if (r.exitCode != 0) {
        *error = "cannot ask " + m_options.compiler + " for its target: " + r.output;
        return false;
    }
    const std::string builds = normaliseTriple(r.output);
    if (builds != normaliseTriple(m_options.target)) {
        *error = m_options.compiler + " builds for " + builds + ", not " + m_options.target + ": pass --cc "
                 + m_options.target + "-gcc or a clang";
        return false;
    }
    return true;
}

AotBuildResult AotBuilder::build(std::span<const uint8_t> wasm, const std::string &outputPath) const
{
    AotBuildResult result;
    wabt::Errors errors;
    wabt::Module module;
    const wabt::Features features;
    const wabt::ReadBinaryOptions readOptions(features, nullptr, true, true, true);
    if (wabt::Failed(wabt::ReadBinaryIr("module.wasm", wasm.data(), wasm.size(), readOptions, &errors, &module))
        || wabt::Failed(wabt::ValidateModule(&module, &errors, wabt::ValidateOptions(features)))) {
        result.error = "invalid module: " + wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary);
        while (!result.error.empty() && result.error.back() == '\n')
            result.error.pop_back();
        return result;
    }

    // Never hand the C writer what it aborts on or cannot express.
    if (const auto gap = AotSupport::check(wasm)) {
        result.unsupported = true;
        result.error = "the AOT tier cannot translate this module: " + gap->describe()
                       + "; it runs on the interpreter";
        return result;
    }

    // Predictable C names for the glue: imports ("h", "i<N>"), exports "e<N>".
    std::vector<GlueWriter::Name> importNames;
    std::vector<GlueWriter::Name> exportNames;
    for (wabt::Import *import : module.imports) {
        importNames.push_back({import->module_name, import->field_name});
        import->module_name = "h";
        import->field_name = "i" + std::to_string(importNames.size() - 1);
    }
    for (wabt::Export *exp : module.exports) {
        exportNames.push_back({{}, exp->name});
        exp->name = "e" + std::to_string(exportNames.size() - 1);
    }
    if (wabt::Failed(wabt::GenerateNames(&module))) {
        result.error = "wabt could not name the module's items";
        return result;
    }
    (void)wabt::ApplyNames(&module); // wasm2c ignores this result too

    result.metadata.abiVersion = KEEL_AOT_ABI_VERSION;
    result.metadata.moduleDigest = moduleDigest(wasm);
    result.metadata.target = m_options.target;
    result.metadata.wabtVersion = WABT_VERSION_STRING;
    result.metadata.moduleName = m_options.moduleName;
    result.metadata.memoryChecks = m_options.boundsChecks ? "bounds" : "guard";

    wabt::MemoryStream cStream;
    wabt::MemoryStream hStream;
    wabt::WriteCOptions writeOptions;
    writeOptions.module_name = m_options.moduleName;
    if (wabt::Failed(wabt::WriteC(&cStream, &hStream, "module.h", &module, writeOptions))) {
        result.error = "wabt's C writer failed on this module";
        return result;
    }
    std::string glue;
    GlueWriter writer(module, m_options.moduleName, importNames, exportNames);
    if (!writer.write("module.h", result.metadata.serialize(), &glue, &result.error))
        return result;
    if (!checkCompilerTarget(&result.error))
        return result;

    ScratchDir scratch;
    scratch.keep = m_options.keepSources;
    std::string pattern = (fs::temp_directory_path() / "keel-aot-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
        result.error = "cannot create a scratch directory in " + fs::temp_directory_path().string();
        return result;
    }
    scratch.path = pattern;
    const auto &cOut = cStream.output_buffer().data;
    const auto &hOut = hStream.output_buffer().data;
    const std::string moduleH(reinterpret_cast<const char *>(hOut.data()), hOut.size());
    const std::string moduleC = CSourceTuner::tune(std::string(reinterpret_cast<const char *>(cOut.data()), cOut.size()),
                                                   moduleH, !m_options.boundsChecks);
    if (!writeFile(scratch.path / "module.c", moduleC) || !writeFile(scratch.path / "module.h", moduleH)
        || !writeFile(scratch.path / "glue.c", glue) || !writeFile(scratch.path / "wasm-rt.h", kWasmRtHeader)
        || !writeFile(scratch.path / "keelaotabi.h", kKeelAotAbiHeader)) {
        result.error = "cannot write the generated sources to " + scratch.path.string();
        return result;
    }

    // Written beside the output and renamed, so a reader never sees half an object.
    const std::string partial = outputPath + ".partial";
    std::vector<std::string> argv = {m_options.compiler};
    if (isClang(m_options.compiler))
        argv.push_back("--target=" + m_options.target);
    for (const char *flag : {"-shared", "-fPIC", "-nostartfiles", "-fvisibility=hidden", "-fno-strict-aliasing",
                             "-fno-math-errno", "-ffp-contract=off", "-DNDEBUG", "-DWASM_RT_USE_STACK_DEPTH_COUNT=0", "-w"})
        argv.push_back(flag);
    argv.push_back(m_options.optimisation);
    argv.push_back(m_options.boundsChecks ? "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0"
                                          : "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1");
    argv.push_back("-I" + scratch.path.string());
    argv.push_back((scratch.path / "module.c").string());
    argv.push_back((scratch.path / "glue.c").string());
    argv.push_back("-o");
    argv.push_back(partial);
    argv.push_back("-lm");
    const Subprocess::Result cc = Subprocess::run(argv);
    if (cc.exitCode != 0) {
        std::error_code ec;
        fs::remove(partial, ec);
        result.error = m_options.compiler + " failed (sources kept in " + scratch.path.string() + "):\n" + cc.output;
        scratch.keep = true;
        return result;
    }
    std::error_code ec;
    fs::rename(partial, outputPath, ec);
    if (ec) {
        result.error = "cannot write " + outputPath + ": " + ec.message();
        return result;
    }
    result.ok = true;
    return result;
}

} // namespace keel::aot
