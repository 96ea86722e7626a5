#include "desiredstateapplier.h"

#include "componentruntime.h"
#include "componentset.h"
#include "manifestrules.h"
#include "state/artifactsource.h"
#include "state/atomicfile.h"

#include "keel/v1/artifactsignature.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <sodium.h>

#include <algorithm>
#include <set>

namespace keel::agent {

namespace {

// 256 components of a 64-character name and a 64-hex-digit identity fit with room.
constexpr std::size_t kMaxAppliedFileBytes = 64 * 1024;
constexpr std::size_t kMaxComponents = 256;

void hashField(crypto_hash_sha256_state &hash, std::string_view field)
{
    const std::uint64_t size = field.size();
    unsigned char length[8];
    for (int i = 0; i < 8; ++i)
        length[i] = static_cast<unsigned char>(size >> (8 * i));
    crypto_hash_sha256_update(&hash, length, sizeof length);
    crypto_hash_sha256_update(&hash, reinterpret_cast<const unsigned char *>(field.data()), field.size());
}

RuntimeTier tierOf(const Component &component)
{
    return component.tier() == "aot" ? RuntimeTier::Aot : RuntimeTier::Interpreter;
}

bool isSetName(std::string_view name)
{
    return !name.empty() && name.size() <= 40
           && std::all_of(name.begin(), name.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
}

// The manifest file for one component, written by a JSON writer (never by pasting
// untrusted text) and read back by the same loader as --components.
std::string manifestJson(const ComponentRef &ref, bool withAot)
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
    return boost::json::serialize(manifest) + "\n";
}

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

struct DesiredStateApplier::Candidate
{
    struct Item
    {
        const ComponentRef *ref = nullptr;
        bool useAot = false;
        std::shared_ptr<Component> kept; // unchanged: the served component, carried over
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
{
}

std::string DesiredStateApplier::fingerprint(const std::vector<ComponentRef> &components)
{
    std::vector<const ComponentRef *> sorted;
    for (const auto &ref : components)
        sorted.push_back(&ref);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const ComponentRef *a, const ComponentRef *b) { return a->manifest.name < b->manifest.name; });
    crypto_hash_sha256_state hash;
    crypto_hash_sha256_init(&hash);
    for (const ComponentRef *ref : sorted) {
        const auto &m = ref->manifest;
        hashField(hash, "component");
        for (std::string_view field : {std::string_view(m.name), std::string_view(m.version),
                                       m.abi == ComponentAbi::Keel ? std::string_view("keel") : std::string_view("wagi")})
            hashField(hash, field);
        hashField(hash, std::to_string(m.dataClasses.size()));
        for (const auto &c : m.dataClasses)
            hashField(hash, c);
        hashField(hash, std::to_string(m.grants.size()));
        for (const auto &g : m.grants)
            hashField(hash, g);
        hashField(hash, std::to_string(m.config.size()));
        for (const auto &[key, value] : m.config) {
            hashField(hash, key);
            hashField(hash, value);
        }
        hashField(hash, std::to_string(m.limits.memoryMb) + "/" + std::to_string(m.limits.deadlineMs) + "/"
                            + std::to_string(m.limits.maxResponseBytes) + "/" + std::to_string(m.limits.maxTableElements)
                            + "/" + std::to_string(m.limits.maxInstances));
        for (std::string_view field : {std::string_view(ref->moduleDigest), std::string_view(ref->moduleSignature),
                                       std::string_view(ref->aotDigest), std::string_view(ref->aotSignature),
                                       std::string_view(ref->aotTarget)})
            hashField(hash, field);
        hashField(hash, std::to_string(ref->moduleSize) + "/" + std::to_string(ref->aotSize));
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&hash, digest);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

std::string DesiredStateApplier::identity(const ComponentRef &component, bool onAot)
{
    return fingerprint({component}) + (onAot ? ":aot" : ":interp");
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
    const auto counts = components.loadDirectory(dir);
    components.serve();
    m_appliedSet = setName;
    restored.served = counts.served;
    restored.refused = counts.refused;
    restored.loads = components.freshlyLoaded();
    if (counts.refused == 0 && !numberError) {
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
    return restored;
}

DesiredStateApplier::Outcome DesiredStateApplier::apply(const DesiredState &state, std::string_view controlPlaneKey)
{
    Outcome outcome;
    // Each component is its own module in memory: a state naming thousands would exhaust
    // the node before any of them served a request.
    if (state.components.size() > kMaxComponents) {
        outcome.ack = rejectAll(state, "a desired state of " + std::to_string(state.components.size())
                                           + " components is over this agent's limit of " + std::to_string(kMaxComponents));
        outcome.ack.components.resize(kMaxComponents); // an ack the control plane accepts
        return outcome;
    }
    const std::string fp = fingerprint(state.components);
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

    // A newer generation of the content already served: nothing to load.
    if (applied != 0 && fp == m_appliedFingerprint && !m_appliedSet.empty()) {
        std::string problem;
        if (!recordApplied(state.generation, m_appliedSet, fp, m_appliedComponents, problem)) {
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
        Candidate::Item item{&ref, false, nullptr, {}};
        const auto &name = ref.manifest.name;
        // Names become file names: nothing else may pass.
        if (!manifest::ManifestRules::isName(name)) {
            item.error = "'" + name + "' is not a component name ([a-z0-9][a-z0-9-]{0,62})";
        } else if (!names.insert(name).second) {
            item.error = "component " + name + " is listed twice";
        } else if (!ref.aotDigest.empty()) {
            if (ref.aotTarget != m_target)
                m_info("desired state: " + name + ": the AOT object is built for " + ref.aotTarget
                       + " but this agent runs " + m_target + "; serving it on the interpreter");
            else if (!m_aot)
                m_info("desired state: " + name + ": this agent runs no AOT objects; serving it on the interpreter");
            else
                item.useAot = true;
        }
        if (item.error.empty()) {
            const auto served = m_appliedComponents.find(name);
            if (served != m_appliedComponents.end() && served->second == identity(ref, item.useAot))
                item.kept = m_runtime.servedForReuse(name);
        }
        candidate.items.push_back(std::move(item));
    }
    if (controlPlaneKey.size() != 32) {
        outcome.ack = rejectAll(state, "the control plane presented no signing key; no artifact can be verified");
        return outcome;
    }

    if (!candidate.failed() && fetchArtifacts(state, controlPlaneKey, candidate, outcome) && writeSet(state, candidate)) {
        ComponentSet components(m_runtime, m_aot, m_info, m_error);
        std::set<std::string> kept;
        for (const auto &item : candidate.items) {
            if (item.kept) {
                components.keep(item.kept);
                kept.insert(item.ref->manifest.name);
            }
        }
        components.loadDirectory(candidate.dir, kept);
        for (const auto &refusal : components.refusals()) {
            const std::string stem = refusal.file.stem().string();
            auto it = std::find_if(candidate.items.begin(), candidate.items.end(),
                                   [&](const Candidate::Item &item) { return item.ref->manifest.name == stem; });
            if (it == candidate.items.end())
                it = candidate.items.begin(); // cannot happen: every file is named after its component
            if (it != candidate.items.end() && it->error.empty())
                it->error = refusal.reason;
        }
        if (!candidate.failed() && components.loaded().size() != candidate.items.size() && !candidate.items.empty())
            candidate.items.front().error = "the set did not load whole";
        if (!candidate.failed()) {
            // The set's files and its directory entry are on disk before `applied` names them.
            for (const auto &entry : std::filesystem::directory_iterator(candidate.dir)) {
                if (entry.is_regular_file())
                    AtomicFile::syncFile(entry.path());
            }
            AtomicFile::syncDirectory(candidate.dir);
            AtomicFile::syncDirectory(candidate.dir.parent_path());
            std::map<std::string, std::string> identities;
            for (const auto &item : candidate.items)
                identities.emplace(item.ref->manifest.name, identity(*item.ref, item.useAot));
            std::string problem;
            if (!recordApplied(state.generation, candidate.name, fp, identities, problem)) {
                outcome.ack = rejectAll(state, "cannot record the applied generation in "
                                                   + (m_dataDir / "applied").string() + ": " + problem);
                std::error_code ec;
                std::filesystem::remove_all(candidate.dir, ec);
                return outcome;
            }
            components.serve();
            m_appliedGeneration = state.generation;
            m_appliedFingerprint = fp;
            m_appliedSet = candidate.name;
            m_appliedComponents = std::move(identities);
            removeOtherSets(candidate.name);
            std::set<std::string> keep;
            for (const auto &item : candidate.items) {
                keep.insert(item.ref->moduleDigest);
                if (item.useAot)
                    keep.insert(item.ref->aotDigest);
            }
            m_store.collect(keep);
            outcome.swapped = true;
            outcome.served = m_runtime.components();
            outcome.ack = currentAck(state.generation);
            outcome.loads = components.freshlyLoaded();
            m_info("desired state: applied generation " + std::to_string(state.generation) + " ("
                   + std::to_string(candidate.items.size()) + " component"
                   + (candidate.items.size() == 1 ? "" : "s") + ", " + std::to_string(kept.size()) + " kept, "
                   + std::to_string(outcome.loads.size()) + " loaded)");
            return outcome;
        }
    }
    // Rejected: the running set stays exactly as it was.
    if (!candidate.dir.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(candidate.dir, ec);
    }
    outcome.ack = candidate.rejection(state.generation);
    for (const auto &status : outcome.ack.components)
        m_error("desired state: generation " + std::to_string(state.generation) + ": " + status.name + ": "
                + status.error);
    m_error("desired state: rejected generation " + std::to_string(state.generation) + "; still serving generation "
            + std::to_string(m_appliedGeneration.load()));
    return outcome;
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
        const ComponentRef &ref = *item.ref;
        const std::string &name = ref.manifest.name; // checked: a plain file name
        std::string problem;
        if (!linkArtifact(m_store.pathOf(ref.moduleDigest), candidate.dir / (name + ".wasm"), problem)
            || (item.useAot && !linkArtifact(m_store.pathOf(ref.aotDigest), candidate.dir / (name + ".so"), problem))
            || !AtomicFile::write(candidate.dir / (name + ".json"), manifestJson(ref, item.useAot), 0600, problem)) {
            item.error = "cannot write the set in " + candidate.dir.string() + ": " + problem;
            return false;
        }
    }
    return true;
}

bool DesiredStateApplier::recordApplied(std::uint64_t generation, const std::string &setName,
                                        const std::string &fingerprint, const std::map<std::string, std::string> &components,
                                        std::string &problem)
{
    boost::json::object ids;
    for (const auto &[name, id] : components)
        ids[name] = id;
    const boost::json::object applied{
        {"generation", generation}, {"set", setName}, {"fingerprint", fingerprint}, {"components", std::move(ids)}};
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
