#pragma once

#include "store.h"
#include "wireerror.h"

#include <variant>

namespace Keel {

// Operator tokens: the first admin token at first start, and bearer authentication.
class TokenAuthority final
{
public:
    explicit TokenAuthority(Store &store);

    // When the store holds no operator token yet, creates an admin token and writes it to
    // `path` with mode 0600. Returns true when it created one. Throws StoreError.
    bool bootstrapAdminToken(const QString &path, QString *error);
    std::variant<OperatorTokenRecord, WireError> authenticate(const QString &bearerToken);

private:
    Store &m_store;
};

} // namespace Keel
