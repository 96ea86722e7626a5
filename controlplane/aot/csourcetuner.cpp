#include "csourcetuner.h"

#include <set>
#include <string_view>
#include <vector>

namespace keel::aot {

namespace {

constexpr std::string_view kInclude = "#include \"module.h\"\n";
constexpr std::string_view kForceRead = "wasm_asm(\"\" ::\"r\"(result));";
constexpr std::string_view kLastAccessor = "DEFINE_STORE(i64_store32, u32, u64)\n";
constexpr std::string_view kPrologue = "  FUNC_PROLOGUE;";
constexpr std::string_view kBase = "keel_mem_base";

// Keeps a loaded value alive in a register of its own kind. An asm with inputs and no
// outputs is volatile: the compiler must compute (load) the value and may not drop it.
constexpr std::string_view kForceReadMacros = R"(
/* keel-aot: force-read loaded values in a register of their own kind (csourcetuner.h). */
#if defined(__GNUC__) && defined(__x86_64__)
#define KEEL_FORCE_READ_FP(v) __asm__("" ::"x"(v))
#elif defined(__GNUC__) && defined(__aarch64__)
#define KEEL_FORCE_READ_FP(v) __asm__("" ::"w"(v))
#elif defined(__GNUC__)
#define KEEL_FORCE_READ_FP(v) __asm__("" ::"r"(v))
#else
#define KEEL_FORCE_READ_FP(v)
#endif
#if defined(__GNUC__)
#define KEEL_FORCE_READ_INT(v) __asm__("" ::"r"(v))
#else
#define KEEL_FORCE_READ_INT(v)
#endif
#define KEEL_FORCE_READ_u8 KEEL_FORCE_READ_INT
#define KEEL_FORCE_READ_s8 KEEL_FORCE_READ_INT
#define KEEL_FORCE_READ_u16 KEEL_FORCE_READ_INT
#define KEEL_FORCE_READ_s16 KEEL_FORCE_READ_INT
#define KEEL_FORCE_READ_u32 KEEL_FORCE_READ_INT
#define KEEL_FORCE_READ_s32 KEEL_FORCE_READ_INT
#define KEEL_FORCE_READ_u64 KEEL_FORCE_READ_INT
#define KEEL_FORCE_READ_s64 KEEL_FORCE_READ_INT
#define KEEL_FORCE_READ_f32 KEEL_FORCE_READ_FP
#define KEEL_FORCE_READ_f64 KEEL_FORCE_READ_FP
)";

// Accessors on a base pointer, for guard-page objects (no checks: the reservation
// faults). Same bodies as wasm2c's little-endian DEFINE_LOAD/DEFINE_STORE otherwise.
constexpr std::string_view kBaseAccessorMacros = R"(
/* keel-aot: accessors on the function's memory base (csourcetuner.h). */
#if WABT_BIG_ENDIAN || !WASM_RT_MEMCHECK_SIGNAL_HANDLER
#error "keel-aot tuned these sources for guard pages on a little-endian target"
#endif
#define KEEL_DEFINE_LOAD(name, t1, t2, t3)                        \
  static inline t3 keel_##name(u8* base, u64 addr) {              \
    t1 result;                                                    \
    wasm_rt_memcpy(&result, base + addr, sizeof(t1));             \
    KEEL_FORCE_READ_##t1(result);                                 \
    return (t3)(t2)result;                                        \
  }
#define KEEL_DEFINE_STORE(name, t1, t2)                           \
  static inline void keel_##name(u8* base, u64 addr, t2 value) {  \
    t1 wrapped = (t1)value;                                       \
    wasm_rt_memcpy(base + addr, &wrapped, sizeof(t1));            \
  }
)";

bool isIdentChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

void replaceAll(std::string *text, std::string_view from, std::string_view to)
{
    for (size_t at = text->find(from); at != std::string::npos; at = text->find(from, at + to.size()))
        text->replace(at, from.size(), to);
}

// The one linear memory the instance struct holds (`wasm_rt_memory_t w2c_x;`), or empty
// when there is none, more than one, or it is imported (a pointer).
std::string singleMemoryMember(const std::string &moduleH)
{
    constexpr std::string_view decl = "  wasm_rt_memory_t ";
    std::string found;
    for (size_t at = moduleH.find(decl); at != std::string::npos; at = moduleH.find(decl, at + 1)) {
        size_t begin = at + decl.size();
        size_t end = begin;
        while (end < moduleH.size() && isIdentChar(moduleH[end]))
            ++end;
        if (end == begin || end >= moduleH.size() || moduleH[end] != ';' || !found.empty())
            return {};
        found = moduleH.substr(begin, end - begin);
    }
    return found;
}

// The accessor names wasm2c defined (`DEFINE_LOAD(i32_load, ...)` at the start of a line).
std::set<std::string, std::less<>> accessorNames(const std::string &moduleC, std::vector<std::string> *definitions)
{
    std::set<std::string, std::less<>> names;
    for (std::string_view kind : {"DEFINE_LOAD(", "DEFINE_STORE("}) {
        const std::string lineStart = "\n" + std::string(kind);
        for (size_t at = moduleC.find(lineStart); at != std::string::npos; at = moduleC.find(lineStart, at + 1)) {
            const size_t begin = at + lineStart.size();
            const size_t comma = moduleC.find(',', begin);
            const size_t close = moduleC.find(")\n", begin);
            if (comma == std::string::npos || close == std::string::npos || comma > close)
                continue;
            const std::string name = moduleC.substr(begin, comma - begin);
            if (name == "name") // the macro's own definition line
                continue;
            names.insert(name);
            definitions->push_back("KEEL_" + std::string(kind) + moduleC.substr(begin, close + 1 - begin) + "\n");
        }
    }
    return names;
}

// In every function that starts with FUNC_PROLOGUE, reads the memory base once and turns
// `i32_load(&instance->MEM, addr)` into `keel_i32_load(keel_mem_base, addr)`.
std::string useFunctionBase(const std::string &moduleC, const std::string &member,
                            const std::set<std::string, std::less<>> &accessors)
{
    const std::string call = "(&instance->" + member + ", ";
    std::string out;
    out.reserve(moduleC.size() + moduleC.size() / 8);
    bool haveBase = false;
    size_t pos = 0;
    while (pos < moduleC.size()) {
        size_t eol = moduleC.find('\n', pos);
        eol = eol == std::string::npos ? moduleC.size() : eol + 1;
        std::string_view line(moduleC.data() + pos, eol - pos);
        pos = eol;
        if (!line.empty() && line[0] == '}')
            haveBase = false; // a top-level body ended
        if (line.substr(0, kPrologue.size()) == kPrologue && line.find(';') == kPrologue.size() - 1) {
            out.append(line);
            out.append("  u8* const ").append(kBase).append(" = instance->").append(member).append(".data;\n");
            haveBase = true;
            continue;
        }
        if (!haveBase || line.find(call) == std::string_view::npos) {
            out.append(line);
            continue;
        }
        size_t from = 0;
        for (size_t at = line.find(call); at != std::string_view::npos; at = line.find(call, at + 1)) {
            size_t begin = at;
            while (begin > 0 && isIdentChar(line[begin - 1]))
                --begin;
            const std::string_view name = line.substr(begin, at - begin);
            if (!accessors.contains(name))
                continue;
            out.append(line.substr(from, begin - from));
            out.append("keel_").append(name).append("(").append(kBase).append(", ");
            from = at + call.size();
        }
        out.append(line.substr(from));
    }
    return out;
}

} // namespace

std::string CSourceTuner::tune(const std::string &moduleC, const std::string &moduleH, bool guardPages)
{
    std::string out = moduleC;
    const size_t include = out.find(kInclude);
    if (include == std::string::npos || out.find(kForceRead) == std::string::npos)
        return moduleC; // not the wasm2c 1.0.32 layout this was written against

    replaceAll(&out, kForceRead, "KEEL_FORCE_READ_##t1(result);");
    out.insert(include + kInclude.size(), kForceReadMacros);

    if (!guardPages)
        return out;
    const std::string member = singleMemoryMember(moduleH);
    const size_t last = out.find(kLastAccessor);
    if (member.empty() || last == std::string::npos)
        return out;
    std::vector<std::string> definitions;
    const auto accessors = accessorNames(out, &definitions);
    if (accessors.empty())
        return out;
    std::string block(kBaseAccessorMacros);
    for (const std::string &definition : definitions)
        block += definition;
    out.insert(last + kLastAccessor.size(), block);
    const size_t bodies = last + kLastAccessor.size() + block.size();
    std::string tail = useFunctionBase(out.substr(bodies), member, accessors);
    if (tail.find(kBase) == std::string::npos)
        return out;
    return out.substr(0, bodies) + tail;
}

} // namespace keel::aot
