#include "hostlinker.h"

#include "keelhost.h"
#include "wasihost.h"

namespace keel::agent {

std::string signatureText(const std::vector<ValType> &params, const std::vector<ValType> &results)
{
    auto list = [](const std::vector<ValType> &types) {
        std::string text = "(";
        for (std::size_t i = 0; i < types.size(); ++i)
            text.append(i ? "," : "").append(types[i] == ValType::I32 ? "i32" : "i64");
        return text + ")";
    };
    return list(params) + "->" + list(results);
}

HostLinker::HostLinker(std::string component, std::set<std::string> grants)
    : m_component(std::move(component))
    , m_grants(std::move(grants))
{
}

void HostLinker::provide(const std::vector<HostImport> &imports)
{
    for (const auto &import : imports)
        m_provided.push_back(&import);
}

const HostImport *HostLinker::find(const ImportRequest &request, bool &wasiStub, std::string &error) const
{
    wasiStub = false;
    const std::string what = request.module + "." + request.name;
    const std::string prefix = "component " + m_component + " imports " + what;
    if (!request.isFunction) {
        error = prefix + ", which is not a function: components define their own memory, tables and globals";
        return nullptr;
    }
    const std::string_view module = request.module;
    const bool isPlatform = module.substr(0, KeelHost::kModulePrefix.size()) == KeelHost::kModulePrefix;
    if (isPlatform) {
        const std::string interface(module.substr(KeelHost::kModulePrefix.size()));
        bool known = false;
        for (const auto &name : KeelHost::interfaces())
            known = known || name == interface;
        if (known && !m_grants.count(interface)) {
            error = prefix + " but its manifest does not grant " + interface;
            return nullptr;
        }
    }
    for (const HostImport *provided : m_provided) {
        if (provided->module != request.module || provided->name != request.name)
            continue;
        if (request.hasOtherTypes || provided->params != request.params
            || provided->results != request.results) {
            error = prefix + " with type "
                    + (request.hasOtherTypes ? std::string("(non-integer)")
                                             : signatureText(request.params, request.results))
                    + " but the agent provides " + signatureText(provided->params, provided->results);
            return nullptr;
        }
        return provided;
    }
    if (module == WasiHost::kModule && !request.hasOtherTypes && request.results.size() == 1
        && request.results[0] == ValType::I32) {
        wasiStub = true;
        return nullptr;
    }
    error = prefix + ", which the agent does not provide (it provides wasi_snapshot_preview1 and "
                     "keel:platform/{log,kv,clock,config})";
    return nullptr;
}

bool HostLinker::check(const std::vector<ImportRequest> &requests, std::string &error) const
{
    std::vector<HostImport> stubs;
    return link(requests, stubs, error).has_value();
}

std::optional<std::vector<const HostImport *>> HostLinker::link(const std::vector<ImportRequest> &requests,
                                                                std::vector<HostImport> &stubs,
                                                                std::string &error) const
{
    std::vector<const HostImport *> linked;
    linked.reserve(requests.size());
    stubs.clear();
    stubs.reserve(requests.size()); // pointers into it must stay valid
    for (const auto &request : requests) {
        bool wasiStub = false;
        const HostImport *found = find(request, wasiStub, error);
        if (wasiStub) {
            stubs.push_back(WasiHost::unsupported(request));
            found = &stubs.back();
        }
        if (!found)
            return std::nullopt;
        linked.push_back(found);
    }
    return linked;
}

bool HostLinker::checkPlatformImports(const std::string &component, const std::set<std::string> &grants,
                                      const std::vector<ImportRequest> &requests, std::string &error)
{
    HostLinker linker(component, grants);
    // Throwaway hosts: only their import tables (names and signatures) are needed here.
    WasiHost wasi({});
    const std::map<std::string, std::string> noConfig;
    KeelHost keel(noConfig, nullptr, {});
    linker.provide(wasi.imports());
    linker.provide(keel.imports());
    return linker.check(requests, error);
}

} // namespace keel::agent
