#pragma once

#include "control/controlmessages.h"

#include <filesystem>
#include <string>

namespace keel::agent {

class ArtifactStore;

// One component's files in a set directory, as the manifest loader reads them:
// <name>.json, the manifest written by a JSON writer from the ref (never by pasting
// untrusted text), beside <name>.wasm and <name>.so, links to verified artifacts in the
// ArtifactStore. The served set and its standby/ directory are both written this way.
class ComponentFiles final
{
public:
    // ref's name must already be checked (ManifestRules::isName): it becomes file names.
    static bool write(const std::filesystem::path &dir, const ArtifactStore &store, const ComponentRef &ref,
                      bool withAot, std::string &problem);
    // Removes what write() made for that component name, if anything.
    static void remove(const std::filesystem::path &dir, const std::string &name);

    static std::string manifestJson(const ComponentRef &ref, bool withAot);
};

} // namespace keel::agent
