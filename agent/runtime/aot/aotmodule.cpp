#include "aotmodule.h"

#include "aotinstancepool.h"
#include "aotmoduleinstance.h"

#include "load/aotobject.h"

namespace keel::agent {

namespace {

// Maps the ABI letters (i I f F) onto the linker's view; false when a type is a float,
// which no host function takes: the linker then refuses the import by name.
bool integerTypes(const std::string &letters, std::vector<ValType> &out)
{
    for (char letter : letters) {
        if (letter == 'i')
            out.push_back(ValType::I32);
        else if (letter == 'I')
            out.push_back(ValType::I64);
        else
            return false;
    }
    return true;
}

} // namespace

AotModule::AotModule(std::string name, std::shared_ptr<aot::AotObject> object, std::uint64_t memoryBytes,
                     std::uint32_t tableElements, std::size_t poolCapacity)
    : m_name(std::move(name))
    , m_object(std::move(object))
    , m_memoryBytes(memoryBytes)
    , m_tableElements(tableElements)
    , m_pool(std::make_shared<AotInstancePool>(poolCapacity))
{
    // keel-aot accepts function imports only, so every request is a function; the same
    // ImportRequest list as the interpreter's lets HostLinker apply one set of grant and
    // signature checks, with one set of messages, to both tiers.
    for (const auto &import : m_object->imports()) {
        ImportRequest request;
        request.module = import.module;
        request.name = import.name;
        request.hasOtherTypes = !integerTypes(import.params, request.params)
                                || !integerTypes(import.results, request.results);
        m_imports.push_back(std::move(request));
    }
    for (auto &name : m_object->exportNames())
        m_exports.insert(std::move(name));
}

AotModule::~AotModule() = default;

bool AotModule::exportsFunction(std::string_view name) const
{
    return m_exports.find(name) != m_exports.end();
}

std::unique_ptr<ModuleInstance> AotModule::instantiate(const std::vector<const HostImport *> &imports,
                                                       ModuleInstance::Clock::time_point deadline,
                                                       std::string &error) const
{
    if (imports.size() != m_imports.size()) {
        error = "component " + m_name + ": " + std::to_string(imports.size()) + " host functions for "
                + std::to_string(m_imports.size()) + " imports";
        return nullptr;
    }
    auto instance = std::make_unique<AotModuleInstance>(m_memoryBytes, m_tableElements, m_pool);
    if (!instance->instantiate(*m_object, imports, deadline, error))
        return nullptr;
    return instance;
}

std::uint64_t AotModule::retainedBytes() const
{
    return m_pool->retainedBytes();
}

} // namespace keel::agent
