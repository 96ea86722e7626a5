#include "timeargument.h"

#include <QRegularExpression>

namespace Keel {

std::optional<qint64> TimeArgument::seconds(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^([0-9]{1,9})([smhd]?)$"));
    const auto match = re.match(text.trimmed());
    if (!match.hasMatch())
        return std::nullopt;
    const qint64 value = match.captured(1).toLongLong();
    const QString unit = match.captured(2);
    const qint64 scale = unit == QLatin1String("m") ? 60 : unit == QLatin1String("h") ? 3600
                         : unit == QLatin1String("d") ? 86400 : 1;
    if (value <= 0)
        return std::nullopt;
    return value * scale;
}

std::optional<QDateTime> TimeArgument::since(const QString &text, const QDateTime &now)
{
    if (const auto back = seconds(text))
        return now.addSecs(-*back);
    QDateTime time = QDateTime::fromString(text.trimmed(), Qt::ISODateWithMs);
    if (!time.isValid())
        return std::nullopt;
    return time.toUTC();
}

} // namespace Keel
