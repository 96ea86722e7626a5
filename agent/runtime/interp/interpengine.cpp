#include "interpengine.h"

#include "interpmodule.h"

#include <wabt/binary-reader.h>
#include <wabt/error-formatter.h>
#include <wabt/interp/binary-reader-interp.h>

#include <fstream>
#include <iterator>

namespace keel::agent {

std::unique_ptr<CompiledModule> InterpEngine::load(const ComponentConfig &config, std::string &error)
{
    std::ifstream file(config.modulePath, std::ios::binary);
    if (!file) {
        error = config.modulePath + ": cannot read the module";
        return nullptr;
    }
    const std::vector<char> bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};

    // Reading also validates; WABT's own message reaches the operator unchanged.
    wabt::Features features;
    const wabt::ReadBinaryOptions options(features, nullptr, false, true, false);
    wabt::Errors errors;
    wabt::interp::ModuleDesc desc;
    if (wabt::Failed(wabt::interp::ReadBinaryInterp(config.modulePath, bytes.data(), bytes.size(),
                                                    options, &errors, &desc))) {
        std::string text = wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary);
        while (!text.empty() && text.back() == '\n')
            text.pop_back();
        error = config.modulePath + ": invalid module: " + text;
        return nullptr;
    }
    auto module = InterpModule::create(config.name, std::move(desc), config.memoryBytes, config.maxTableElements, error);
    if (!module)
        error = config.modulePath + ": " + error;
    return module;
}

} // namespace keel::agent
