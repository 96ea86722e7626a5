#pragma once

#include <QByteArray>

#include <functional>

namespace Keel {

class AuditLog;
class BlobStore;
class DeploymentService;
class FleetMetrics;
class EventHub;
class FleetService;
class RegistryService;
class ResidencyService;
class RolloutEngine;
class TokenAuthority;

// The services the listener's sessions serve from (operators use all of them, agents
// fleet, deployments and blobs). Owned by ControlPlane; outlives every session.
struct OperatorServices
{
    FleetService &fleet;
    EventHub &events;
    TokenAuthority &tokens;
    AuditLog &audit;
    RegistryService &registry;
    DeploymentService &deployments;
    const BlobStore &blobs;
    FleetMetrics &metrics;
    RolloutEngine &rollouts;
    ResidencyService &residency;
    // Signs with the control plane's key (desired states).
    std::function<QByteArray(const QByteArray &message)> sign;
};

} // namespace Keel
