#include "fleettypes.h"

namespace Keel {

QString toText(NodeStatus status)
{
    switch (status) {
    case NodeStatus::Ready: return QStringLiteral("ready");
    case NodeStatus::Unreachable: return QStringLiteral("unreachable");
    }
    Q_UNREACHABLE();
}

QString toText(RuntimeTier tier)
{
    switch (tier) {
    case RuntimeTier::Interpreter: return QStringLiteral("interp");
    case RuntimeTier::Aot: return QStringLiteral("aot");
    }
    Q_UNREACHABLE();
}

QString toText(ComponentStatus::State state)
{
    switch (state) {
    case ComponentStatus::State::Pending: return QStringLiteral("pending");
    case ComponentStatus::State::Running: return QStringLiteral("running");
    case ComponentStatus::State::Failed: return QStringLiteral("failed");
    }
    Q_UNREACHABLE();
}

QString toText(Role role)
{
    switch (role) {
    case Role::Viewer: return QStringLiteral("viewer");
    case Role::Operator: return QStringLiteral("operator");
    case Role::Admin: return QStringLiteral("admin");
    }
    Q_UNREACHABLE();
}

} // namespace Keel
