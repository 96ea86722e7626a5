#pragma once

#include "componentmanifest.h"

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

class Component;
class ComponentRuntime;
class Engine;
struct NodeResidency;

// Turns manifests into loaded components, each on the tier its manifest asks for, and
// then serves them as the node's whole set. One path for every source of manifests:
// --components DIR, the set restored from --data-dir and each desired state from the
// control plane. Loading never disturbs what the runtime serves; serve() swaps the set
// in at once. A refused component is reported (and kept in refusals()); the caller
// decides whether the others are served regardless (--components) or not at all
// (a desired state is applied whole or not at all).
class ComponentSet final
{
public:
    using Log = std::function<void(std::string_view line)>;

    struct Counts
    {
        std::size_t served = 0;  // loaded, ready to serve
        std::size_t refused = 0; // files or components, one each however many reasons
    };

    struct Refusal
    {
        std::filesystem::path file; // the manifest
        std::string reason;         // every reason for that file, one line
        std::string component;      // its name; empty when the manifest did not parse
    };

    // aot: the AOT tier's engine; null when this agent cannot run AOT objects.
    ComponentSet(ComponentRuntime &runtime, Engine *aot, Log info, Log error);

    // Loads every manifest directly in dir (ManifestLoader::loadDirectory), except those
    // of the components named in `kept` (see keep()).
    Counts loadDirectory(const std::filesystem::path &dir, const std::set<std::string> &kept = {});

    // Serves an already loaded component (the runtime's, unchanged) in this set: its code
    // and instances carry over the swap, nothing is instantiated again.
    void keep(std::shared_ptr<Component> component);

    // Serves a component loaded earlier but never served by this set's runtime (a
    // standby version): nothing is instantiated, but checkHealth() checks it like one
    // this set loaded, since traffic is about to reach it.
    void adopt(std::shared_ptr<Component> component);

    // Sends each component this set loaded or adopted its health check (HealthCheck);
    // one that fails is refused (logged, in refusals(), no longer in loaded()). Kept
    // components are not checked again. Returns how many were refused.
    std::size_t checkHealth();

    // Refuses every loaded component that declares data classes, for `reason` (the rules
    // over them are unknown, so none of them may serve). Returns how many.
    std::size_t refuseDataProcessors(std::string_view reason);

    // Loads one manifest already parsed; false with the reason logged when it is refused.
    bool add(const manifest::ComponentManifest &manifest);

    const std::vector<std::shared_ptr<Component>> &loaded() const { return m_loaded; }
    const std::vector<Refusal> &refusals() const { return m_refusals; }
    // The names of the components this set loaded (instantiated) itself, not kept.
    const std::vector<std::string> &freshlyLoaded() const { return m_fresh; }

    // Makes the loaded components the runtime's whole set, replacing what it served, under
    // these residency rules (null: none) in the same step.
    void serve(std::shared_ptr<const NodeResidency> residency = nullptr);

private:
    bool addOnAot(const manifest::ComponentManifest &manifest, std::string &error);
    bool addOnInterpreter(const manifest::ComponentManifest &manifest, std::string &error);
    bool load(const manifest::ComponentManifest &manifest, Engine &engine, std::string &error);
    // Takes a component loaded for this manifest into the set; false when it is null.
    bool loaded(const manifest::ComponentManifest &manifest, std::shared_ptr<Component> component);
    // Loads the AOT objects of these manifests on several threads at once (hashing the
    // module and mapping the object are independent per component); add() takes them
    // from m_preloaded in manifest order, so what is logged and refused reads as before.
    void preloadAot(const std::vector<const manifest::ComponentManifest *> &manifests);
    void refuse(const std::filesystem::path &file, std::string_view reason, const std::string &component);

    ComponentRuntime &m_runtime;
    Engine *m_aot;
    Log m_info;
    Log m_error;
    std::vector<std::shared_ptr<Component>> m_loaded;
    std::vector<Refusal> m_refusals;
    std::vector<std::string> m_fresh;
    std::vector<std::string> m_adopted;
    std::map<std::string, std::filesystem::path> m_sources; // what this set loaded: name -> manifest
    struct Preloaded
    {
        std::shared_ptr<Component> component; // null: refused, with error
        std::string error;
    };
    std::map<std::filesystem::path, Preloaded> m_preloaded; // by manifest file, during loadDirectory()
};

} // namespace keel::agent
