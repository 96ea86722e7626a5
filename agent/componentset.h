#pragma once

#include "componentmanifest.h"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace keel::agent {

class Component;
class ComponentRuntime;
class Engine;

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
    };

    // aot: the AOT tier's engine; null when this agent cannot run AOT objects.
    ComponentSet(ComponentRuntime &runtime, Engine *aot, Log info, Log error);

    // Loads every manifest directly in dir (ManifestLoader::loadDirectory), except those
    // of the components named in `kept` (see keep()).
    Counts loadDirectory(const std::filesystem::path &dir, const std::set<std::string> &kept = {});

    // Serves an already loaded component (the runtime's, unchanged) in this set: its code
    // and instances carry over the swap, nothing is instantiated again.
    void keep(std::shared_ptr<Component> component);

    // Loads one manifest already parsed; false with the reason logged when it is refused.
    bool add(const manifest::ComponentManifest &manifest);

    const std::vector<std::shared_ptr<Component>> &loaded() const { return m_loaded; }
    const std::vector<Refusal> &refusals() const { return m_refusals; }
    // The names of the components this set loaded (instantiated) itself, not kept.
    const std::vector<std::string> &freshlyLoaded() const { return m_fresh; }

    // Makes the loaded components the runtime's whole set, replacing what it served.
    void serve();

private:
    bool addOnAot(const manifest::ComponentManifest &manifest, std::string &error);
    bool addOnInterpreter(const manifest::ComponentManifest &manifest, std::string &error);
    bool load(const manifest::ComponentManifest &manifest, Engine &engine, std::string &error);
    void refuse(const std::filesystem::path &file, std::string_view reason);

    ComponentRuntime &m_runtime;
    Engine *m_aot;
    Log m_info;
    Log m_error;
    std::vector<std::shared_ptr<Component>> m_loaded;
    std::vector<Refusal> m_refusals;
    std::vector<std::string> m_fresh;
};

} // namespace keel::agent
