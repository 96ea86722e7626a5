#include "stalebanner.h"

namespace Keel {

StaleBanner::StaleBanner(QWidget *parent)
    : QLabel(tr("Not connected: showing the last known state of the fleet."), parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::ToolTipBase);
    setForegroundRole(QPalette::ToolTipText);
    setContentsMargins(8, 4, 8, 4);
    setFrameShape(QFrame::Box);
    hide();
}

} // namespace Keel
