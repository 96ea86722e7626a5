#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

// The /v1/agent messages as keel-fleetsim sees them: only what a simulated agent sends or
// reads, as plain structs, so that SimCodec alone knows the generated protobuf types. Byte
// fields are std::string.
namespace keel::fleetsim {

struct SimHello
{
    std::string nodeName;
    std::string region;
    std::string targetTriple;
    std::string agentVersion;
    std::string publicKey; // ed25519, 32 bytes
    std::string joinToken; // empty for a known node
    std::string httpEndpoint;
    std::uint64_t appliedGeneration = 0;
    // As the join token scoped them: a known node's Hello that differs is logged by the
    // control plane on every connection.
    const std::vector<std::pair<std::string, std::string>> *labels = nullptr;
};

struct SimComponent
{
    std::string name;
    std::string version;
    std::string moduleDigest;
    std::uint64_t moduleSize = 0;
    std::string moduleSignature;
    bool aot = false; // the state names an AOT object for the node's target
};

struct SimDesiredState
{
    std::uint64_t generation = 0;
    std::vector<SimComponent> components;
};

struct SimHistogram
{
    const std::vector<double> *upperBounds = nullptr; // shared by every report
    std::vector<std::uint64_t> counts;
    double sum = 0;
    std::uint64_t count = 0;
};

struct SimComponentMetrics
{
    std::string component;
    std::string version;
    bool aot = false;
    SimHistogram latency;
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    std::uint64_t coldStarts = 0;
    std::uint64_t instanceMemoryBytes = 0;
};

struct SimMetricsReport
{
    std::int64_t windowStartUnixMs = 0;
    std::int64_t windowEndUnixMs = 0;
    std::vector<SimComponentMetrics> components;
    std::uint64_t rssBytes = 0;
};

struct SimStatus
{
    std::string name;
    std::string version;
    bool aot = false;
};

struct SimAck
{
    std::uint64_t generation = 0;
    bool applied = true;
    std::vector<SimStatus> components; // applied: RUNNING; rejected: FAILED with `error`
    std::string error;
};

// --- from the control plane -------------------------------------------------------------

struct SimChallenge
{
    std::string nonce;
};

struct SimWelcome
{
    std::uint32_t heartbeatIntervalMs = 0;
    std::uint32_t metricsIntervalMs = 0;
    std::string controlPlanePublicKey;
};

struct SimSignedState
{
    std::string state; // a serialized DesiredState, decoded only once its signature verifies
    std::string signature;
};

struct SimChunk
{
    std::string digest;
    std::uint64_t offset = 0;
    std::uint64_t totalSize = 0;
    std::string data;
    bool last = false;
};

struct SimError
{
    std::string code; // "JOIN_TOKEN_INVALID", ... as in keel.proto without the prefix
    std::string message;
};

struct SimIgnored
{
};

struct SimInbound
{
    std::uint64_t requestId = 0;
    std::variant<SimIgnored, SimChallenge, SimWelcome, SimSignedState, SimChunk, SimError> body;
};

} // namespace keel::fleetsim
