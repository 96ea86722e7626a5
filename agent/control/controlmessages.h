#pragma once

#include <cstdint>
#include <string>
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

using OutboundBody = std::variant<Hello, ChallengeProof, Heartbeat>;

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

// Decoded only far enough to be acknowledged by a later issue; the components stay
// undecoded until the runtime exists to apply them.
struct DesiredStateNotice
{
    std::uint64_t generation = 0;
    std::size_t componentCount = 0;
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

using InboundBody = std::variant<Challenge, Welcome, ControlError, DesiredStateNotice,
                                 UnhandledMessage>;

struct InboundMessage
{
    std::uint64_t requestId = 0;
    InboundBody body;
};

} // namespace keel::agent
