#pragma once

#include "control/controlmessages.h"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace keel::agent {

class ArtifactSource;
class ArtifactStore;
class Component;
class ComponentRuntime;
class Engine;

// The component versions a node keeps loaded but does not serve (DesiredState.standby:
// the baseline of a rollout on a node already switched), so that a later state serving
// one of them switches at once: no fetch, no instantiation, no cold start. Held
// components are never in the runtime's catalog: they answer nothing and report no
// metrics. Everything here is an optimisation: a version that cannot be held is logged
// and counted, never a reason to refuse a desired state.
//
// On disk, beside the served set: <data-dir>/sets/<generation>/standby/<name>.json,
// .wasm, .so, written like the set itself (ComponentFiles), so that a restarted agent
// holds them again. Used by DesiredStateApplier on its thread only.
class StandbySet final
{
public:
    using Log = std::function<void(std::string_view line)>;

    // One version to hold, as the applier decided it (name checked, tier chosen).
    struct Wanted
    {
        const ComponentRef *ref = nullptr;
        bool useAot = false;
        std::string identity; // DesiredStateApplier::identity(*ref, useAot)
    };

    // A component the set being replaced served: held as it is when a Wanted has its
    // identity (the version a rollout just replaced).
    struct Previous
    {
        std::string identity;
        std::shared_ptr<Component> component;
    };

    struct Result
    {
        std::vector<std::string> loads;         // instantiated for the standby, by name
        std::size_t failures = 0;               // wanted but not held
        std::vector<std::string> fetchFailures; // ArtifactStore::failureName, one per artifact
    };

    StandbySet(ComponentRuntime &runtime, Engine *aot, ArtifactStore &store, Log info, Log error);

    // The held version of that name when it is exactly this identity; nullptr otherwise.
    std::shared_ptr<Component> find(const std::string &name, const std::string &identity) const;

    // Holds exactly `wanted` from now on, its files written under dir: each taken from
    // `previous` (by name) or from what is held when the identity matches, otherwise
    // fetched and verified (ArtifactStore::ensure) and loaded. What was held and is not
    // wanted any more is released; it unloads once nothing runs on it.
    Result replace(const std::vector<Wanted> &wanted, const std::map<std::string, Previous> &previous,
                   const std::filesystem::path &dir, std::string_view key, ArtifactSource &source);

    // A restarted agent: loads what dir holds; identities are the ones `applied`
    // recorded (name -> identity), and a component without one is not held.
    Result restore(const std::filesystem::path &dir, const std::map<std::string, std::string> &identities);

    // name -> identity of each held version, for `applied`.
    std::map<std::string, std::string> identities() const;
    // Adds the artifacts of the held versions to keep (ArtifactStore::collect).
    void keepArtifacts(std::set<std::string> &keep) const;
    std::size_t size() const { return m_held.size(); }

private:
    struct Held
    {
        std::string identity;
        std::shared_ptr<Component> component;
        std::string moduleDigest; // empty after restore() until the next replace()
        std::string aotDigest;    // empty when it runs on the interpreter
    };

    bool fetch(const Wanted &wanted, std::string_view key, ArtifactSource &source, Result &result,
               std::string &problem);
    void refuse(const ComponentRef &ref, const std::string &problem, Result &result);

    ComponentRuntime &m_runtime;
    Engine *m_aot;
    ArtifactStore &m_store;
    Log m_info;
    Log m_error;
    std::map<std::string, Held> m_held;
};

} // namespace keel::agent
