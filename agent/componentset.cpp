#include "componentset.h"

#include "componentruntime.h"
#include "manifestconfig.h"
#include "manifestloader.h"

#include <algorithm>
#include <set>

namespace keel::agent {

using manifest::ComponentManifest;
using manifest::Tier;

ComponentSet::ComponentSet(ComponentRuntime &runtime, Engine *aot, Log info, Log error, Served served)
    : m_runtime(runtime)
    , m_aot(aot)
    , m_info(std::move(info))
    , m_error(std::move(error))
    , m_served(std::move(served))
{
}

ComponentSet::Counts ComponentSet::loadDirectory(const std::filesystem::path &dir)
{
    const auto report = manifest::ManifestLoader::loadDirectory(dir);
    Counts counts;
    // A file may have several errors: every one is logged, the file counts once.
    std::set<std::filesystem::path> refusedFiles;
    for (const auto &error : report.errors) {
        m_error("component " + error.message());
        refusedFiles.insert(error.file);
    }
    counts.refused = refusedFiles.size();
    for (const auto &manifest : report.manifests) {
        if (add(manifest))
            ++counts.served;
        else
            ++counts.refused;
    }
    return counts;
}

bool ComponentSet::add(const ComponentManifest &manifest)
{
    std::string error;
    bool added = false;
    switch (manifest.tier) {
    case Tier::Interp:
        added = addOnInterpreter(manifest, error);
        break;
    case Tier::Aot:
        // Asked for explicitly: running it slower than its operator expects is not ours
        // to decide, so no fallback.
        added = addOnAot(manifest, error);
        break;
    case Tier::Auto:
        if (!manifest.aot) {
            m_info("component " + manifest.source.string()
                   + ": tier auto: the manifest names no aot object; serving it on the interpreter");
            added = addOnInterpreter(manifest, error);
        } else if (!(added = addOnAot(manifest, error))) {
            m_info("component " + manifest.source.string() + ": tier auto: " + error
                   + "; serving it on the interpreter");
            error.clear();
            added = addOnInterpreter(manifest, error);
        }
        break;
    }
    if (!added) {
        refuse(manifest.source, error);
        return false;
    }
    const Component *component = m_runtime.find(manifest.name);
    const auto &config = component->config();
    m_info("serving " + config.name + " " + config.version + " (" + std::string(abiName(config.abi)) + ", "
           + std::string(component->tier()) + ") at /" + config.name + "/");
    if (m_served)
        m_served(*component);
    return true;
}

bool ComponentSet::addOnAot(const ComponentManifest &manifest, std::string &error)
{
    if (!manifest.aot) {
        error = "tier aot: the manifest names no aot object; build one with keel-aot";
        return false;
    }
    if (!m_aot) {
        error = "tier aot: this agent cannot run AOT objects";
        return false;
    }
    return m_runtime.add(toComponentConfig(manifest), *m_aot, error);
}

bool ComponentSet::addOnInterpreter(const ComponentManifest &manifest, std::string &error)
{
    return m_runtime.add(toComponentConfig(manifest), m_runtime.interpreter(), error);
}

void ComponentSet::refuse(const std::filesystem::path &file, std::string_view reason)
{
    // One line per refusal, so that log readers and tests can pair file and reason even
    // when the validator's message spans lines.
    std::string line = "component " + file.string() + ": ";
    for (std::size_t start = 0; start < reason.size();) {
        const auto end = std::min(reason.find('\n', start), reason.size());
        if (end > start)
            line.append(line.back() == ' ' ? "" : "; ").append(reason.substr(start, end - start));
        start = end + 1;
    }
    m_error(line);
}

} // namespace keel::agent
