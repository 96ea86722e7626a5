#include "gluewriter.h"

#include <wabt/cast.h>
#include <wabt/ir.h>

namespace keel::aot {

namespace {

// ABI letter and C type of a value type; false for types that cannot cross (v128, refs).
bool describe(wabt::Type type, char *letter, const char **cType)
{
    switch (type) {
    case wabt::Type::I32: *letter = 'i'; *cType = "u32"; return true;
    case wabt::Type::I64: *letter = 'I'; *cType = "u64"; return true;
    case wabt::Type::F32: *letter = 'f'; *cType = "f32"; return true;
    case wabt::Type::F64: *letter = 'F'; *cType = "f64"; return true;
    default: return false;
    }
}

// Wasm names are arbitrary bytes: escape everything but plain characters.
std::string cString(const std::string &s)
{
    static const char digits[] = "01234567";
    std::string out = "\"";
    for (unsigned char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
            || c == '-' || c == ':' || c == '/') {
            out += static_cast<char>(c);
        } else {
            out += '\\';
            out += digits[(c >> 6) & 7];
            out += digits[(c >> 3) & 7];
            out += digits[c & 7];
        }
    }
    return out + "\"";
}

std::string pack(char letter, const std::string &expr)
{
    switch (letter) {
    case 'f': return "keel_f32_bits(" + expr + ")";
    case 'F': return "keel_f64_bits(" + expr + ")";
    default: return "(uint64_t)(" + expr + ")";
    }
}

std::string unpack(char letter, const std::string &expr)
{
    switch (letter) {
    case 'i': return "(u32)(" + expr + ")";
    case 'I': return "(u64)(" + expr + ")";
    case 'f': return "keel_bits_f32(" + expr + ")";
    default: return "keel_bits_f64(" + expr + ")";
    }
}

struct Signature
{
    std::string params;
    std::string results;
    std::vector<const char *> paramTypes;
    const char *resultType = "void";
};

bool signature(const wabt::FuncSignature &sig, const std::string &what, Signature *out, std::string *error)
{
    for (wabt::Type t : sig.param_types) {
        char letter;
        const char *cType;
        if (!describe(t, &letter, &cType)) {
            *error = what + " takes a " + t.GetName() + " parameter, which keel-aot cannot pass";
            return false;
        }
        out->params += letter;
        out->paramTypes.push_back(cType);
    }
    if (sig.result_types.size() > 1) {
        *error = what + " returns " + std::to_string(sig.result_types.size())
                 + " values; keel-aot supports at most one";
        return false;
    }
    for (wabt::Type t : sig.result_types) {
        char letter;
        if (!describe(t, &letter, &out->resultType)) {
            *error = what + " returns a " + t.GetName() + ", which keel-aot cannot pass";
            return false;
        }
        out->results += letter;
    }
    return true;
}

const char kPreamble[] = R"(/* Written by keel-aot: the entry table the Keel agent loads. */
#include <string.h>
#include "keelaotabi.h"

static inline uint64_t keel_f32_bits(f32 v) { uint32_t b; memcpy(&b, &v, 4); return b; }
static inline uint64_t keel_f64_bits(f64 v) { uint64_t b; memcpy(&b, &v, 8); return b; }
static inline f32 keel_bits_f32(uint64_t b) { uint32_t n = (uint32_t)b; f32 v; memcpy(&v, &n, 4); return v; }
static inline f64 keel_bits_f64(uint64_t b) { f64 v; memcpy(&v, &b, 8); return v; }
)";

} // namespace

GlueWriter::GlueWriter(const wabt::Module &module, std::string moduleName, std::vector<Name> importNames,
                       std::vector<Name> exportNames)
    : m_module(module)
    , m_moduleName(std::move(moduleName))
    , m_importNames(std::move(importNames))
    , m_exportNames(std::move(exportNames))
{
}

bool GlueWriter::write(const std::string &headerName, const std::string &metadata, std::string *out,
                       std::string *error) const
{
    const std::string prefix = "Z_" + m_moduleName;
    const std::string instanceType = prefix + "_instance_t";
    std::string code = "#include \"" + headerName + "\"\n" + kPreamble;
    std::string importTable;
    std::string exportTable;

    for (size_t i = 0; i < m_module.imports.size(); ++i) {
        const auto *import = wabt::cast<wabt::FuncImport>(m_module.imports[i]);
        const Name &name = m_importNames[i];
        Signature sig;
        if (!signature(import->func.decl.sig, "import '" + name.module + "' '" + name.name + "'", &sig, error))
            return false;
        const std::string index = std::to_string(i);
        std::string params = "struct Z_h_instance_t *h";
        std::string args;
        for (size_t p = 0; p < sig.paramTypes.size(); ++p) {
            params += std::string(", ") + sig.paramTypes[p] + " p" + std::to_string(p);
            args += pack(sig.params[p], "p" + std::to_string(p)) + ", ";
        }
        code += std::string(sig.resultType) + " Z_hZ_i" + index + "(" + params + ") {\n"
                + "  uint64_t a[] = {" + args + "0};\n  uint64_t r[1] = {0};\n"
                + "  keel_rt_call_host((keel_aot_host *)h, " + index + ", a, r);\n"
                + (sig.results.empty() ? "" : "  return " + unpack(sig.results[0], "r[0]") + ";\n") + "}\n";
        importTable += "  {" + cString(name.module) + ", " + cString(name.name) + ", \"" + sig.params + "\", \""
                       + sig.results + "\"},\n";
    }

    for (size_t i = 0; i < m_module.exports.size(); ++i) {
        const wabt::Export *exp = m_module.exports[i];
        if (exp->kind != wabt::ExternalKind::Func)
            continue;
        const wabt::Func *func = m_module.GetFunc(exp->var);
        Signature sig;
        if (!signature(func->decl.sig, "export '" + m_exportNames[i].name + "'", &sig, error))
            return false;
        const std::string index = std::to_string(i);
        std::string call = prefix + "Z_e" + index + "((" + instanceType + " *)instance";
        for (size_t p = 0; p < sig.paramTypes.size(); ++p)
            call += ", " + unpack(sig.params[p], "a[" + std::to_string(p) + "]");
        call += ")";
        code += "static void keel_x" + index
                + "(void *instance, const uint64_t *a, uint64_t *r) {\n  (void)a; (void)r;\n  "
                + (sig.results.empty() ? call : "r[0] = " + pack(sig.results[0], call)) + ";\n}\n";
        exportTable += "  {" + cString(m_exportNames[i].name) + ", \"" + sig.params + "\", \"" + sig.results
                       + "\", keel_x" + index + "},\n";
    }

    const bool hasImports = !importTable.empty();
    code += "static void keel_init_module(void) { " + prefix + "_init_module(); }\n";
    code += "static void keel_instantiate(void *instance, keel_aot_host *host) {\n  (void)host;\n  " + prefix
            + "_instantiate((" + instanceType + " *)instance"
            + (hasImports ? ", (struct Z_h_instance_t *)host" : "") + ");\n}\n";
    code += "static void keel_free(void *instance) { " + prefix + "_free((" + instanceType + " *)instance); }\n";
    if (hasImports)
        code += "static const keel_aot_import keel_imports[] = {\n" + importTable + "};\n";
    if (!exportTable.empty())
        code += "static const keel_aot_export keel_exports[] = {\n" + exportTable + "};\n";
    code += "__attribute__((visibility(\"default\"))) const keel_aot_module keel_aot_entry = {\n"
            "  KEEL_AOT_ABI_VERSION, sizeof(" + instanceType + "), keel_init_module, keel_instantiate, keel_free,\n"
            + (hasImports ? "  sizeof keel_imports / sizeof keel_imports[0], keel_imports,\n" : "  0, 0,\n")
            + (exportTable.empty() ? "  0, 0,\n" : "  sizeof keel_exports / sizeof keel_exports[0], keel_exports,\n")
            + "};\n";
    code += "__attribute__((section(\".keel_aot\"), used, visibility(\"default\")))\n"
            "const char keel_aot_metadata[] = " + cString(metadata) + ";\n";
    *out = std::move(code);
    return true;
}

} // namespace keel::aot
