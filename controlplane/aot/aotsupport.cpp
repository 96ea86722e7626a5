#include "aotsupport.h"

#include <wabt/binary-reader-ir.h>
#include <wabt/binary-reader.h>
#include <wabt/cast.h>
#include <wabt/error-formatter.h>
#include <wabt/ir.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace keel::aot {

namespace {

constexpr uint8_t kSimdPrefix = 0xfd;

struct Found
{
    AotSupport::Gap gap;
    bool aborts = false; // the C writer calls abort() on it (the rest it writes as C that does not compile)
};
using Gaps = std::vector<Found>;

void collect(const wabt::ExprList &exprs, Gaps &gaps);

void simd(const char *what, const wabt::Location &loc, Gaps &gaps, bool aborts = false)
{
    gaps.push_back({AotSupport::Gap{"simd", what, loc.offset, true, 1}, aborts});
}

template <typename E>
void simdOpcode(const wabt::Expr &expr, Gaps &gaps, bool aborts = false)
{
    const auto &typed = *wabt::cast<E>(&expr);
    if (typed.opcode.GetPrefix() == kSimdPrefix)
        simd(typed.opcode.GetName(), expr.loc, gaps, aborts);
}

void collect(const wabt::Expr &expr, Gaps &gaps)
{
    using wabt::ExprType;
    switch (expr.type()) {
    case ExprType::SimdLaneOp: return simdOpcode<wabt::SimdLaneOpExpr>(expr, gaps);
    case ExprType::SimdLoadLane: return simdOpcode<wabt::SimdLoadLaneExpr>(expr, gaps, true);
    case ExprType::SimdStoreLane: return simdOpcode<wabt::SimdStoreLaneExpr>(expr, gaps, true);
    case ExprType::SimdShuffleOp: return simdOpcode<wabt::SimdShuffleOpExpr>(expr, gaps);
    case ExprType::LoadSplat: return simdOpcode<wabt::LoadSplatExpr>(expr, gaps);
    case ExprType::LoadZero: return simdOpcode<wabt::LoadZeroExpr>(expr, gaps, true);
    case ExprType::Binary: return simdOpcode<wabt::BinaryExpr>(expr, gaps);
    case ExprType::Compare: return simdOpcode<wabt::CompareExpr>(expr, gaps);
    case ExprType::Convert: return simdOpcode<wabt::ConvertExpr>(expr, gaps);
    case ExprType::Unary: return simdOpcode<wabt::UnaryExpr>(expr, gaps);
    case ExprType::Ternary: return simdOpcode<wabt::TernaryExpr>(expr, gaps);
    case ExprType::Load: return simdOpcode<wabt::LoadExpr>(expr, gaps);
    case ExprType::Store: return simdOpcode<wabt::StoreExpr>(expr, gaps);
    case ExprType::Const:
        if (wabt::cast<wabt::ConstExpr>(&expr)->const_.type() == wabt::Type::V128)
            simd("v128.const", expr.loc, gaps);
        return;
    case ExprType::Block: return collect(wabt::cast<wabt::BlockExpr>(&expr)->block.exprs, gaps);
    case ExprType::Loop: return collect(wabt::cast<wabt::LoopExpr>(&expr)->block.exprs, gaps);
    case ExprType::If: {
        const auto *branch = wabt::cast<wabt::IfExpr>(&expr);
        collect(branch->true_.exprs, gaps);
        return collect(branch->false_, gaps);
    }
    case ExprType::Try: {
        const auto *tryExpr = wabt::cast<wabt::TryExpr>(&expr);
        collect(tryExpr->block.exprs, gaps);
        for (const wabt::Catch &c : tryExpr->catches)
            collect(c.exprs, gaps);
        return;
    }
    default:
        return;
    }
}

void collect(const wabt::ExprList &exprs, Gaps &gaps)
{
    for (const wabt::Expr &expr : exprs)
        collect(expr, gaps);
}

bool decodes(std::span<const uint8_t> wasm, const wabt::Features &features, wabt::Module *module, wabt::Errors *errors)
{
    // As the registry's validator reads it (no debug names): what it accepted, this reads.
    const wabt::ReadBinaryOptions options(features, nullptr, false, true, true);
    return wabt::Succeeded(wabt::ReadBinaryIr("module.wasm", wasm.data(), wasm.size(), options, errors, module));
}

} // namespace

std::string AotSupport::Gap::describe() const
{
    std::string where;
    if (hasOffset) {
        char hex[32];
        std::snprintf(hex, sizeof hex, " at offset 0x%llx", static_cast<unsigned long long>(offset));
        where = hex;
    }
    if (feature == "simd") {
        const std::string more = count > 1 ? ", one of " + std::to_string(count) + " SIMD instructions" : std::string();
        return "SIMD (" + what + where + more + "): wabt 1.0.32's C writer cannot translate SIMD";
    }
    return what + where;
}

std::optional<AotSupport::Gap> AotSupport::check(const wabt::Module &module)
{
    for (const wabt::Import *import : module.imports) {
        if (import->kind() != wabt::ExternalKind::Func) {
            return Gap{"import",
                       "imports a " + std::string(wabt::GetKindName(import->kind())) + " ('" + import->module_name + "' '"
                           + import->field_name + "'); the AOT tier links function imports only",
                       0, false};
        }
    }
    Gaps gaps;
    for (const wabt::Func *func : module.funcs)
        collect(func->exprs, gaps);
    for (const wabt::Global *global : module.globals)
        collect(global->init_expr, gaps);
    if (gaps.empty())
        return std::nullopt;
    // Name an instruction the C writer would abort on first, else the first one.
    const auto named = std::find_if(gaps.begin(), gaps.end(), [](const Found &f) { return f.aborts; });
    Gap gap = (named != gaps.end() ? *named : gaps.front()).gap;
    gap.count = gaps.size();
    return gap;
}

std::optional<AotSupport::Gap> AotSupport::check(std::span<const uint8_t> wasm)
{
    // Most modules use no SIMD: the reader with SIMD switched off takes them, and one
    // decode answers (only the imports are left to check).
    wabt::Features noSimd;
    noSimd.disable_simd();
    wabt::Errors simdErrors;
    wabt::Module scalar;
    if (decodes(wasm, noSimd, &scalar, &simdErrors))
        return check(scalar);
    // It does not decode without SIMD: name the instruction if there is one, else the
    // v128 type (a signature, a local or a global) where the scalar reader stopped.
    wabt::Errors errors;
    wabt::Module module;
    if (!decodes(wasm, wabt::Features(), &module, &errors))
        return std::nullopt; // not a module at all: not this check's business
    if (auto gap = check(module))
        return gap;
    Gap gap{"simd", "a v128 type", 0, false};
    if (!simdErrors.empty()) {
        gap.offset = simdErrors.front().loc.offset;
        gap.hasOffset = true;
    }
    return gap;
}

} // namespace keel::aot
