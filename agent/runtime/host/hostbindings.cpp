#include "hostbindings.h"

#include "compiledmodule.h"
#include "componentconfig.h"
#include "hostlinker.h"

#include <algorithm>

namespace keel::agent {

std::unique_ptr<HostBindings> HostBindings::link(const ComponentConfig &config, const CompiledModule &module,
                                                 KvStore *kv, WasiHost::Setup wasi, const LogSink &log,
                                                 std::string &error)
{
    std::unique_ptr<HostBindings> bindings(new HostBindings);
    wasi.args = {config.name};
    wasi.logLine = log;
    bindings->m_wasi = std::make_unique<WasiHost>(std::move(wasi));
    HostLinker linker(config.name, config.grants);
    linker.provide(bindings->m_wasi->imports());
    // Most modules import only WASI: a KeelHost and its bound functions would be
    // allocated for nothing.
    const auto &imports = module.imports();
    if (std::any_of(imports.begin(), imports.end(), [](const ImportRequest &import) {
            return std::string_view(import.module).starts_with(KeelHost::kModulePrefix);
        })) {
        bindings->m_keel = std::make_unique<KeelHost>(config.config, kv, [log](int level, std::string_view message) {
            if (log)
                log(std::string(KeelHost::levelName(level)) + ": " + std::string(message));
        });
        linker.provide(bindings->m_keel->imports());
    }
    auto linked = linker.link(imports, bindings->m_stubs, error);
    if (!linked)
        return nullptr;
    bindings->m_linked = std::move(*linked);
    return bindings;
}

} // namespace keel::agent
