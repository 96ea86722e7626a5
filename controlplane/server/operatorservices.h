#pragma once

namespace Keel {

class AuditLog;
class EventHub;
class FleetService;
class RegistryService;
class TokenAuthority;

// What an operator session serves requests from. Owned by ControlPlane; outlives every
// session.
struct OperatorServices
{
    FleetService &fleet;
    EventHub &events;
    TokenAuthority &tokens;
    AuditLog &audit;
    RegistryService &registry;
};

} // namespace Keel
