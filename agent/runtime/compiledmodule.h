#pragma once

#include "host/hostimport.h"
#include "moduleinstance.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace keel::agent {

// A validated module of one tier, ready to instantiate any number of times (from any
// thread: implementations keep it immutable after load).
class CompiledModule
{
public:
    virtual ~CompiledModule() = default;

    virtual std::string_view tier() const = 0; // "interp" | "aot": a metric label
    virtual const std::vector<ImportRequest> &imports() const = 0;
    virtual bool exportsFunction(std::string_view name) const = 0;

    // imports holds one host function per imports() entry, in order, and outlives the
    // instance. Runs the module's start function (if any) within deadline.
    virtual std::unique_ptr<ModuleInstance> instantiate(const std::vector<const HostImport *> &imports,
                                                        ModuleInstance::Clock::time_point deadline,
                                                        std::string &error) const = 0;
    // Memory kept for reusing instances between requests (idle, reset instances): their
    // resident initial memory and snapshots. 0 for a tier that does not reuse them.
    virtual std::uint64_t retainedBytes() const { return 0; }
};

} // namespace keel::agent
