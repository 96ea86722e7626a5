#include "modulevalidator.h"

#include <wabt/binary-reader-ir.h>
#include <wabt/binary-reader.h>
#include <wabt/error-formatter.h>
#include <wabt/ir.h>
#include <wabt/validator.h>

namespace Keel {

std::optional<QString> ModuleValidator::check(QByteArrayView module)
{
    static constexpr char kMagic[] = {0x00, 0x61, 0x73, 0x6d};
    if (module.size() < 8 || !module.first(4).startsWith(QByteArrayView(kMagic, 4)))
        return QStringLiteral("not a WebAssembly module: it does not start with \\0asm and a version");
    wabt::Errors errors;
    wabt::Module ir;
    const wabt::Features features;
    const wabt::ReadBinaryOptions options(features, nullptr, false, true, true);
    const auto *data = reinterpret_cast<const uint8_t *>(module.data());
    if (wabt::Failed(wabt::ReadBinaryIr("module.wasm", data, size_t(module.size()), options, &errors, &ir))
        || wabt::Failed(wabt::ValidateModule(&ir, &errors, wabt::ValidateOptions(features)))) {
        QString text = QString::fromStdString(wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary)).trimmed();
        constexpr qsizetype kMaxMessage = 2000;
        if (text.size() > kMaxMessage)
            text = text.left(kMaxMessage) + QStringLiteral(" ...");
        return QStringLiteral("invalid module: ") + text;
    }
    return std::nullopt;
}

} // namespace Keel
