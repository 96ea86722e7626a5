#pragma once

#include "componentconfig.h"
#include "componentmanifest.h"

#include <string_view>

namespace keel::agent {

// The runtime does not know manifests (the control plane shares them, the runtime must
// not depend on YAML): this is the one place a manifest becomes a ComponentConfig.
ComponentConfig toComponentConfig(const manifest::ComponentManifest &manifest);

// "wagi" or "keel", as the manifest, the logs and GET / spell it.
std::string_view abiName(ComponentConfig::Abi abi);

} // namespace keel::agent
