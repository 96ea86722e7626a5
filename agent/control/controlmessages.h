#pragma once

#include "residencypolicy.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

// The keel.v1 /v1/agent messages as the agent sees them: plain structs, so that only
// AgentCodec knows the generated protobuf types. Byte fields are std::string.
namespace keel::agent {

enum class RuntimeTier { Interpreter, Aot };

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
    Unknown, // a code from a newer control plane
};

struct Label
{
    std::string key;
    std::string value;
};

// --- desired state (both directions) --------------------------------------------------

enum class ComponentAbi { Wagi, Keel };

// keel.v1 Limits: zero means the agent's default.
struct ComponentLimits
{
    std::uint32_t memoryMb = 0;
    std::uint32_t deadlineMs = 0;
    std::uint64_t maxResponseBytes = 0;
    std::uint32_t maxTableElements = 0;
    std::uint32_t maxInstances = 0;

    bool operator==(const ComponentLimits &) const = default;
};

// keel.v1 Manifest: what the control plane says about one component version. Untrusted
// until the agent's manifest loader has checked the file written from it.
struct ComponentSpec
{
    std::string name;
    std::string version;
    ComponentAbi abi = ComponentAbi::Wagi;
    std::vector<std::string> dataClasses;
    std::vector<std::string> grants;
    ComponentLimits limits;
    std::map<std::string, std::string> config;
    std::string healthPath; // empty: no health check before the switch

    bool operator==(const ComponentSpec &) const = default;
};

struct ComponentRef
{
    ComponentSpec manifest;
    std::string moduleDigest; // "sha256:<hex>"
    std::uint64_t moduleSize = 0;
    std::string moduleSignature; // ed25519, 64 bytes
    std::string aotDigest;       // empty: no object for this node's target yet
    std::uint64_t aotSize = 0;
    std::string aotSignature;
    std::string aotTarget;

    bool operator==(const ComponentRef &) const = default;
};

// keel.v1 RegionEndpoints: one region where a component runs, with the base URLs its
// agents advertise (--advertise-http), for a 451 answer's alternatives.
struct RegionEndpoints
{
    std::string region;
    std::string jurisdiction;
    std::vector<std::string> endpoints; // "http://10.0.0.5:8080"

    bool operator==(const RegionEndpoints &) const = default;
};

// keel.v1 ComponentPlacement: every region where a component is placed, this one included.
struct ComponentPlacement
{
    std::string component;
    std::vector<RegionEndpoints> regions;

    bool operator==(const ComponentPlacement &) const = default;
};

// keel.v1 NodeResidency: what the node enforces on every request (HTTP 451), also while
// the control plane is unreachable. The rules are keel_residency's, so the agent decides
// through the same ResidencyEvaluator as the control plane.
struct NodeResidency
{
    std::string jurisdiction;   // this node's (its region's)
    std::string defaultSubject; // of requests without X-Keel-Subject-Jurisdiction; empty: 400
    std::vector<residency::Rule> rules;
    std::vector<ComponentPlacement> placements; // for components that some subject rule covers
    std::uint64_t policyVersion = 0;

    // Where `component` runs; null when the control plane named no placement for it.
    const ComponentPlacement *placementOf(std::string_view component) const
    {
        for (const auto &placement : placements) {
            if (placement.component == component)
                return &placement;
        }
        return nullptr;
    }
    bool operator==(const NodeResidency &) const = default;
};

// The node's whole set, xDS style: every change and every reconnect sends all of it.
struct DesiredState
{
    std::uint64_t generation = 0;
    std::vector<ComponentRef> components;
    // Kept loaded, not served (a rollout's baseline), so a later state serving one of
    // them switches without a fetch or a cold start.
    std::vector<ComponentRef> standby;
    // Unset: no residency rule concerns the node's components. Served with the set it
    // came with, in the same swap, and kept with it under --data-dir.
    std::optional<NodeResidency> residency;
    // As received: the serialized state and the control plane's signature over
    // keel::v1::stateSignatureMessage(node name, signedBytes). Empty for states that did
    // not come over the wire (restore, tests).
    std::string signedBytes;
    std::string signature;

    bool operator==(const DesiredState &) const = default;
};

enum class ComponentState { Pending, Running, Failed };

struct ComponentStatus
{
    std::string name;
    std::string version;
    ComponentState state = ComponentState::Pending;
    std::optional<RuntimeTier> tier; // unset: not running (no tier to report)
    std::string error;

    bool operator==(const ComponentStatus &) const = default;
};

struct StateAck
{
    std::uint64_t generation = 0;
    bool applied = false; // false: rejected, the last good set keeps running
    std::vector<ComponentStatus> components;

    bool operator==(const StateAck &) const = default;
};

// One piece of an artifact, as the control plane (or any ArtifactSource) sends it.
struct ArtifactChunk
{
    std::string digest;
    std::uint64_t offset = 0;
    std::uint64_t totalSize = 0;
    std::string data;
    bool last = false;
};

// --- agent -> control plane -----------------------------------------------------------

struct Hello
{
    std::string nodeName;
    std::string region;
    std::string site;
    std::vector<Label> labels;
    std::vector<RuntimeTier> tiers;
    std::string targetTriple;
    std::string agentVersion;
    std::string publicKey; // 32 bytes
    std::string joinToken;
    std::string httpEndpoint;
    std::string adminEndpoint;
    std::uint64_t appliedGeneration = 0;
};

struct ChallengeProof
{
    std::string signature; // 64 bytes
};

struct Heartbeat
{
    std::int64_t sentUnixMs = 0;
    std::uint64_t appliedGeneration = 0;
};

struct FetchArtifact
{
    std::string digest;
    std::uint64_t offset = 0;
};

// Bucket deltas per component since the previous report (never percentiles).
struct MetricsReport
{
    struct Component
    {
        std::string component;
        std::string version;
        std::optional<RuntimeTier> tier;
        std::vector<double> upperBounds;   // seconds; +Inf after the last
        std::vector<std::uint64_t> counts; // upperBounds.size() + 1, not cumulative
        double sum = 0;
        std::uint64_t count = 0;
        std::uint64_t requests = 0;
        std::uint64_t errors = 0;
        std::uint64_t coldStarts = 0;
        std::uint64_t memoryBytes = 0;
    };
    std::int64_t windowStartUnixMs = 0;
    std::int64_t windowEndUnixMs = 0;
    std::vector<Component> components;
    std::uint64_t rssBytes = 0;
};

using OutboundBody = std::variant<Hello, ChallengeProof, Heartbeat, StateAck, FetchArtifact, MetricsReport>;

struct OutboundMessage
{
    std::uint64_t requestId = 0;
    OutboundBody body;
};

// --- control plane -> agent -----------------------------------------------------------

struct Challenge
{
    static constexpr std::size_t kNonceSize = 32;
    std::string nonce;
};

struct Welcome
{
    std::string nodeId;
    std::uint32_t heartbeatIntervalMs = 0;
    std::string controlPlanePublicKey;
    std::string controlPlaneVersion;
    std::uint32_t metricsIntervalMs = 0;
};

struct ControlError
{
    ErrorCode code = ErrorCode::Unknown;
    std::string message;
    std::string field;
};

// A well-formed message the agent has no use for on its path.
struct UnhandledMessage
{
    // UnknownType: ignore it. Unexpected: it flows the other way, or answers nothing the
    // agent asked, so the peer is confused and the connection is dropped.
    enum class Kind { UnknownType, Unexpected };
    Kind kind = Kind::UnknownType;
    std::string name; // e.g. "heartbeat", or "field 23" for an unknown body
};

using InboundBody = std::variant<Challenge, Welcome, ControlError, DesiredState, ArtifactChunk,
                                 UnhandledMessage>;

struct InboundMessage
{
    std::uint64_t requestId = 0;
    InboundBody body;
};

} // namespace keel::agent
