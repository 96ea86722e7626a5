#pragma once

#include <QIcon>

// Icons of the mode bar, painted in code so that they need no image plugin and stay
// light on the bar's dark background. One function per mode.
namespace Keel::ModeIcons {

QIcon map();
QIcon nodes();
QIcon components();
QIcon metrics();
QIcon audit();
QIcon rollouts();
QIcon policies();

} // namespace Keel::ModeIcons
