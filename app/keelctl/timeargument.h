#pragma once

#include <QDateTime>

#include <optional>

namespace Keel {

// keelctl's time arguments: a duration ("90s", "10m", "12h", "30d", or plain seconds)
// and a point in time (a duration back from now, or an ISO 8601 time such as
// 2026-11-27T10:00:00Z).
class TimeArgument final
{
public:
    static std::optional<qint64> seconds(const QString &text);
    static std::optional<QDateTime> since(const QString &text, const QDateTime &now);
};

} // namespace Keel
