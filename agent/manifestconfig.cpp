#include "manifestconfig.h"

namespace keel::agent {

ComponentConfig toComponentConfig(const manifest::ComponentManifest &manifest)
{
    ComponentConfig config;
    config.name = manifest.name;
    config.version = manifest.version;
    config.abi = manifest.abi == manifest::Abi::Keel ? ComponentConfig::Abi::Keel : ComponentConfig::Abi::Wagi;
    config.dataClasses = manifest.dataClasses;
    config.modulePath = manifest.module.string(); // the loader made it absolute
    if (manifest.aot)
        config.aotPath = manifest.aot->string();
    for (const manifest::Grant grant : manifest.grants)
        config.grants.emplace(manifest::grantName(grant));
    config.config = manifest.config;
    config.memoryBytes = std::uint64_t(manifest.limits.memoryMb) * 1024 * 1024;
    config.deadlineMs = manifest.limits.deadlineMs;
    config.maxResponseBytes = manifest.limits.maxResponseBytes;
    config.maxTableElements = manifest.limits.maxTableElements;
    config.maxInstances = manifest.limits.maxInstances;
    config.healthPath = manifest.healthPath;
    // kvDirectory stays empty: the runtime fills in the node's, namespaced per component.
    return config;
}

std::string_view abiName(ComponentConfig::Abi abi)
{
    return abi == ComponentConfig::Abi::Keel ? "keel" : "wagi";
}

} // namespace keel::agent
