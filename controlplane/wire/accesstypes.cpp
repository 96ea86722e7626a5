#include "accesstypes.h"

namespace Keel {

std::optional<Role> roleFromText(QStringView text)
{
    for (Role role : {Role::Viewer, Role::Operator, Role::Admin}) {
        if (text == toText(role))
            return role;
    }
    return std::nullopt;
}

} // namespace Keel
