#pragma once

#include "hostimport.h"
#include "keelhost.h"
#include "wasihost.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace keel::agent {

struct ComponentConfig;
class CompiledModule;
class KvStore;

// The host side of one guest instance: WASI (and keel:platform, when the module imports
// it) bound to host objects of its own and linked to the module's imports, in the
// module's order, under the component's grants. Both ABIs keep these between requests
// (a Keel handler with its long-lived instance, WAGI for each request's fresh one), since
// building and linking the bound functions costs a tenth of a short request.
class HostBindings final
{
public:
    using LogSink = std::function<void(std::string_view line)>;

    // nullptr with error when an import is not granted or not provided.
    static std::unique_ptr<HostBindings> link(const ComponentConfig &config, const CompiledModule &module,
                                              KvStore *kv, WasiHost::Setup wasi, const LogSink &log,
                                              std::string &error);

    WasiHost &wasi() { return *m_wasi; }
    // One per module import, in the module's order: what instantiate() takes.
    const std::vector<const HostImport *> &imports() const { return m_linked; }

private:
    HostBindings() = default;

    std::unique_ptr<WasiHost> m_wasi;
    std::unique_ptr<KeelHost> m_keel;
    std::vector<HostImport> m_stubs;
    std::vector<const HostImport *> m_linked;
};

} // namespace keel::agent
