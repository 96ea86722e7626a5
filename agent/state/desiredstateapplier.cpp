#include "desiredstateapplier.h"

#include "componentruntime.h"
#include "componentset.h"
#include "control/agentcodec.h"
#include "manifestrules.h"
#include "state/artifactsource.h"
#include "state/atomicfile.h"
#include "state/componentfiles.h"
#include "state/setfingerprint.h"

#include "keel/v1/artifactsignature.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <set>

namespace keel::agent {

namespace {

// 256 components and as many standby versions, each a 64-character name and a
// 64-hex-digit identity, fit with room.
constexpr std::size_t kMaxAppliedFileBytes = 128 * 1024;
constexpr std::size_t kMaxComponents = 256;
// A thousand rules and a placement per component, each in a few regions, fit with room.
constexpr std::size_t kMaxResidencyFileBytes = 4 * 1024 * 1024;
constexpr const char *kResidencyFile = "residency.pb";

RuntimeTier tierOf(const Component &component)
{
    return component.tier() == "aot" ? RuntimeTier::Aot : RuntimeTier::Interpreter;
}

bool isSetName(std::string_view name)
{
    return !name.empty() && name.size() <= 40
           && std::all_of(name.begin(), name.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
}

} // namespace

struct DesiredStateApplier::Candidate
{
    struct Item
    {
        const ComponentRef *ref = nullptr;
        bool useAot = false;
        std::string identity;
        std::shared_ptr<Component> kept;    // unchanged: the served component, carried over
        std::shared_ptr<Component> adopted; // held in the standby with this identity: served as is
        std::string error; // empty while the component is fine
    };
    std::vector<Item> items;
    std::string name; // under sets/
    std::filesystem::path dir;

    bool failed() const
    {
        return std::any_of(items.begin(), items.end(), [](const Item &item) { return !item.error.empty(); });
    }

    StateAck rejection(std::uint64_t generation) const
    {
        // One entry per component that failed; the others are left out (keel.proto).
        StateAck ack{generation, false, {}};
        for (const auto &item : items) {
            if (!item.error.empty())
                ack.components.push_back({item.ref->manifest.name, item.ref->manifest.version,
                                          ComponentState::Failed, std::nullopt, item.error});
        }
        return ack;
    }
};

DesiredStateApplier::DesiredStateApplier(std::filesystem::path dataDir, ComponentRuntime &runtime, Engine *aot,
                                         ArtifactSource &source, std::string target, Log info, Log error)
    : m_dataDir(std::move(dataDir))
    , m_runtime(runtime)
    , m_aot(aot)
    , m_source(source)
    , m_target(std::move(target))
    , m_info(std::move(info))
    , m_error(std::move(error))
    , m_store(m_dataDir / "artifacts")
    , m_standby(runtime, aot, m_store, m_info, m_error)
{
}

std::string DesiredStateApplier::fingerprint(const std::vector<ComponentRef> &components)
{
    return SetFingerprint::ofComponents(components);
}

std::string DesiredStateApplier::stateFingerprint(const std::vector<ComponentRef> &components,
                                                  const std::vector<ComponentRef> &standby,
                                                  const NodeResidency *residency)
{
    return SetFingerprint::ofState(components, standby, residency);
}

std::string DesiredStateApplier::identity(const ComponentRef &component, bool onAot)
{
    return SetFingerprint::identity(component, onAot);
}

StateAck DesiredStateApplier::rejectAll(const DesiredState &state, const std::string &reason)
{
    StateAck ack{state.generation, false, {}};
    for (const auto &ref : state.components)
        ack.components.push_back({ref.manifest.name, ref.manifest.version, ComponentState::Failed, std::nullopt, reason});
    return ack;
}

StateAck DesiredStateApplier::currentAck(std::uint64_t generation) const
{
    StateAck ack{generation, true, {}};
    for (const auto &component : m_runtime.components()) {
        const auto &config = component->config();
        ack.components.push_back({config.name, config.version, ComponentState::Running, tierOf(*component), {}});
    }
    return ack;
}

DesiredStateApplier::Restored DesiredStateApplier::restore()
{
    Restored restored;
    const auto file = m_dataDir / "applied";
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(file, ec)))
        return restored;
    restored.found = true;
    std::string text;
    std::string problem;
    if (!AtomicFile::read(file, kMaxAppliedFileBytes, text, problem)) {
        m_error("desired state: " + file.string() + ": cannot read (" + problem
                + "): serving nothing until the control plane sends the node's components");
        return restored;
    }
    boost::system::error_code parseError;
    const auto value = boost::json::parse(text, parseError);
    const auto *object = parseError ? nullptr : value.if_object();
    const auto *generation = object ? object->if_contains("generation") : nullptr;
    const auto *set = object ? object->if_contains("set") : nullptr;
    const auto *fp = object ? object->if_contains("fingerprint") : nullptr;
    if (!generation || !generation->is_number() || !set || !set->is_string() || !isSetName(set->as_string())
        || !fp || !fp->is_string()) {
        m_error("desired state: " + file.string()
                + ": damaged: serving nothing until the control plane sends the node's components");
        return restored;
    }
    boost::system::error_code numberError;
    const auto number = generation->to_number<std::uint64_t>(numberError);
    const std::string setName(set->as_string());
    const auto dir = m_dataDir / "sets" / setName;

    ComponentSet components(m_runtime, m_aot, m_info, m_error);
    auto counts = components.loadDirectory(dir);
    // The rules go with the set: without them no component that processes data classes
    // may serve (it could answer a request the policy refuses), so those are refused and
    // the set reported as not loaded whole.
    std::shared_ptr<const NodeResidency> residency;
    bool residencyRead = true;
    const auto *hasResidency = object->if_contains("residency");
    const bool withResidency = hasResidency && hasResidency->is_bool() && hasResidency->as_bool();
    if (withResidency) {
        std::string residencyProblem;
        if (auto rules = readResidency(dir, residencyProblem)) {
            residency = std::make_shared<const NodeResidency>(std::move(*rules));
        } else {
            const std::size_t refused = components.refuseDataProcessors(
                "the residency rules of generation " + std::to_string(number) + " cannot be read ("
                + residencyProblem + "); not serving it until the control plane sends them again");
            counts.served -= std::min(counts.served, refused);
            counts.refused += refused;
            residencyRead = false;
            m_error("desired state: " + (dir / kResidencyFile).string() + ": " + residencyProblem);
        }
    }
    components.serve(residency);
    m_appliedSet = setName;
    m_appliedResidency = withResidency;
    restored.served = counts.served;
    restored.refused = counts.refused;
    restored.loads = components.freshlyLoaded();
    if (counts.refused == 0 && residencyRead && !numberError) {
        m_appliedGeneration = number;
        m_appliedFingerprint = std::string(fp->as_string());
        restored.generation = number;
        // Written by agents that keep unchanged components across swaps; without it the
        // next change loads the whole set once.
        if (const auto *ids = object->if_contains("components"); ids && ids->is_object()) {
            for (const auto &[name, id] : ids->as_object()) {
                if (id.is_string())
                    m_appliedComponents.emplace(std::string(name), std::string(id.as_string()));
            }
        }
    } else {
        m_error("desired state: generation " + std::to_string(number) + " in " + dir.string()
                + " did not load whole; serving what loaded and asking the control plane for it again");
    }
    // The standby too, even beside a set that did not load whole: the control plane's
    // next state takes what is held rather than fetching and loading it again.
    std::map<std::string, std::string> standbyIds;
    if (const auto *ids = object->if_contains("standby"); ids && ids->is_object()) {
        for (const auto &[name, id] : ids->as_object()) {
            if (id.is_string())
                standbyIds.emplace(std::string(name), std::string(id.as_string()));
        }
    }
    if (!standbyIds.empty()) {
        const auto standby = m_standby.restore(dir / "standby", standbyIds);
        restored.standbyLoads = standby.loads;
        restored.standbyFailures = standby.failures;
    }
    restored.standbyHeld = m_standby.size();
    return restored;
}

DesiredStateApplier::Outcome DesiredStateApplier::apply(const DesiredState &state, std::string_view controlPlaneKey)
{
    Outcome outcome;
    outcome.standbyHeld = m_standby.size();
    // Each component is its own module in memory: a state naming thousands would exhaust
    // the node before any of them served a request.
    if (state.components.size() > kMaxComponents) {
        outcome.ack = rejectAll(state, "a desired state of " + std::to_string(state.components.size())
                                           + " components is over this agent's limit of " + std::to_string(kMaxComponents));
        outcome.ack.components.resize(kMaxComponents); // an ack the control plane accepts
        return outcome;
    }
    const std::string fp = stateFingerprint(state.components, state.standby, state.residency ? &*state.residency : nullptr);
    const std::uint64_t applied = m_appliedGeneration;
    if (applied != 0 && state.generation <= applied) {
        if (fp == m_appliedFingerprint) {
            outcome.ack = currentAck(state.generation);
        } else {
            outcome.ack = rejectAll(state, "generation " + std::to_string(state.generation)
                                               + " is not newer than the applied generation " + std::to_string(applied)
                                               + " and differs from it; send a newer generation");
        }
        return outcome;
    }

    // A newer generation of the content already served (and held): nothing to load. A
    // standby that could not be held last time (or after a restart) is tried again.
    if (applied != 0 && fp == m_appliedFingerprint && !m_appliedSet.empty() && standbyHeld(state)) {
        std::string problem;
        if (!recordApplied(state.generation, m_appliedSet, fp, m_appliedComponents, m_standby.identities(),
                           m_appliedResidency, problem)) {
            outcome.ack = rejectAll(state, "cannot record the applied generation in " + (m_dataDir / "applied").string()
                                               + ": " + problem);
            return outcome;
        }
        m_appliedGeneration = state.generation;
        outcome.ack = currentAck(state.generation);
        m_info("desired state: generation " + std::to_string(state.generation) + " has the content of generation "
               + std::to_string(applied) + "; nothing to load");
        return outcome;
    }

    Candidate candidate;
    std::set<std::string> names;
    for (const auto &ref : state.components) {
        Candidate::Item item{&ref, false, {}, nullptr, nullptr, {}};
        const auto &name = ref.manifest.name;
        // Names become file names: nothing else may pass.
        if (!manifest::ManifestRules::isName(name))
            item.error = "'" + name + "' is not a component name ([a-z0-9][a-z0-9-]{0,62})";
        else if (!names.insert(name).second)
            item.error = "component " + name + " is listed twice";
        else
            item.useAot = runsOnAot(ref, true);
        if (item.error.empty()) {
            item.identity = identity(ref, item.useAot);
            const auto served = m_appliedComponents.find(name);
            if (served != m_appliedComponents.end() && served->second == item.identity)
                item.kept = m_runtime.servedForReuse(name);
            if (!item.kept)
                item.adopted = m_standby.find(name, item.identity);
        }
        candidate.items.push_back(std::move(item));
    }
    if (controlPlaneKey.size() != 32) {
        outcome.ack = rejectAll(state, "the control plane presented no signing key; no artifact can be verified");
        return outcome;
    }

    if (!candidate.failed() && fetchArtifacts(state, controlPlaneKey, candidate, outcome) && writeSet(state, candidate)) {
        ComponentSet components(m_runtime, m_aot, m_info, m_error);
        std::set<std::string> loadedAlready;
        for (const auto &item : candidate.items) {
            if (item.kept)
                components.keep(item.kept);
            else if (item.adopted)
                components.adopt(item.adopted);
            if (item.kept || item.adopted)
                loadedAlready.insert(item.ref->manifest.name);
        }
        components.loadDirectory(candidate.dir, loadedAlready);
        // Before anything is switched: every new or changed component answers its health
        // path (unchanged ones are not asked again).
        components.checkHealth();
        for (const auto &refusal : components.refusals()) {
            const std::string name = refusal.component.empty() ? refusal.file.stem().string() : refusal.component;
            auto it = std::find_if(candidate.items.begin(), candidate.items.end(),
                                   [&](const Candidate::Item &item) { return item.ref->manifest.name == name; });
            if (it == candidate.items.end())
                it = candidate.items.begin(); // cannot happen: every file is named after its component
            if (it != candidate.items.end() && it->error.empty())
                it->error = refusal.reason;
        }
        if (!candidate.failed() && components.loaded().size() != candidate.items.size() && !candidate.items.empty())
            candidate.items.front().error = "the set did not load whole";
        if (!candidate.failed()) {
            switchTo(state, controlPlaneKey, candidate, components, fp, outcome);
            if (outcome.swapped)
                return outcome;
        }
    }
    // Rejected: the running set (and the standby) stay exactly as they were.
    if (!candidate.dir.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(candidate.dir, ec);
    }
    if (outcome.ack.components.empty())
        outcome.ack = candidate.rejection(state.generation);
    for (const auto &status : outcome.ack.components)
        m_error("desired state: generation " + std::to_string(state.generation) + ": " + status.name + ": "
                + status.error);
    m_error("desired state: rejected generation " + std::to_string(state.generation) + "; still serving generation "
            + std::to_string(m_appliedGeneration.load()));
    return outcome;
}

void DesiredStateApplier::switchTo(const DesiredState &state, std::string_view key, Candidate &candidate,
                                   ComponentSet &components, const std::string &fp, Outcome &outcome)
{
    // The set's files and its directory entry are on disk before `applied` names them.
    for (const auto &entry : std::filesystem::directory_iterator(candidate.dir)) {
        if (entry.is_regular_file())
            AtomicFile::syncFile(entry.path());
    }
    AtomicFile::syncDirectory(candidate.dir);
    AtomicFile::syncDirectory(candidate.dir.parent_path());
    std::map<std::string, std::string> identities;
    for (const auto &item : candidate.items)
        identities.emplace(item.ref->manifest.name, item.identity);
    // No standby yet: it is recorded once it is held, after the swap.
    std::string problem;
    const bool withResidency = state.residency.has_value();
    if (!recordApplied(state.generation, candidate.name, fp, identities, {}, withResidency, problem)) {
        outcome.ack = rejectAll(state, "cannot record the applied generation in " + (m_dataDir / "applied").string()
                                           + ": " + problem);
        return;
    }
    // What is served now and may move to the standby (a rollout's baseline) untouched.
    const auto wanted = wantedStandby(state, &outcome);
    std::map<std::string, StandbySet::Previous> previous;
    for (const auto &w : wanted) {
        const auto &name = w.ref->manifest.name;
        if (const auto served = m_appliedComponents.find(name); served != m_appliedComponents.end())
            previous.emplace(name, StandbySet::Previous{served->second, m_runtime.servedForReuse(name)});
    }
    components.serve(withResidency ? std::make_shared<const NodeResidency>(*state.residency) : nullptr);
    m_appliedGeneration = state.generation;
    m_appliedFingerprint = fp;
    m_appliedSet = candidate.name;
    m_appliedComponents = std::move(identities);
    m_appliedResidency = withResidency;
    outcome.swapped = true;
    outcome.served = m_runtime.components();
    outcome.ack = currentAck(state.generation);
    outcome.loads = components.freshlyLoaded();

    // The standby is an optimisation: whatever fails here is logged and counted, and the
    // state stays applied.
    const auto standby = m_standby.replace(wanted, previous, candidate.dir / "standby", key, m_source);
    outcome.standbyLoads = standby.loads;
    outcome.standbyFailures += standby.failures;
    outcome.fetchFailures.insert(outcome.fetchFailures.end(), standby.fetchFailures.begin(), standby.fetchFailures.end());
    outcome.standbyHeld = m_standby.size();
    if (m_standby.size() > 0 && !recordApplied(state.generation, candidate.name, fp, m_appliedComponents,
                                               m_standby.identities(), withResidency, problem)) {
        ++outcome.standbyFailures;
        m_error("desired state: cannot record the standby in " + (m_dataDir / "applied").string() + " (" + problem
                + "); it stays loaded but a restart will not load it again");
    }
    removeOtherSets(candidate.name);
    std::set<std::string> keep;
    for (const auto &item : candidate.items) {
        keep.insert(item.ref->moduleDigest);
        if (item.useAot)
            keep.insert(item.ref->aotDigest);
    }
    m_standby.keepArtifacts(keep);
    m_store.collect(keep);
    const auto count = [](std::size_t n, const char *what) {
        return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
    };
    std::size_t kept = 0;
    std::size_t adopted = 0;
    for (const auto &item : candidate.items) {
        kept += item.kept ? 1 : 0;
        adopted += item.adopted ? 1 : 0;
    }
    m_info("desired state: applied generation " + std::to_string(state.generation) + " ("
           + count(candidate.items.size(), "component") + ", " + std::to_string(kept) + " kept, "
           + std::to_string(adopted) + " from the standby, " + std::to_string(outcome.loads.size()) + " loaded; "
           + count(m_standby.size(), "standby version") + ")");
}

bool DesiredStateApplier::runsOnAot(const ComponentRef &ref, bool log) const
{
    if (ref.aotDigest.empty())
        return false;
    if (ref.aotTarget != m_target) {
        if (log)
            m_info("desired state: " + ref.manifest.name + ": the AOT object is built for " + ref.aotTarget
                   + " but this agent runs " + m_target + "; serving it on the interpreter");
        return false;
    }
    if (!m_aot) {
        if (log)
            m_info("desired state: " + ref.manifest.name + ": this agent runs no AOT objects; serving it on the interpreter");
        return false;
    }
    return true;
}

bool DesiredStateApplier::standbyHeld(const DesiredState &state) const
{
    const auto wanted = wantedStandby(state, nullptr);
    return std::all_of(wanted.begin(), wanted.end(), [&](const StandbySet::Wanted &w) {
        return m_standby.find(w.ref->manifest.name, w.identity) != nullptr;
    });
}

std::vector<StandbySet::Wanted> DesiredStateApplier::wantedStandby(const DesiredState &state, Outcome *outcome) const
{
    std::vector<StandbySet::Wanted> wanted;
    std::set<std::string> names;
    for (const auto &ref : state.standby) {
        const auto &name = ref.manifest.name;
        const auto served = std::find_if(state.components.begin(), state.components.end(),
                                         [&](const ComponentRef &c) { return c.manifest.name == name; });
        // The version served is loaded already: nothing to hold beside it.
        if (served != state.components.end() && served->manifest.version == ref.manifest.version)
            continue;
        std::string problem;
        if (!manifest::ManifestRules::isName(name))
            problem = "'" + name + "' is not a component name ([a-z0-9][a-z0-9-]{0,62})";
        else if (!names.insert(name).second)
            problem = name + " " + ref.manifest.version + " is a second standby version of " + name
                      + " (at most one per component)";
        else if (wanted.size() >= kMaxComponents)
            problem = "over this agent's limit of " + std::to_string(kMaxComponents) + " standby versions";
        if (!problem.empty()) {
            if (outcome) {
                ++outcome->standbyFailures;
                m_error("desired state: generation " + std::to_string(state.generation) + ": standby: " + problem
                        + "; not kept loaded");
            }
            continue;
        }
        const bool onAot = runsOnAot(ref, false);
        wanted.push_back({&ref, onAot, identity(ref, onAot)});
    }
    return wanted;
}

bool DesiredStateApplier::fetchArtifacts(const DesiredState &, std::string_view key, Candidate &candidate,
                                         Outcome &outcome)
{
    for (auto &item : candidate.items) {
        const ComponentRef &ref = *item.ref;
        ArtifactStore::Expected module{ref.moduleDigest, ref.moduleSize, keel::v1::moduleSignatureMessage(ref.moduleDigest),
                                       ref.moduleSignature, "module"};
        auto failure = m_store.ensure(module, key, m_source, item.error);
        if (failure == ArtifactStore::Failure::None && item.useAot) {
            ArtifactStore::Expected object{ref.aotDigest, ref.aotSize,
                                           keel::v1::aotSignatureMessage(ref.aotDigest, ref.moduleDigest, ref.aotTarget),
                                           ref.aotSignature, "AOT object"};
            failure = m_store.ensure(object, key, m_source, item.error);
        }
        if (failure != ArtifactStore::Failure::None)
            outcome.fetchFailures.emplace_back(ArtifactStore::failureName(failure));
    }
    return !candidate.failed();
}

std::string DesiredStateApplier::candidateName(std::uint64_t generation) const
{
    // The set being served is never rewritten, even when a restore left it at generation 0.
    std::string name = std::to_string(generation);
    for (int k = 1; name == m_appliedSet; ++k)
        name = std::to_string(generation) + "-" + std::to_string(k);
    return name;
}

bool DesiredStateApplier::writeSet(const DesiredState &state, Candidate &candidate)
{
    candidate.name = candidateName(state.generation);
    candidate.dir = m_dataDir / "sets" / candidate.name;
    std::error_code ec;
    std::filesystem::remove_all(candidate.dir, ec);
    std::filesystem::create_directories(candidate.dir, ec);
    if (ec) {
        for (auto &item : candidate.items)
            item.error = "cannot create " + candidate.dir.string() + ": " + ec.message();
        return false;
    }
    for (auto &item : candidate.items) {
        // Names were checked: plain file names.
        std::string problem;
        if (!ComponentFiles::write(candidate.dir, m_store, *item.ref, item.useAot, problem)) {
            item.error = "cannot write the set in " + candidate.dir.string() + ": " + problem;
            return false;
        }
    }
    if (state.residency) {
        std::string problem;
        if (!AtomicFile::write(candidate.dir / kResidencyFile, AgentCodec::encodeResidency(*state.residency), 0600,
                               problem)) {
            if (!candidate.items.empty())
                candidate.items.front().error = "cannot keep the residency rules in " + candidate.dir.string() + ": " + problem;
            return false;
        }
    }
    return true;
}

std::optional<NodeResidency> DesiredStateApplier::readResidency(const std::filesystem::path &dir,
                                                                std::string &problem) const
{
    std::string bytes;
    if (!AtomicFile::read(dir / kResidencyFile, kMaxResidencyFileBytes, bytes, problem))
        return std::nullopt;
    return AgentCodec::decodeResidency(bytes, problem);
}

bool DesiredStateApplier::recordApplied(std::uint64_t generation, const std::string &setName,
                                        const std::string &fingerprint, const std::map<std::string, std::string> &components,
                                        const std::map<std::string, std::string> &standby, bool residency,
                                        std::string &problem)
{
    boost::json::object ids;
    for (const auto &[name, id] : components)
        ids[name] = id;
    boost::json::object applied{
        {"generation", generation}, {"set", setName}, {"fingerprint", fingerprint}, {"components", std::move(ids)}};
    if (!standby.empty()) {
        boost::json::object held;
        for (const auto &[name, id] : standby)
            held[name] = id;
        applied["standby"] = std::move(held);
    }
    if (residency)
        applied["residency"] = true;
    return AtomicFile::write(m_dataDir / "applied", boost::json::serialize(applied) + "\n", 0600, problem);
}

void DesiredStateApplier::removeOtherSets(const std::string &keep)
{
    std::error_code ec;
    for (std::filesystem::directory_iterator it(m_dataDir / "sets", ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().filename() != keep) {
            std::error_code removeError;
            std::filesystem::remove_all(it->path(), removeError);
        }
    }
}

} // namespace keel::agent
