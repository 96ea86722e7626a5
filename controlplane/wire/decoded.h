#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace Keel {

// The outcome of decoding untrusted bytes: a value, or a reason fit for a log line.
template<typename T>
struct Decoded
{
    std::optional<T> value;
    QString error;

    static Decoded ok(T v) { return {std::move(v), {}}; }
    static Decoded fail(QString reason) { return {std::nullopt, std::move(reason)}; }
    explicit operator bool() const { return value.has_value(); }
};

} // namespace Keel
