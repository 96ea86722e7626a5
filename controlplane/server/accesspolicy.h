#pragma once

#include "operatormessages.h"

namespace Keel {

// What one operator request is, for authorisation and the audit log.
struct RequestAccess
{
    QString action;  // the keel.v1 field name, e.g. "create_token"
    Role needed = Role::Viewer;
    bool mutates = false; // mutating requests are audited, allowed or not
    QString target;  // what it acts on, for people reading the audit log
};

// The role matrix: viewer < operator < admin. Viewers read; operators change the fleet
// (topology, join tokens, components, deployments, rollouts, policies); admins also
// manage operator tokens. Reading the audit log needs operator.
class AccessPolicy final
{
public:
    static RequestAccess of(const OperatorRequestBody &request);
};

} // namespace Keel
