#include "interpinstance.h"

#include "host/hostimport.h"
#include "steppedcall.h"

namespace keel::agent {

namespace interp = wabt::interp;

namespace {

interp::ValueType wabtType(ValType type)
{
    return type == ValType::I32 ? interp::ValueType::I32 : interp::ValueType::I64;
}

interp::ValueTypes wabtTypes(const std::vector<ValType> &types)
{
    interp::ValueTypes out;
    for (ValType t : types)
        out.push_back(wabtType(t));
    return out;
}

// The marker trap proc_exit raises; the instance tells it apart by m_exitCode.
constexpr const char *kExitTrap = "proc_exit";

} // namespace

InterpInstance::InterpInstance() = default;
InterpInstance::~InterpInstance() = default;

bool InterpInstance::instantiate(const interp::Module::Ptr &module,
                                 const std::vector<const HostImport *> &imports, std::string &error)
{
    interp::RefVec refs;
    refs.reserve(imports.size());
    for (const HostImport *import : imports) {
        interp::FuncType type(wabtTypes(import->params), wabtTypes(import->results));
        auto func = interp::HostFunc::New(
            m_store, type,
            [this, import](interp::Thread &thread, const interp::Values &params, interp::Values &results,
                           interp::Trap::Ptr *trap) { return callHost(*import, thread, params, results, trap); });
        refs.push_back(func.ref());
    }
    interp::Trap::Ptr trap;
    m_instance = interp::Instance::Instantiate(m_store, module.ref(), refs, &trap);
    if (!m_instance) {
        error = trap ? trap->message() : std::string("instantiation failed");
        return false;
    }
    if (!m_instance->memories().empty())
        m_memory = m_store.UnsafeGet<interp::Memory>(m_instance->memories().front()).get();
    return true;
}

wabt::Result InterpInstance::callHost(const HostImport &import, interp::Thread &thread,
                                      const interp::Values &params, interp::Values &results,
                                      interp::Trap::Ptr *trap)
{
    std::vector<std::uint64_t> args(params.size());
    for (std::size_t i = 0; i < params.size(); ++i)
        args[i] = import.params[i] == ValType::I32 ? params[i].Get<wabt::interp::u32>()
                                                   : params[i].Get<wabt::interp::u64>();
    std::uint64_t out[2] = {0, 0}; // no provided function has more than one result
    GuestMemory guest = memory();
    const HostOutcome outcome = import.call(guest, args.data(), out);
    switch (outcome.kind) {
    case HostOutcome::Kind::Continue:
        for (std::size_t i = 0; i < results.size() && i < 2; ++i)
            results[i] = import.results[i] == ValType::I32
                             ? interp::Value::Make(wabt::interp::u32(out[i]))
                             : interp::Value::Make(wabt::interp::u64(out[i]));
        return wabt::Result::Ok;
    case HostOutcome::Kind::Exit:
        m_exitCode = outcome.exitCode;
        *trap = interp::Trap::New(thread.store(), kExitTrap);
        return wabt::Result::Error;
    case HostOutcome::Kind::Trap:
        break;
    }
    *trap = interp::Trap::New(thread.store(), import.module + "." + import.name + ": " + outcome.message);
    return wabt::Result::Error;
}

std::optional<interp::Ref> InterpInstance::exportRef(std::string_view name, wabt::ExternalKind kind) const
{
    if (!m_instance)
        return std::nullopt;
    interp::Module::Ptr module{const_cast<interp::Store &>(m_store), m_instance->module()};
    const auto &exports = module->export_types();
    for (std::size_t i = 0; i < exports.size(); ++i) {
        if (exports[i].name == name && exports[i].type->kind == kind)
            return m_instance->exports()[i];
    }
    return std::nullopt;
}

bool InterpInstance::hasFunction(std::string_view exportName) const
{
    return exportRef(exportName, wabt::ExternalKind::Func).has_value();
}

CallResult InterpInstance::call(std::string_view exportName, std::initializer_list<std::uint64_t> args,
                                Clock::time_point deadline)
{
    const auto ref = exportRef(exportName, wabt::ExternalKind::Func);
    if (!ref)
        return {CallResult::Kind::Trapped, 0, 0, "no exported function " + std::string(exportName)};
    return callRef(*ref, args, deadline);
}

CallResult InterpInstance::callIndex(wabt::Index funcIndex, std::initializer_list<std::uint64_t> args,
                                     Clock::time_point deadline)
{
    if (!m_instance || funcIndex >= m_instance->funcs().size())
        return {CallResult::Kind::Trapped, 0, 0, "no function " + std::to_string(funcIndex)};
    return callRef(m_instance->funcs()[funcIndex], args, deadline);
}

CallResult InterpInstance::callRef(interp::Ref ref, std::initializer_list<std::uint64_t> args,
                                   Clock::time_point deadline)
{
    CallResult result;
    if (!m_store.Is<interp::DefinedFunc>(ref)) {
        // An exported import: call the host function directly (no guest code to bound).
        result.kind = CallResult::Kind::Trapped;
        result.trap = "the export is a host function";
        return result;
    }
    auto func = m_store.UnsafeGet<interp::DefinedFunc>(ref);
    const auto &type = func->type();
    if (type.params.size() != args.size()) {
        result.kind = CallResult::Kind::Trapped;
        result.trap = "the export takes " + std::to_string(type.params.size()) + " arguments";
        return result;
    }
    interp::Values params;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (type.params[i] == interp::ValueType::I64)
            params.push_back(interp::Value::Make(wabt::interp::u64(args.begin()[i])));
        else
            params.push_back(interp::Value::Make(wabt::interp::u32(args.begin()[i])));
    }
    interp::Values results;
    interp::Trap::Ptr trap;
    m_exitCode.reset();
    // A fresh Thread per call: an abandoned call (deadline) leaves nothing behind.
    interp::Thread thread(m_store);
    switch (SteppedCall::run(thread, *func, params, results, &trap, deadline)) {
    case SteppedCall::Outcome::Returned:
        if (!results.empty()) {
            result.value = type.results[0] == interp::ValueType::I64
                               ? results[0].Get<wabt::interp::u64>()
                               : results[0].Get<wabt::interp::u32>();
        }
        return result;
    case SteppedCall::Outcome::DeadlineExceeded:
        result.kind = CallResult::Kind::DeadlineExceeded;
        return result;
    case SteppedCall::Outcome::Trapped:
        break;
    }
    if (m_exitCode) {
        result.kind = CallResult::Kind::Exited;
        result.exitCode = *m_exitCode;
        return result;
    }
    result.kind = CallResult::Kind::Trapped;
    result.trap = trap ? trap->message() : std::string("trap");
    return result;
}

GuestMemory InterpInstance::memory()
{
    if (!m_memory)
        return GuestMemory(nullptr, 0);
    return GuestMemory(m_memory->UnsafeData(), m_memory->ByteSize());
}

std::uint64_t InterpInstance::memoryBytes() const
{
    return m_memory ? m_memory->ByteSize() : 0;
}

bool InterpInstance::atMemoryLimit() const
{
    if (!m_memory)
        return false;
    const auto &limits = m_memory->type().limits;
    // Within 1 MiB of the cap: allocators grow in steps, so the refused grow was the cap.
    return limits.has_max && m_memory->PageSize() + 16 >= limits.max;
}

} // namespace keel::agent
