#include "standbyset.h"

#include "component.h"
#include "componentset.h"
#include "state/artifactstore.h"
#include "state/atomicfile.h"
#include "state/componentfiles.h"

#include "keel/v1/artifactsignature.h"

#include <algorithm>

namespace keel::agent {

namespace {

std::string describe(const ComponentRef &ref)
{
    return ref.manifest.name + " " + ref.manifest.version;
}

} // namespace

StandbySet::StandbySet(ComponentRuntime &runtime, Engine *aot, ArtifactStore &store, Log info, Log error)
    : m_runtime(runtime)
    , m_aot(aot)
    , m_store(store)
    , m_info(std::move(info))
    , m_error(std::move(error))
{
}

std::shared_ptr<Component> StandbySet::find(const std::string &name, const std::string &identity) const
{
    const auto it = m_held.find(name);
    return it != m_held.end() && it->second.identity == identity ? it->second.component : nullptr;
}

StandbySet::Result StandbySet::replace(const std::vector<Wanted> &wanted, const std::map<std::string, Previous> &previous,
                                       const std::filesystem::path &dir, std::string_view key, ArtifactSource &source)
{
    Result result;
    std::map<std::string, Held> next;
    std::map<std::string, const ComponentRef *> refs;
    std::set<std::string> reused;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (!wanted.empty())
        std::filesystem::create_directories(dir, ec);
    for (const auto &w : wanted) {
        const std::string &name = w.ref->manifest.name;
        std::string problem;
        if (ec) {
            refuse(*w.ref, "cannot create " + dir.string() + ": " + ec.message(), result);
            continue;
        }
        // Even a version already loaded is written again: the new set's directory is
        // what a restart reads, and its artifacts must be verified and stored.
        if (!fetch(w, key, source, result, problem) || !ComponentFiles::write(dir, m_store, *w.ref, w.useAot, problem)) {
            ComponentFiles::remove(dir, name);
            refuse(*w.ref, problem, result);
            continue;
        }
        std::shared_ptr<Component> component;
        if (const auto p = previous.find(name); p != previous.end() && p->second.identity == w.identity)
            component = p->second.component;
        else
            component = find(name, w.identity);
        if (component) {
            reused.insert(name);
            if (!find(name, w.identity))
                m_info("standby: keeping " + describe(*w.ref) + " loaded, no longer served");
        }
        refs.emplace(name, w.ref);
        next.emplace(name, Held{w.identity, std::move(component), w.ref->moduleDigest, w.useAot ? w.ref->aotDigest : ""});
    }

    if (next.size() > reused.size()) {
        // Loaded like the served set, through the same loader, but never served.
        ComponentSet set(m_runtime, m_aot, m_info, m_error);
        set.loadDirectory(dir, reused);
        for (const auto &component : set.loaded()) {
            if (const auto it = next.find(component->config().name); it != next.end() && !it->second.component) {
                it->second.component = component;
                m_info("standby: loaded " + describe(*refs.at(it->first)) + " (" + std::string(component->tier())
                       + "), not served");
            }
        }
        result.loads = set.freshlyLoaded();
        for (auto it = next.begin(); it != next.end();) {
            if (it->second.component) {
                ++it;
                continue;
            }
            std::string reason = "it did not load";
            for (const auto &refusal : set.refusals()) {
                if (refusal.component == it->first || refusal.file.stem() == it->first)
                    reason = refusal.reason;
            }
            ComponentFiles::remove(dir, it->first);
            refuse(*refs.at(it->first), reason, result);
            it = next.erase(it);
        }
    }
    if (!next.empty()) {
        for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) {
            if (entry.is_regular_file())
                AtomicFile::syncFile(entry.path());
        }
        AtomicFile::syncDirectory(dir);
    }
    // What is not wanted any more goes here (unloaded once nothing runs on it).
    m_held = std::move(next);
    return result;
}

StandbySet::Result StandbySet::restore(const std::filesystem::path &dir,
                                       const std::map<std::string, std::string> &identities)
{
    Result result;
    m_held.clear();
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        return result;
    ComponentSet set(m_runtime, m_aot, m_info, m_error);
    set.loadDirectory(dir);
    result.loads = set.freshlyLoaded();
    result.failures = set.refusals().size();
    for (const auto &component : set.loaded()) {
        const auto &config = component->config();
        const auto id = identities.find(config.name);
        // The identity names the tier; one that fell back to another tier is not the
        // version the control plane described.
        const std::string tier = component->tier() == "aot" ? ":aot" : ":interp";
        if (id == identities.end() || !id->second.ends_with(tier)) {
            m_error("standby: " + config.name + " " + config.version + " in " + dir.string()
                    + " is not the version recorded in `applied`; not kept loaded");
            ++result.failures;
            continue;
        }
        m_held.emplace(config.name, Held{id->second, component, {}, {}});
        m_info("standby: loaded " + config.name + " " + config.version + " (" + std::string(component->tier())
               + "), not served");
    }
    return result;
}

std::map<std::string, std::string> StandbySet::identities() const
{
    std::map<std::string, std::string> ids;
    for (const auto &[name, held] : m_held)
        ids.emplace(name, held.identity);
    return ids;
}

void StandbySet::keepArtifacts(std::set<std::string> &keep) const
{
    for (const auto &[name, held] : m_held) {
        if (!held.moduleDigest.empty())
            keep.insert(held.moduleDigest);
        if (!held.aotDigest.empty())
            keep.insert(held.aotDigest);
    }
}

bool StandbySet::fetch(const Wanted &wanted, std::string_view key, ArtifactSource &source, Result &result,
                       std::string &problem)
{
    const ComponentRef &ref = *wanted.ref;
    ArtifactStore::Expected module{ref.moduleDigest, ref.moduleSize, keel::v1::moduleSignatureMessage(ref.moduleDigest),
                                   ref.moduleSignature, "module"};
    auto failure = m_store.ensure(module, key, source, problem);
    if (failure == ArtifactStore::Failure::None && wanted.useAot) {
        ArtifactStore::Expected object{ref.aotDigest, ref.aotSize,
                                       keel::v1::aotSignatureMessage(ref.aotDigest, ref.moduleDigest, ref.aotTarget),
                                       ref.aotSignature, "AOT object"};
        failure = m_store.ensure(object, key, source, problem);
    }
    if (failure == ArtifactStore::Failure::None)
        return true;
    result.fetchFailures.emplace_back(ArtifactStore::failureName(failure));
    return false;
}

void StandbySet::refuse(const ComponentRef &ref, const std::string &problem, Result &result)
{
    ++result.failures;
    m_error("standby: " + describe(ref) + " is not kept loaded (" + problem
            + "); the served set is not affected, switching to it later loads it then");
}

} // namespace keel::agent
