#pragma once

#include "hostimport.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace keel::agent {

// Matches a module's imports against what the host provides and what the manifest
// grants. Refusals name the import, so an operator sees which capability is missing.
class HostLinker final
{
public:
    HostLinker(std::string component, std::set<std::string> grants);

    // Adds a set of provided functions (e.g. WasiHost::imports(), KeelHost::imports()).
    void provide(const std::vector<HostImport> &imports);

    // Checks the imports without binding them (at load time, before any instance exists).
    bool check(const std::vector<ImportRequest> &requests, std::string &error) const;
    // The load-time check every component gets: against WASI and keel:platform as granted.
    static bool checkPlatformImports(const std::string &component, const std::set<std::string> &grants,
                                     const std::vector<ImportRequest> &requests, std::string &error);
    // One HostImport per request, in order; WASI functions outside the subset get
    // ENOSYS stubs, kept in stubs. nullopt with error when an import is refused.
    std::optional<std::vector<const HostImport *>> link(const std::vector<ImportRequest> &requests,
                                                        std::vector<HostImport> &stubs,
                                                        std::string &error) const;

private:
    const HostImport *find(const ImportRequest &request, bool &wasiStub, std::string &error) const;

    std::string m_component;
    std::set<std::string> m_grants;
    std::vector<const HostImport *> m_provided;
};

// "(i32,i32)->i32", for messages.
std::string signatureText(const std::vector<ValType> &params, const std::vector<ValType> &results);

} // namespace keel::agent
