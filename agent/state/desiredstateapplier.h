#pragma once

#include "control/controlmessages.h"
#include "state/artifactstore.h"
#include "state/standbyset.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::agent {

class ArtifactSource;
class Component;
class ComponentRuntime;
class ComponentSet;
class Engine;

// Makes a node serve what a DesiredState says, all of it or none of it, and keeps the
// last good set under --data-dir so that a restarted node serves it again offline:
//
//   <data-dir>/artifacts/sha256/<hex>   verified modules and AOT objects (ArtifactStore)
//   <data-dir>/sets/<generation>/       one manifest per component (<name>.json) beside
//                                       hard links to its artifacts (<name>.wasm, <name>.so)
//   <data-dir>/sets/<generation>/standby/  the same for the versions held loaded, not served
//   <data-dir>/sets/<generation>/residency.pb  the state's residency rules (a serialized
//                                       keel.v1.NodeResidency), when it carries any
//   <data-dir>/applied                  {"generation", "set", "fingerprint", "components",
//                                       "standby", "residency"}: the set served, each
//                                       component's identity and the standby's, whether
//                                       the set has rules; replaced by an atomic rename
//
// The candidate set is loaded through ComponentSet, the same path as --components; only
// when every component loaded and answered its health check (HealthCheck, for those
// with a health_path) is it swapped in. A component whose identity (manifest, digests,
// signatures, tier) is unchanged keeps its loaded code and instances across the swap, and
// one held in the StandbySet with that identity is served as it is; only the others are
// instantiated. A newer generation with the same content loads nothing. The residency
// rules a state carries are served with its set in the same swap and restored with it,
// so the node enforces them offline and after a restart; a state that changes only them
// keeps every component. Blocking
// (fetches, hashing, instantiation): call it on a thread of its own, one call at a time.
class DesiredStateApplier final
{
public:
    using Log = std::function<void(std::string_view line)>;

    struct Outcome
    {
        StateAck ack;
        bool swapped = false; // the runtime serves a new set
        // When swapped: what is served now (for metrics; read on any thread).
        std::vector<std::shared_ptr<const Component>> served;
        // One metric label (ArtifactStore::failureName) per artifact that failed.
        std::vector<std::string> fetchFailures;
        // The components instantiated for this state (changed or new), by name.
        std::vector<std::string> loads;
        // The standby: instantiated for it, wanted but not held, held now.
        std::vector<std::string> standbyLoads;
        std::size_t standbyFailures = 0;
        std::size_t standbyHeld = 0;
    };

    struct Restored
    {
        bool found = false;          // <data-dir>/applied named a set
        std::uint64_t generation = 0; // applied now (0 when the set did not load whole)
        std::size_t served = 0;
        std::size_t refused = 0;
        std::vector<std::string> loads; // the components instantiated
        std::vector<std::string> standbyLoads;
        std::size_t standbyFailures = 0;
        std::size_t standbyHeld = 0;
    };

    // aot: the AOT engine, null when this agent runs none; target: the triple objects
    // must be built for (the agent's own).
    DesiredStateApplier(std::filesystem::path dataDir, ComponentRuntime &runtime, Engine *aot,
                        ArtifactSource &source, std::string target, Log info, Log error);

    // Serves the set <data-dir>/applied names, through the same loading path. A set that
    // does not load whole is served as far as it loads, but reported as generation 0 so
    // that the control plane's next desired state is applied again.
    Restored restore();

    // Applies state with the pinned control-plane key (32 bytes); returns the StateAck
    // to send. A generation not newer than the applied one is acknowledged again when
    // its content is the same, and rejected otherwise.
    Outcome apply(const DesiredState &state, std::string_view controlPlaneKey);

    // Safe from any thread.
    std::uint64_t appliedGeneration() const { return m_appliedGeneration.load(); }

    // A rejection of every component of state for one reason (e.g. the key is not the
    // pinned one, or the node serves a local --components set).
    static StateAck rejectAll(const DesiredState &state, const std::string &reason);

    // SetFingerprint's: the components' content (equal in any order), a state's (with
    // its standby), one component's identity on this agent (content and tier).
    static std::string fingerprint(const std::vector<ComponentRef> &components);
    static std::string stateFingerprint(const std::vector<ComponentRef> &components,
                                        const std::vector<ComponentRef> &standby,
                                        const NodeResidency *residency = nullptr);
    static std::string identity(const ComponentRef &component, bool onAot);

private:
    struct Candidate;

    StateAck currentAck(std::uint64_t generation) const;
    // Whether ref runs on the AOT tier here (its object is for this agent's target and
    // this agent runs objects); log says why not, when it is not.
    bool runsOnAot(const ComponentRef &ref, bool log) const;
    // The versions of state.standby to hold (the one served and bad entries left out;
    // each bad one logged and counted in outcome, when given).
    std::vector<StandbySet::Wanted> wantedStandby(const DesiredState &state, Outcome *outcome) const;
    // Whether everything state.standby wants held is held.
    bool standbyHeld(const DesiredState &state) const;
    bool fetchArtifacts(const DesiredState &state, std::string_view key, Candidate &candidate, Outcome &outcome);
    bool writeSet(const DesiredState &state, Candidate &candidate);
    // Serves the loaded candidate, then holds the state's standby.
    void switchTo(const DesiredState &state, std::string_view key, Candidate &candidate, ComponentSet &components,
                  const std::string &fingerprint, Outcome &outcome);
    bool recordApplied(std::uint64_t generation, const std::string &setName, const std::string &fingerprint,
                       const std::map<std::string, std::string> &components,
                       const std::map<std::string, std::string> &standby, bool residency, std::string &problem);
    // The rules kept beside the set in dir; nullopt with the problem when they cannot be read.
    std::optional<NodeResidency> readResidency(const std::filesystem::path &dir, std::string &problem) const;
    void removeOtherSets(const std::string &keep);
    std::string candidateName(std::uint64_t generation) const;

    std::filesystem::path m_dataDir;
    ComponentRuntime &m_runtime;
    Engine *m_aot;
    ArtifactSource &m_source;
    std::string m_target;
    Log m_info;
    Log m_error;
    ArtifactStore m_store;
    std::atomic<std::uint64_t> m_appliedGeneration{0};
    std::string m_appliedFingerprint; // of the empty set until something is applied
    std::string m_appliedSet;         // directory name under sets/, empty when none
    std::map<std::string, std::string> m_appliedComponents; // name -> identity() of what is served
    bool m_appliedResidency = false; // the served set has residency rules
    StandbySet m_standby;
};

} // namespace keel::agent
