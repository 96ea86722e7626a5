#pragma once

// Waiting on KeelClient's callbacks in tests: one call, its answer or nothing after a
// deadline (never a fixed sleep).

#include "keelclient.h"

#include <QFile>
#include <QTest>

#include <optional>

namespace Keel::Testing {

template<typename T>
const WireError *errorOf(const Result<T> &result)
{
    return std::get_if<WireError>(&result);
}

// The error's message, "no answer", or empty for a success: for failure messages.
template<typename T>
QString why(const std::optional<Result<T>> &result)
{
    if (!result)
        return QStringLiteral("no answer");
    const auto *error = std::get_if<WireError>(&*result);
    return error ? error->message : QString();
}

// Runs one client call and waits up to 30 s for its callback.
template<typename T, typename Call>
std::optional<Result<T>> await(Call call)
{
    std::optional<Result<T>> out;
    call([&](const Result<T> &result) { out = result; });
    (void)QTest::qWaitFor([&] { return out.has_value(); }, 30000);
    return out;
}

inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

} // namespace Keel::Testing
