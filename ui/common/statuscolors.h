#pragma once

#include <QColor>

// One palette for health across panes, so that "ready" is the same green everywhere.
// Mid-tone colours that read on both light and dark window themes.
namespace Keel::StatusColors {

inline QColor healthy() { return QColor(0x2e, 0xa0, 0x43); }
inline QColor failing() { return QColor(0xd1, 0x3b, 0x3b); }
inline QColor degraded() { return QColor(0xc7, 0x7c, 0x02); } // amber: waiting, behind, partly down
inline QColor inactive() { return QColor(0x9a, 0x9d, 0xa3); }

} // namespace Keel::StatusColors
