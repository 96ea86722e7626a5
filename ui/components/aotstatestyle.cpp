#include "aotstatestyle.h"

#include "common/statuscolors.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QPalette>

namespace Keel::AotStateStyle {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Keel::AotStateStyle", text);
}

} // namespace

QColor color(AotState state)
{
    switch (state) {
    case AotState::Ready: return StatusColors::healthy();
    case AotState::Building:
        // The palette's selection colour means "in progress"; without a GUI, a plain blue.
        return qobject_cast<QGuiApplication *>(QCoreApplication::instance())
            ? QGuiApplication::palette().color(QPalette::Highlight)
            : QColor(0x30, 0x7f, 0xd9);
    case AotState::Pending: return StatusColors::degraded();
    case AotState::Failed: return StatusColors::failing();
    case AotState::Unsupported: return StatusColors::inactive();
    }
    return StatusColors::inactive();
}

QString word(AotState state)
{
    switch (state) {
    case AotState::Ready: return tr("ready");
    case AotState::Building: return tr("building");
    case AotState::Pending: return tr("pending");
    case AotState::Failed: return tr("failed");
    case AotState::Unsupported: return tr("interpreter only");
    }
    return {};
}

QString sentence(const ComponentVersion &version)
{
    const QString target = version.aotTarget.isEmpty() ? tr("this control plane's target") : version.aotTarget;
    switch (version.aotState) {
    case AotState::Ready:
        return tr("Ready: native code for %1; nodes of that target run it on the AOT tier.").arg(target);
    case AotState::Building:
        return tr("Building native code for %1; until then nodes run it on the interpreter.").arg(target);
    case AotState::Pending:
        return tr("Waiting for its turn to build native code for %1; until then nodes run it on the interpreter.").arg(target);
    case AotState::Failed:
        return tr("The AOT build failed, so nodes run it on the interpreter: %1").arg(version.aotError);
    case AotState::Unsupported:
        return tr("Runs on the interpreter only; the AOT tier cannot translate it: %1").arg(version.aotError);
    }
    return {};
}

} // namespace Keel::AotStateStyle
