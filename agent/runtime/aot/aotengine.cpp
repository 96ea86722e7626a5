#include "aotengine.h"

#include "aotmodule.h"
#include "declaredtables.h"
#include "targettriple.h"

#include "common/moduledigest.h"
#include "load/aotobject.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace keel::agent {

AotEngine::AotEngine()
    : m_target(kTargetTriple)
{
}

AotEngine::AotEngine(std::string target)
    : m_target(std::move(target))
{
}

std::unique_ptr<CompiledModule> AotEngine::load(const ComponentConfig &config, std::string &error)
{
    const std::string prefix = "component " + config.name + ": ";
    if (config.aotPath.empty()) {
        error = prefix + "no AOT object (the manifest's aot field) to run " + config.modulePath
                + " on the AOT tier: build one with keel-aot";
        return nullptr;
    }
    // The digest of the module file itself, not of anything the object says about itself:
    // this is what ties the native code to the bytes the manifest (and later its
    // signature) names. keel-aot validated exactly those bytes before translating them,
    // so a matching object needs no second validation here.
    // One read serves the digest and the table check.
    std::ifstream in(config.modulePath, std::ios::binary);
    if (!in) {
        error = prefix + config.modulePath + ": cannot read the module: " + std::strerror(errno);
        return nullptr;
    }
    // One read of the whole file (an istreambuf_iterator copy goes a byte at a time).
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    in.seekg(0, std::ios::beg);
    std::vector<std::uint8_t> module(size > 0 ? std::size_t(size) : 0);
    if (size < 0 || !in.read(reinterpret_cast<char *>(module.data()), std::streamsize(module.size()))) {
        error = prefix + config.modulePath + ": cannot read the module: " + std::strerror(errno);
        return nullptr;
    }
    const std::string digest = aot::moduleDigest(module);
    // Tables count against the limits as memory does; the runtime caps their growth.
    const auto tables = DeclaredTables::largest(module);
    if (tables.initial > config.maxTableElements) {
        error = prefix + "table " + std::to_string(tables.index) + " starts with " + std::to_string(tables.initial)
                + " elements, over its limits.max_table_elements (" + std::to_string(config.maxTableElements)
                + "): raise the limit or shrink the table";
        return nullptr;
    }
    std::string why;
    const aot::AotObject::Expectations expect{
        digest, std::filesystem::path(config.modulePath).filename().string(), m_target};
    auto object = aot::AotObject::open(config.aotPath, expect, &why);
    if (!object) {
        error = prefix + why;
        return nullptr;
    }
    // The pool never holds more instances than the component may have live at once.
    return std::make_unique<AotModule>(config.name, std::move(object), config.memoryBytes, config.maxTableElements,
                                       config.maxInstances);
}

} // namespace keel::agent
