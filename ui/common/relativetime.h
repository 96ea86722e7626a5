#pragma once

#include <QDateTime>
#include <QString>

namespace Keel {

// "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago"; "never" for an invalid time.
// A time ahead of `now` (clock skew between machines) reads as "just now".
QString formatAge(const QDateTime &then, const QDateTime &now);

} // namespace Keel
