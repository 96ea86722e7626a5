#include "watmodule.h"

#include <wabt/binary-writer.h>
#include <wabt/error-formatter.h>
#include <wabt/ir.h>
#include <wabt/stream.h>
#include <wabt/wast-lexer.h>
#include <wabt/wast-parser.h>

QByteArray watToWasm(const QByteArray &wat, QString *error)
{
    wabt::Errors errors;
    std::unique_ptr<wabt::WastLexer> lexer =
        wabt::WastLexer::CreateBufferLexer("test.wat", wat.constData(), static_cast<size_t>(wat.size()), &errors);
    std::unique_ptr<wabt::Module> module;
    wabt::Features features;
    wabt::WastParseOptions options(features);
    if (wabt::Failed(wabt::ParseWatModule(lexer.get(), &module, &errors, &options))) {
        *error = QString::fromStdString(wabt::FormatErrorsToString(errors, wabt::Location::Type::Text));
        return {};
    }
    wabt::MemoryStream stream;
    if (wabt::Failed(wabt::WriteBinaryModule(&stream, module.get(), wabt::WriteBinaryOptions()))) {
        *error = QStringLiteral("cannot write the binary module");
        return {};
    }
    const auto &data = stream.output_buffer().data;
    return QByteArray(reinterpret_cast<const char *>(data.data()), static_cast<qsizetype>(data.size()));
}
