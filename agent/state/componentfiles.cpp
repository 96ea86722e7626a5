#include "componentfiles.h"

#include "state/artifactstore.h"
#include "state/atomicfile.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace keel::agent {

namespace {

// The set's own link to a stored artifact: the manifest names files inside its directory.
bool linkArtifact(const std::filesystem::path &stored, const std::filesystem::path &link, std::string &problem)
{
    std::error_code ec;
    std::filesystem::create_hard_link(stored, link, ec);
    if (!ec)
        return true;
    // A file system without hard links: a copy is as good, only bigger.
    std::error_code copyError;
    std::filesystem::copy_file(stored, link, std::filesystem::copy_options::overwrite_existing, copyError);
    if (!copyError)
        return true;
    problem = "cannot link " + stored.string() + " to " + link.string() + ": " + ec.message();
    return false;
}

} // namespace

std::string ComponentFiles::manifestJson(const ComponentRef &ref, bool withAot)
{
    const auto &m = ref.manifest;
    boost::json::object manifest;
    manifest["name"] = m.name;
    manifest["version"] = m.version;
    manifest["abi"] = m.abi == ComponentAbi::Keel ? "keel" : "wagi";
    manifest["module"] = m.name + ".wasm";
    if (withAot)
        manifest["aot"] = m.name + ".so";
    // Tier auto: the object when it loads, else the interpreter.
    if (!m.dataClasses.empty()) {
        boost::json::array classes;
        for (const auto &c : m.dataClasses)
            classes.emplace_back(c);
        manifest["data_classes"] = std::move(classes);
    }
    if (!m.grants.empty()) {
        boost::json::array grants;
        for (const auto &g : m.grants)
            grants.emplace_back(g);
        manifest["grants"] = std::move(grants);
    }
    if (!m.config.empty()) {
        boost::json::object config;
        for (const auto &[key, value] : m.config)
            config[key] = value;
        manifest["config"] = std::move(config);
    }
    // Zero is "the agent's default": left out, so the loader applies it.
    boost::json::object limits;
    if (m.limits.memoryMb)
        limits["memory_mb"] = m.limits.memoryMb;
    if (m.limits.deadlineMs)
        limits["deadline_ms"] = m.limits.deadlineMs;
    if (m.limits.maxResponseBytes)
        limits["max_response_bytes"] = m.limits.maxResponseBytes;
    if (m.limits.maxTableElements)
        limits["max_table_elements"] = m.limits.maxTableElements;
    if (m.limits.maxInstances)
        limits["max_instances"] = m.limits.maxInstances;
    if (!limits.empty())
        manifest["limits"] = std::move(limits);
    // Empty on the wire is "no health check"; the loader checks the rest.
    if (!m.healthPath.empty())
        manifest["health_path"] = m.healthPath;
    return boost::json::serialize(manifest) + "\n";
}

bool ComponentFiles::write(const std::filesystem::path &dir, const ArtifactStore &store, const ComponentRef &ref,
                           bool withAot, std::string &problem)
{
    const std::string &name = ref.manifest.name;
    return linkArtifact(store.pathOf(ref.moduleDigest), dir / (name + ".wasm"), problem)
           && (!withAot || linkArtifact(store.pathOf(ref.aotDigest), dir / (name + ".so"), problem))
           && AtomicFile::write(dir / (name + ".json"), manifestJson(ref, withAot), 0600, problem);
}

void ComponentFiles::remove(const std::filesystem::path &dir, const std::string &name)
{
    for (const char *extension : {".json", ".wasm", ".so"}) {
        std::error_code ec;
        std::filesystem::remove(dir / (name + extension), ec);
    }
}

} // namespace keel::agent
