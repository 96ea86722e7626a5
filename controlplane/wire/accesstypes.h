#pragma once

#include "fleettypes.h"

#include <optional>

// Operator access: tokens by role, and the audit log. Domain types shared by the control
// plane and its clients; only the codec converts them to and from keel.v1.
namespace Keel {

// "viewer", "operator" or "admin"; nullopt for anything else.
std::optional<Role> roleFromText(QStringView text);

struct OperatorToken
{
    QString id;
    QString name;
    Role role = Role::Viewer;
    QDateTime created;
    QDateTime expires; // invalid: never
    bool revoked = false;

    bool operator==(const OperatorToken &) const = default;
};

struct CreatedToken
{
    QString secret; // shown once
    OperatorToken token;
};

struct AuditRecord
{
    quint64 sequence = 0;
    QDateTime time;
    QString principal;   // "token:<name>", or "unknown"
    QString principalId; // the token's id when known
    QString action;
    QString target;
    QString result;      // "ok", "denied: ...", "error: <CODE>: ..."

    bool operator==(const AuditRecord &) const = default;
};

} // namespace Keel
