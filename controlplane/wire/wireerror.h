#pragma once

#include <QString>

namespace Keel {

enum class ErrorCode {
    BadRequest,
    Unauthenticated,
    PermissionDenied,
    NotFound,
    AlreadyExists,
    Conflict,
    JoinTokenInvalid,
    Unimplemented,
    Internal,
    Unavailable,
    FailedPrecondition,
};

// A typed error as it crosses the wire: the code for programs, the message for people.
struct WireError
{
    ErrorCode code = ErrorCode::Internal;
    QString message;
    QString field;
};

QString toText(ErrorCode code);

} // namespace Keel
