#include "wireerror.h"

namespace Keel {

QString toText(ErrorCode code)
{
    using enum ErrorCode;
    switch (code) {
    case BadRequest: return QStringLiteral("bad request");
    case Unauthenticated: return QStringLiteral("unauthenticated");
    case PermissionDenied: return QStringLiteral("permission denied");
    case NotFound: return QStringLiteral("not found");
    case AlreadyExists: return QStringLiteral("already exists");
    case Conflict: return QStringLiteral("conflict");
    case JoinTokenInvalid: return QStringLiteral("join token invalid");
    case Unimplemented: return QStringLiteral("unimplemented");
    case Internal: return QStringLiteral("internal error");
    case Unavailable: return QStringLiteral("unavailable");
    case FailedPrecondition: return QStringLiteral("failed precondition");
    }
    Q_UNREACHABLE();
}

} // namespace Keel
