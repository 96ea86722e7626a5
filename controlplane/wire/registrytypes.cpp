#include "registrytypes.h"

namespace Keel {

QString toText(ComponentAbi abi)
{
    return abi == ComponentAbi::Wagi ? QStringLiteral("wagi") : QStringLiteral("keel");
}

QString toText(AotState state)
{
    switch (state) {
    case AotState::Pending: return QStringLiteral("pending");
    case AotState::Building: return QStringLiteral("building");
    case AotState::Ready: return QStringLiteral("ready");
    case AotState::Failed: return QStringLiteral("failed");
    case AotState::Unsupported: return QStringLiteral("unsupported");
    }
    Q_UNREACHABLE();
}

std::optional<ComponentAbi> componentAbiFromText(QStringView text)
{
    if (text == u"wagi")
        return ComponentAbi::Wagi;
    if (text == u"keel")
        return ComponentAbi::Keel;
    return std::nullopt;
}

std::optional<AotState> aotStateFromText(QStringView text)
{
    for (AotState state : {AotState::Pending, AotState::Building, AotState::Ready, AotState::Failed, AotState::Unsupported}) {
        if (text == toText(state))
            return state;
    }
    return std::nullopt;
}

} // namespace Keel
