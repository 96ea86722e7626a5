#pragma once

#include "simmessages.h"

#include <optional>
#include <string>
#include <string_view>

namespace keel::fleetsim {

// Translates between keel.v1 Envelope frames and the simulator's structs. The only file
// of keel-fleetsim that includes the generated protobuf code.
class SimCodec final
{
public:
    static std::string hello(std::uint64_t requestId, const SimHello &hello);
    static std::string proof(std::uint64_t requestId, std::string_view signature);
    static std::string heartbeat(std::int64_t sentUnixMs, std::uint64_t appliedGeneration);
    static std::string ack(const SimAck &ack);
    static std::string fetch(std::uint64_t requestId, std::string_view digest, std::uint64_t offset);
    static std::string report(const SimMetricsReport &report);

    // nullopt when the frame is not an Envelope; `problem` then says why.
    static std::optional<SimInbound> decode(std::string_view frame, std::string &problem);
    // A SignedDesiredState's `state` bytes, after its signature verified.
    static std::optional<SimDesiredState> decodeState(std::string_view bytes);
};

} // namespace keel::fleetsim
