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

// The images this process has mapped, by file identity. dlopen shares one image between
// every open of the same file (found by name or by inode) and records each name it was
// asked for as an alias of that image. An image is therefore always opened through the
// first descriptor it was loaded by, and that descriptor stays open while the image is
// mapped: were /proc/self/fd/N closed and N reused by the next file, dlopen would hand
// that file this image's code (the metadata check below would refuse it, but the object
// could not load). init_module runs once per mapped image, never concurrently.
struct LoadedImage
{
    int opens = 0;
    int fd = -1;
};
std::mutex g_imagesLock;
std::map<std::pair<dev_t, ino_t>, LoadedImage> g_images;

} // namespace

std::shared_ptr<AotObject> AotObject::open(const std::string &path, const Expectations &expect, std::string *error)
{
    const std::string name = std::filesystem::path(path).filename().string();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *error = "cannot open " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    // Owns fd until the image registry does (retain, below).
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
    struct stat st{};
    if (::fstat(fd, &st) != 0) {
        *error = "cannot stat " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    const std::pair<dev_t, ino_t> identity{st.st_dev, st.st_ino};
    std::lock_guard images(g_imagesLock);
    const auto known = g_images.find(identity);
    // Through the descriptor we verified (or, for an image already mapped, the one it was
    // first loaded through: the same file), so the file cannot be swapped in between.
    const int loadFd = known != g_images.end() ? known->second.fd : fd;
    const std::string fdPath = "/proc/self/fd/" + std::to_string(loadFd);
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
    if (known != g_images.end()) {
        ++known->second.opens; // our own descriptor closes with `closer`
    } else {
        g_images[identity] = {1, std::exchange(closer.fd, -1)};
        module->init_module();
    }

    std::shared_ptr<AotObject> object(new AotObject());
    object->m_handle = handle;
    object->m_identity = identity;
    object->m_module = module;
    object->m_metadata = std::move(*metadata);
    object->m_label = expect.moduleLabel;
    for (uint32_t i = 0; i < module->import_count; ++i) {
        const keel_aot_import &imp = module->imports[i];
        object->m_imports.push_back({imp.module, imp.name, imp.params, imp.results});
    }
    return object;
}

AotObject::~AotObject()
{
    // Instances hold a shared_ptr to us, so no code of this object runs any more.
    if (!m_handle)
        return;
    std::lock_guard images(g_imagesLock);
    dlclose(m_handle);
    const auto it = g_images.find(m_identity);
    if (it != g_images.end() && --it->second.opens == 0) {
        ::close(it->second.fd); // the image is gone: only now may another file load under its name
        g_images.erase(it);
    }
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
