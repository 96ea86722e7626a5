#pragma once

#include "componentmanifest.h"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace keel::agent {

class Component;
class ComponentRuntime;
class Engine;

// Puts manifests into the runtime, each on the tier its manifest asks for. One path for
// every source of manifests: --components DIR now, the set restored from --data-dir and
// the control plane's pushes later. A refused component is reported and skipped; the
// others are served regardless.
class ComponentSet final
{
public:
    using Log = std::function<void(std::string_view line)>;
    // Called for each component that is now served.
    using Served = std::function<void(const Component &component)>;

    struct Counts
    {
        std::size_t served = 0;
        std::size_t refused = 0; // files or components, one each however many reasons
    };

    // aot: the AOT tier's engine; null when this agent cannot run AOT objects.
    ComponentSet(ComponentRuntime &runtime, Engine *aot, Log info, Log error, Served served);

    // Every manifest directly in dir (ManifestLoader::loadDirectory).
    Counts loadDirectory(const std::filesystem::path &dir);

    // One manifest already parsed; false with the reason logged when it is refused.
    bool add(const manifest::ComponentManifest &manifest);

private:
    bool addOnAot(const manifest::ComponentManifest &manifest, std::string &error);
    bool addOnInterpreter(const manifest::ComponentManifest &manifest, std::string &error);
    void refuse(const std::filesystem::path &file, std::string_view reason);

    ComponentRuntime &m_runtime;
    Engine *m_aot;
    Log m_info;
    Log m_error;
    Served m_served;
};

} // namespace keel::agent
