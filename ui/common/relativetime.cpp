#include "relativetime.h"

#include <QCoreApplication>

namespace Keel {

QString formatAge(const QDateTime &then, const QDateTime &now)
{
    if (!then.isValid())
        return QCoreApplication::translate("Keel::RelativeTime", "never");
    const qint64 seconds = then.secsTo(now);
    if (seconds < 5)
        return QCoreApplication::translate("Keel::RelativeTime", "just now");
    if (seconds < 60)
        return QCoreApplication::translate("Keel::RelativeTime", "%1 s ago").arg(seconds);
    if (seconds < 3600)
        return QCoreApplication::translate("Keel::RelativeTime", "%1 min ago").arg(seconds / 60);
    if (seconds < 86400)
        return QCoreApplication::translate("Keel::RelativeTime", "%1 h ago").arg(seconds / 3600);
    return QCoreApplication::translate("Keel::RelativeTime", "%1 d ago").arg(seconds / 86400);
}

} // namespace Keel
