#include "componentset.h"

#include "componentruntime.h"
#include "healthcheck.h"
#include "manifestconfig.h"
#include "manifestloader.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

namespace keel::agent {

using manifest::ComponentManifest;
using manifest::Tier;

namespace {

// One line, so that log readers and tests can pair file and reason even when the
// validator's message spans lines.
std::string oneLine(std::string_view reason)
{
    std::string line;
    for (std::size_t start = 0; start < reason.size();) {
        const auto end = std::min(reason.find('\n', start), reason.size());
        if (end > start)
            line.append(line.empty() ? "" : "; ").append(reason.substr(start, end - start));
        start = end + 1;
    }
    return line;
}

} // namespace

ComponentSet::ComponentSet(ComponentRuntime &runtime, Engine *aot, Log info, Log error)
    : m_runtime(runtime)
    , m_aot(aot)
    , m_info(std::move(info))
    , m_error(std::move(error))
{
}

ComponentSet::Counts ComponentSet::loadDirectory(const std::filesystem::path &dir, const std::set<std::string> &kept)
{
    const auto report = manifest::ManifestLoader::loadDirectory(dir);
    Counts counts;
    // A file may have several errors: every one is logged, the file counts once.
    std::map<std::filesystem::path, std::string> refusedFiles;
    for (const auto &error : report.errors) {
        m_error("component " + error.message());
        auto &reason = refusedFiles[error.file];
        reason.append(reason.empty() ? "" : "; ").append(oneLine(error.message()));
    }
    for (auto &[file, reason] : refusedFiles)
        m_refusals.push_back({file, std::move(reason), {}});
    counts.refused = refusedFiles.size();
    std::vector<const ComponentManifest *> aot;
    for (const auto &manifest : report.manifests) {
        if (!kept.count(manifest.name) && manifest.aot && manifest.tier != Tier::Interp && m_aot)
            aot.push_back(&manifest);
    }
    preloadAot(aot);
    for (const auto &manifest : report.manifests) {
        if (kept.count(manifest.name))
            continue;
        if (add(manifest))
            ++counts.served;
        else
            ++counts.refused;
    }
    m_preloaded.clear(); // what add() did not take (a name defined twice) goes here
    return counts;
}

void ComponentSet::preloadAot(const std::vector<const ComponentManifest *> &manifests)
{
    if (manifests.size() < 2)
        return; // nothing to overlap: add() loads it as it comes
    std::vector<Preloaded> results(manifests.size());
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < manifests.size();)
            results[i].component = m_runtime.load(toComponentConfig(*manifests[i]), *m_aot, results[i].error);
    };
    const std::size_t threads =
        std::min<std::size_t>(manifests.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> helpers;
    for (std::size_t i = 1; i < threads; ++i)
        helpers.emplace_back(work);
    work();
    for (auto &helper : helpers)
        helper.join();
    for (std::size_t i = 0; i < manifests.size(); ++i)
        m_preloaded.emplace(manifests[i]->source, std::move(results[i]));
}

bool ComponentSet::add(const ComponentManifest &manifest)
{
    std::string error;
    bool added = false;
    const bool taken = std::any_of(m_loaded.begin(), m_loaded.end(), [&](const auto &component) {
        return component->config().name == manifest.name;
    });
    if (taken) {
        refuse(manifest.source, "component " + manifest.name + " is defined twice; give each component its own name",
               manifest.name);
        return false;
    }
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
        refuse(manifest.source, error, manifest.name);
        return false;
    }
    m_sources.emplace(manifest.name, manifest.source);
    return true;
}

void ComponentSet::keep(std::shared_ptr<Component> component)
{
    m_loaded.push_back(std::move(component));
}

void ComponentSet::adopt(std::shared_ptr<Component> component)
{
    m_adopted.push_back(component->config().name);
    m_loaded.push_back(std::move(component));
}

std::size_t ComponentSet::checkHealth()
{
    std::size_t refused = 0;
    for (auto it = m_loaded.begin(); it != m_loaded.end();) {
        const auto &config = (*it)->config();
        const bool unchecked = std::find(m_fresh.begin(), m_fresh.end(), config.name) != m_fresh.end()
                               || std::find(m_adopted.begin(), m_adopted.end(), config.name) != m_adopted.end();
        std::string problem = unchecked ? HealthCheck::run(**it) : std::string();
        if (problem.empty()) {
            ++it;
            continue;
        }
        const auto source = m_sources.find(config.name);
        refuse(source != m_sources.end() ? source->second : std::filesystem::path(config.name), problem, config.name);
        it = m_loaded.erase(it);
        ++refused;
    }
    return refused;
}

std::size_t ComponentSet::refuseDataProcessors(std::string_view reason)
{
    std::size_t refused = 0;
    for (auto it = m_loaded.begin(); it != m_loaded.end();) {
        const auto &config = (*it)->config();
        if (config.dataClasses.empty()) {
            ++it;
            continue;
        }
        const auto source = m_sources.find(config.name);
        refuse(source != m_sources.end() ? source->second : std::filesystem::path(config.name), reason, config.name);
        it = m_loaded.erase(it);
        ++refused;
    }
    return refused;
}

void ComponentSet::serve(std::shared_ptr<const NodeResidency> residency)
{
    m_runtime.replace(m_loaded, std::move(residency));
    for (const auto &component : m_loaded) {
        const auto &config = component->config();
        const bool adopted = std::find(m_adopted.begin(), m_adopted.end(), config.name) != m_adopted.end();
        if (!adopted && std::find(m_fresh.begin(), m_fresh.end(), config.name) == m_fresh.end())
            continue; // kept: served before, unchanged
        m_info("serving " + config.name + " " + config.version + " (" + std::string(abiName(config.abi)) + ", "
               + std::string(component->tier()) + ") at /" + config.name + "/"
               + (adopted ? " (held loaded as a standby until now)" : ""));
    }
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
    if (const auto it = m_preloaded.find(manifest.source); it != m_preloaded.end()) {
        Preloaded preloaded = std::move(it->second);
        m_preloaded.erase(it);
        error = std::move(preloaded.error);
        return loaded(manifest, std::move(preloaded.component));
    }
    return load(manifest, *m_aot, error);
}

bool ComponentSet::addOnInterpreter(const ComponentManifest &manifest, std::string &error)
{
    return load(manifest, m_runtime.interpreter(), error);
}

bool ComponentSet::load(const ComponentManifest &manifest, Engine &engine, std::string &error)
{
    return loaded(manifest, m_runtime.load(toComponentConfig(manifest), engine, error));
}

bool ComponentSet::loaded(const ComponentManifest &manifest, std::shared_ptr<Component> component)
{
    if (!component)
        return false;
    m_fresh.push_back(manifest.name);
    m_loaded.push_back(std::move(component));
    return true;
}

void ComponentSet::refuse(const std::filesystem::path &file, std::string_view reason, const std::string &component)
{
    const std::string line = oneLine(reason);
    m_error("component " + file.string() + ": " + line);
    m_refusals.push_back({file, line, component});
}

} // namespace keel::agent
