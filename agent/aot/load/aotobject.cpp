#include "aotobject.h"

#include "abi/keelaotabi.h"
#include "load/aotinstance.h"
#include "load/elfinspector.h"
#include "rt/keelrt.h"

#include <wabt/config.h> // WABT_VERSION_STRING: the wasm-rt.h contract rt/ implements

#include <cerrno>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <mutex>
#include <utility>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace keel::aot {

namespace {

// Reads the metadata without mapping anything executable.
std::optional<ElfInspector::Facts> inspectFile(int fd, std::string *error)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
        *error = "not a regular, non-empty file";
        return std::nullopt;
    }
    const size_t size = static_cast<size_t>(st.st_size);
    void *data = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
        *error = std::string("cannot map it: ") + std::strerror(errno);
        return std::nullopt;
    }
    auto facts = ElfInspector::inspect(static_cast<const unsigned char *>(data), size, error);
    munmap(data, size);
    return facts;
}

// init_module registers function types and fills the object's static type table: once
// per loaded image, never concurrently with another. dlopen shares one image between
// every open of a path and unloads it at the last dlclose, after which another object may
// be loaded at the same address with fresh statics; so the count here mirrors dlopen's.
std::mutex g_imagesLock;
std::map<const keel_aot_module *, int> g_imageOpens;

void initialiseOnce(const keel_aot_module *module)
{
    std::lock_guard guard(g_imagesLock);
    if (g_imageOpens[module]++ == 0)
        module->init_module();
}

// Before the dlclose of an object that went through initialiseOnce.
void release(const keel_aot_module *module)
{
    std::lock_guard guard(g_imagesLock);
    const auto it = g_imageOpens.find(module);
    if (it != g_imageOpens.end() && --it->second == 0)
        g_imageOpens.erase(it);
}

} // namespace

std::shared_ptr<AotObject> AotObject::open(const std::string &path, const Expectations &expect, std::string *error)
{
    const std::string name = std::filesystem::path(path).filename().string();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *error = "cannot open " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    // Owns fd until the object does (below), then the object keeps it open while the
    // code is mapped: glibc's dlopen finds an already loaded object by *name* first, so
    // if this fd number were reused while an earlier object loaded as /proc/self/fd/N is
    // still mapped, dlopen would hand back that other object's code.
    struct FdCloser
    {
        int fd;
        ~FdCloser()
        {
            if (fd >= 0)
                ::close(fd);
        }
    } closer{fd};

    std::string why;
    const auto facts = inspectFile(fd, &why);
    if (!facts) {
        *error = name + " is not a keel-aot object: " + why;
        return nullptr;
    }
    auto metadata = AotMetadata::parse(facts->metadata, &why);
    if (!metadata) {
        *error = name + " has unreadable metadata: " + why + ": rebuild it with keel-aot";
        return nullptr;
    }
    if (metadata->moduleDigest != expect.moduleDigest) {
        *error = name + " was built from " + metadata->moduleDigest + " but " + expect.moduleLabel + " is "
                 + expect.moduleDigest + ": rebuild it with keel-aot";
        return nullptr;
    }
    if (metadata->target != expect.target) {
        *error = name + " was built for " + metadata->target + " but this agent runs on " + expect.target
                 + ": rebuild it with keel-aot --target " + expect.target;
        return nullptr;
    }
    if (metadata->wabtVersion != WABT_VERSION_STRING || metadata->abiVersion != KEEL_AOT_ABI_VERSION) {
        *error = name + " was built against wabt " + metadata->wabtVersion + " and AOT ABI "
                 + std::to_string(metadata->abiVersion) + " but this agent runs wabt " WABT_VERSION_STRING
                 " and ABI " + std::to_string(KEEL_AOT_ABI_VERSION) + ": rebuild it with this release's keel-aot";
        return nullptr;
    }
    if (facts->hasConstructors) {
        *error = name + " has constructors, which keel-aot never emits: refusing to load it";
        return nullptr;
    }

    keel_rt_init();
    // Through the descriptor we verified, so the file cannot be swapped in between.
    const std::string fdPath = "/proc/self/fd/" + std::to_string(fd);
    void *handle = dlopen(fdPath.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        *error = "cannot load " + name + ": " + dlerror();
        return nullptr;
    }
    const auto *module = static_cast<const keel_aot_module *>(dlsym(handle, "keel_aot_entry"));
    if (!module || module->abi_version != KEEL_AOT_ABI_VERSION) {
        dlclose(handle);
        *error = name + " has no keel_aot_entry of ABI " + std::to_string(KEEL_AOT_ABI_VERSION);
        return nullptr;
    }
    // The code mapped must be the code verified: same metadata text as the section read.
    const auto *loadedMetadata = static_cast<const char *>(dlsym(handle, "keel_aot_metadata"));
    if (!loadedMetadata || facts->metadata != loadedMetadata) {
        dlclose(handle);
        *error = "cannot load " + name + ": the loader mapped other code than the object verified";
        return nullptr;
    }
    initialiseOnce(module);

    std::shared_ptr<AotObject> object(new AotObject());
    object->m_handle = handle;
    object->m_module = module;
    object->m_metadata = std::move(*metadata);
    object->m_label = expect.moduleLabel;
    object->m_fd = std::exchange(closer.fd, -1);
    for (uint32_t i = 0; i < module->import_count; ++i) {
        const keel_aot_import &imp = module->imports[i];
        object->m_imports.push_back({imp.module, imp.name, imp.params, imp.results});
    }
    return object;
}

AotObject::~AotObject()
{
    // Instances hold a shared_ptr to us, so no code of this object runs any more.
    if (m_handle) {
        release(m_module); // every object with a handle went through initialiseOnce
        dlclose(m_handle);
    }
    if (m_fd >= 0)
        ::close(m_fd); // only now may another object be loaded under this fd's name
}

std::vector<std::string> AotObject::exportNames() const
{
    std::vector<std::string> names;
    for (uint32_t i = 0; i < m_module->export_count; ++i)
        names.emplace_back(m_module->exports[i].name);
    return names;
}

std::unique_ptr<AotInstance> AotObject::instantiate(const AotImportResolver &resolver, const AotLimits &limits,
                                                    std::string *error)
{
    std::unique_ptr<AotInstance> instance(new AotInstance(shared_from_this(), m_module));
    std::string refused;
    for (const AotImport &import : m_imports) {
        std::optional<AotHostFunction> fn = resolver(import);
        if (!fn) {
            refused += (refused.empty() ? "'" : ", '") + import.module + "' '" + import.name + "'";
            continue;
        }
        instance->bind(std::move(*fn));
    }
    if (!refused.empty()) {
        *error = m_label + " imports " + refused + ", which its manifest does not grant";
        return nullptr;
    }
    if (!instance->start(limits, error)) {
        *error = m_label + ": instantiation failed: " + *error;
        return nullptr;
    }
    return instance;
}

} // namespace keel::aot
