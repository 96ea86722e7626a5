#include "interpmodule.h"

#include "interpinstance.h"

namespace keel::agent {

namespace interp = wabt::interp;

namespace {

constexpr std::uint64_t kPageBytes = 64 * 1024;

// Maps a WABT function type onto the linker's view; false when a type is not i32/i64.
bool integerTypes(const interp::ValueTypes &in, std::vector<ValType> &out)
{
    for (const auto &type : in) {
        if (type == interp::ValueType::I32)
            out.push_back(ValType::I32);
        else if (type == interp::ValueType::I64)
            out.push_back(ValType::I64);
        else
            return false;
    }
    return true;
}

} // namespace

std::unique_ptr<InterpModule> InterpModule::create(std::string name, interp::ModuleDesc desc,
                                                   std::uint64_t memoryBytes, std::uint32_t maxTableElements,
                                                   std::string &error)
{
    // The manifest's memory limit becomes every defined memory's maximum, so WABT itself
    // refuses a memory.grow past it (the guest sees -1, as on any full machine).
    const std::uint64_t capPages = std::max<std::uint64_t>(1, memoryBytes / kPageBytes);
    for (auto &memory : desc.memories) {
        auto &limits = memory.type.limits;
        if (limits.initial > capPages) {
            error = "the module starts with " + std::to_string(limits.initial * kPageBytes / (1024 * 1024))
                    + " MiB of linear memory, over its limits.memory_mb ("
                    + std::to_string(memoryBytes / (1024 * 1024)) + "): raise the limit or shrink the module";
            return nullptr;
        }
        if (!limits.has_max || limits.max > capPages) {
            limits.max = capPages;
            limits.has_max = true;
        }
    }
    // Tables the same way: refused when they start over the limit, capped for table.grow.
    for (std::size_t i = 0; i < desc.tables.size(); ++i) {
        auto &limits = desc.tables[i].type.limits;
        if (limits.initial > maxTableElements) {
            error = "table " + std::to_string(i) + " starts with " + std::to_string(limits.initial)
                    + " elements, over its limits.max_table_elements (" + std::to_string(maxTableElements)
                    + "): raise the limit or shrink the table";
            return nullptr;
        }
        if (!limits.has_max || limits.max > maxTableElements) {
            limits.max = maxTableElements;
            limits.has_max = true;
        }
    }
    std::unique_ptr<InterpModule> module(new InterpModule(std::move(name), std::move(desc)));
    return module;
}

InterpModule::InterpModule(std::string name, interp::ModuleDesc desc)
    : m_name(std::move(name))
    , m_desc(std::move(desc))
{
    // Instance::Instantiate would run the start function without any bound; keep it
    // aside and run it with the deadline instead.
    if (!m_desc.starts.empty()) {
        m_start = m_desc.starts.front().func_index;
        m_desc.starts.clear();
    }
    for (const auto &import : m_desc.imports) {
        ImportRequest request;
        request.module = import.type.module;
        request.name = import.type.name;
        if (const auto *func = wabt::dyn_cast<interp::FuncType>(import.type.type.get())) {
            request.hasOtherTypes = !integerTypes(func->params, request.params)
                                    || !integerTypes(func->results, request.results);
        } else {
            request.isFunction = false;
        }
        m_imports.push_back(std::move(request));
    }
}

bool InterpModule::exportsFunction(std::string_view name) const
{
    for (const auto &e : m_desc.exports) {
        if (e.type.name == name && e.type.type->kind == wabt::ExternalKind::Func)
            return true;
    }
    return false;
}

std::unique_ptr<ModuleInstance> InterpModule::instantiate(const std::vector<const HostImport *> &imports,
                                                          ModuleInstance::Clock::time_point deadline,
                                                          std::string &error) const
{
    auto instance = std::make_unique<InterpInstance>();
    // Module::New takes the description by value: a copy per instance keeps this object
    // immutable and usable from every worker at once.
    auto module = interp::Module::New(instance->store(), m_desc);
    if (!instance->instantiate(module, imports, error))
        return nullptr;
    if (m_start) {
        const CallResult start = instance->callIndex(*m_start, {}, deadline);
        if (start.kind == CallResult::Kind::DeadlineExceeded) {
            error = "the start function ran past the deadline";
            return nullptr;
        }
        if (start.kind == CallResult::Kind::Trapped) {
            error = "the start function trapped: " + start.trap;
            return nullptr;
        }
    }
    return instance;
}

} // namespace keel::agent
