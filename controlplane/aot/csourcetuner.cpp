#include "csourcetuner.h"

#include <algorithm>
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
constexpr std::string_view kSink = "keel_sink";
constexpr std::string_view kPin = "keel_sink_pin(keel_sink);";

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
// faults). Same bodies as wasm2c's little-endian DEFINE_LOAD/DEFINE_STORE otherwise, except
// that a load adds the bits of its value to the function's `keel_sink` instead of pinning
// each value with an asm (csourcetuner.h, "Load sink"). Addition, not xor: two loads of the
// same bytes would cancel in an xor and could both be dropped.
constexpr std::string_view kBaseAccessorMacros = R"keel(
/* keel-aot: accessors on the function's memory base and the load sink (csourcetuner.h). */
#if WABT_BIG_ENDIAN || !WASM_RT_MEMCHECK_SIGNAL_HANDLER
#error "keel-aot tuned these sources for guard pages on a little-endian target"
#endif
#if !defined(__GNUC__)
#error "keel-aot's load sink needs GNU C inline asm (gcc or clang)"
#endif
#define KEEL_INLINE static inline __attribute__((always_inline))
/* Two accumulators, so each has the width of the values it takes: a loop over f32 adds u32
   lanes (four to an SSE register, as many as the floats), one over f64 adds u64 lanes. */
typedef struct { u32 narrow; u64 wide; } keel_sink_t;
KEEL_INLINE void keel_sink_u8(keel_sink_t* s, u8 v) { s->narrow += v; }
KEEL_INLINE void keel_sink_s8(keel_sink_t* s, s8 v) { s->narrow += (u8)v; }
KEEL_INLINE void keel_sink_u16(keel_sink_t* s, u16 v) { s->narrow += v; }
KEEL_INLINE void keel_sink_s16(keel_sink_t* s, s16 v) { s->narrow += (u16)v; }
KEEL_INLINE void keel_sink_u32(keel_sink_t* s, u32 v) { s->narrow += v; }
KEEL_INLINE void keel_sink_s32(keel_sink_t* s, s32 v) { s->narrow += (u32)v; }
KEEL_INLINE void keel_sink_u64(keel_sink_t* s, u64 v) { s->wide += v; }
KEEL_INLINE void keel_sink_s64(keel_sink_t* s, s64 v) { s->wide += (u64)v; }
KEEL_INLINE void keel_sink_f32(keel_sink_t* s, f32 v) { u32 b; wasm_rt_memcpy(&b, &v, sizeof b); s->narrow += b; }
KEEL_INLINE void keel_sink_f64(keel_sink_t* s, f64 v) { u64 b; wasm_rt_memcpy(&b, &v, sizeof b); s->wide += b; }
/* The sink's observation point: a volatile asm must be kept and its inputs computed, so every
   load whose bits reached the sink must have happened. Costs no instruction. */
KEEL_INLINE void keel_sink_pin(keel_sink_t s) { __asm__ volatile("" ::"r"(s.narrow), "r"(s.wide)); }
/* Outside the tuned functions (wasm2c's helpers) TRAP pins this empty sink instead. */
static const keel_sink_t keel_sink = {0, 0};
#undef TRAP
#define TRAP(x) (keel_sink_pin(keel_sink), wasm_rt_trap(WASM_RT_TRAP_##x), 0)
#define KEEL_DEFINE_LOAD(name, t1, t2, t3)                             \
  KEEL_INLINE t3 keel_##name(u8* base, keel_sink_t* sink, u64 addr) {  \
    t1 result;                                                         \
    wasm_rt_memcpy(&result, base + addr, sizeof(t1));                  \
    keel_sink_##t1(sink, result);                                      \
    return (t3)(t2)result;                                             \
  }
#define KEEL_DEFINE_STORE(name, t1, t2)                                \
  KEEL_INLINE void keel_##name(u8* base, u64 addr, t2 value) {         \
    t1 wrapped = (t1)value;                                            \
    wasm_rt_memcpy(base + addr, &wrapped, sizeof(t1));                 \
  }
)keel";

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
std::set<std::string, std::less<>> accessorNames(const std::string &moduleC, std::vector<std::string> *definitions,
                                                 std::set<std::string, std::less<>> *loads)
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
            if (kind == "DEFINE_LOAD(")
                loads->insert(name);
            definitions->push_back("KEEL_" + std::string(kind) + moduleC.substr(begin, close + 1 - begin) + "\n");
        }
    }
    return names;
}

std::string_view trimmed(std::string_view line)
{
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
        line.remove_prefix(1);
    while (!line.empty() && (line.back() == '\n' || line.back() == ' '))
        line.remove_suffix(1);
    return line;
}

// `if (w2c_i0) {goto w2c_L3;}` right after `w2c_i0 = 1u;`: a back edge the C compiler can
// see is always taken, i.e. a loop with no exit, which needs the pin on its back edge.
bool isOpenBackEdge(std::string_view line, std::string_view previous)
{
    constexpr std::string_view open = "if (";
    if (line.substr(0, open.size()) != open)
        return false;
    const size_t close = line.find(") {goto w2c_L");
    if (close == std::string_view::npos || line.back() != '}')
        return false;
    const std::string_view var = line.substr(open.size(), close - open.size());
    if (var.empty() || !std::all_of(var.begin(), var.end(), isIdentChar))
        return false;
    if (previous.substr(0, var.size()) != var || previous.substr(var.size(), 3) != " = " || previous.back() != ';')
        return false;
    const std::string_view value = previous.substr(var.size() + 3, previous.size() - var.size() - 4);
    return !value.empty() && value.front() >= '0' && value.front() <= '9';
}

// `goto w2c_Lnn;` becomes `{keel_sink_pin(keel_sink); goto w2c_Lnn;}`: a back edge taken
// without a condition keeps every load before it.
std::string pinBackEdges(const std::string &text)
{
    constexpr std::string_view backEdge = "goto w2c_L";
    std::string pinned;
    size_t done = 0;
    for (size_t at = text.find(backEdge); at != std::string::npos; at = text.find(backEdge, at + 1)) {
        const size_t end = text.find(';', at);
        if (end == std::string::npos)
            break;
        pinned.append(text, done, at - done).append("{").append(kPin).append(" ");
        pinned.append(text, at, end + 1 - at).append("}");
        done = end + 1;
    }
    return pinned.append(text, done);
}

// The tuned function bodies (csourcetuner.h): in every function that starts with
// FUNC_PROLOGUE, reads the memory base once, gives the function its load sink, turns
// `i32_load(&instance->MEM, addr)` into `keel_i32_load(keel_mem_base, &keel_sink, addr)`
// (stores: `keel_i32_store(keel_mem_base, addr, value)`) and pins the sink before every
// return, every call and every back edge that is not a conditional branch (TRAP pins it too).
std::string useFunctionBase(const std::string &moduleC, const std::string &member,
                            const std::set<std::string, std::less<>> &accessors,
                            const std::set<std::string, std::less<>> &loads)
{
    const std::string call = "(&instance->" + member + ", ";
    std::string out;
    out.reserve(moduleC.size() + moduleC.size() / 4);
    bool haveBase = false;
    std::string_view previous;
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
            out.append("  keel_sink_t ").append(kSink).append(" = {0, 0};\n");
            haveBase = true;
            previous = {};
            continue;
        }
        if (!haveBase) {
            out.append(line);
            continue;
        }
        std::string text;
        size_t from = 0;
        for (size_t at = line.find(call); at != std::string_view::npos; at = line.find(call, at + 1)) {
            size_t begin = at;
            while (begin > 0 && isIdentChar(line[begin - 1]))
                --begin;
            const std::string_view name = line.substr(begin, at - begin);
            if (!accessors.contains(name))
                continue;
            text.append(line.substr(from, begin - from));
            text.append("keel_").append(name).append("(").append(kBase).append(", ");
            if (loads.contains(name))
                text.append("&").append(kSink).append(", ");
            from = at + call.size();
        }
        text.append(line.substr(from));

        const std::string_view body = trimmed(text);
        const bool exits = body.starts_with("FUNC_EPILOGUE;") || body.starts_with("return");
        const bool calls = text.find("(instance") != std::string::npos || text.find("(&instance") != std::string::npos
                           || text.find("CALL_INDIRECT(") != std::string::npos;
        if (exits || calls)
            out.append(line.substr(0, line.size() - trimmed(line).size() - (line.back() == '\n' ? 1 : 0)))
                .append(kPin)
                .append("\n");
        const bool conditional = body.starts_with("if (") && !isOpenBackEdge(body, previous);
        out.append(conditional ? text : pinBackEdges(text));
        previous = trimmed(line);
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
    std::set<std::string, std::less<>> loads;
    const auto accessors = accessorNames(out, &definitions, &loads);
    if (accessors.empty())
        return out;
    std::string block(kBaseAccessorMacros);
    for (const std::string &definition : definitions)
        block += definition;
    out.insert(last + kLastAccessor.size(), block);
    const size_t bodies = last + kLastAccessor.size() + block.size();
    std::string tail = useFunctionBase(out.substr(bodies), member, accessors, loads);
    if (tail.find(kBase) == std::string::npos)
        return out;
    return out.substr(0, bodies) + tail;
}

} // namespace keel::aot
