#pragma once

#include "registrytypes.h"

#include <QColor>
#include <QString>

// How an AOT build state reads everywhere in the Components pane: a colour that means it
// (green ready, the palette's highlight while building, amber pending, red failed, grey
// unsupported) and always a word beside it.
namespace Keel::AotStateStyle {

QColor color(AotState state);
// "ready", "building", "pending", "failed", "interpreter only".
QString word(AotState state);
// A sentence for the version's build: what it means for serving, and the reason when
// it failed or is unsupported.
QString sentence(const ComponentVersion &version);

} // namespace Keel::AotStateStyle
