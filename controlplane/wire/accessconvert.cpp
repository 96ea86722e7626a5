// keel.v1 <-> operator access types: roles, tokens, audit records.
#include "protoconvert_p.h"

namespace Keel::Proto {

namespace pb = keel::v1;

pb::Role toProto(Role role)
{
    switch (role) {
    case Role::Viewer: return pb::ROLE_VIEWER;
    case Role::Operator: return pb::ROLE_OPERATOR;
    case Role::Admin: return pb::ROLE_ADMIN;
    }
    Q_UNREACHABLE();
}

std::optional<Role> fromProto(pb::Role role)
{
    switch (role) {
    case pb::ROLE_VIEWER: return Role::Viewer;
    case pb::ROLE_OPERATOR: return Role::Operator;
    case pb::ROLE_ADMIN: return Role::Admin;
    default: return std::nullopt;
    }
}

void toProto(const OperatorToken &token, pb::TokenInfo *out)
{
    out->set_id(str(token.id));
    out->set_name(str(token.name));
    out->set_role(toProto(token.role));
    out->set_created_unix_ms(toUnixMs(token.created));
    out->set_revoked(token.revoked);
    out->set_expires_unix_ms(toUnixMs(token.expires));
}

Decoded<OperatorToken> fromProto(const pb::TokenInfo &token)
{
    const auto role = fromProto(token.role());
    if (!role)
        return Decoded<OperatorToken>::fail(QStringLiteral("token %1 has an unspecified role").arg(str(token.id())));
    return Decoded<OperatorToken>::ok({str(token.id()), str(token.name()), *role, fromUnixMs(token.created_unix_ms()),
                                       fromUnixMs(token.expires_unix_ms()), token.revoked()});
}

void toProto(const AuditRecord &record, pb::AuditRecord *out)
{
    out->set_sequence(record.sequence);
    out->set_time_unix_ms(toUnixMs(record.time));
    out->set_principal(str(record.principal));
    out->set_principal_id(str(record.principalId));
    out->set_action(str(record.action));
    out->set_target(str(record.target));
    out->set_result(str(record.result));
}

AuditRecord fromProto(const pb::AuditRecord &record)
{
    return {record.sequence(), fromUnixMs(record.time_unix_ms()), str(record.principal()), str(record.principal_id()),
            str(record.action()), str(record.target()), str(record.result())};
}

} // namespace Keel::Proto
