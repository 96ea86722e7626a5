#pragma once

#include "controlmessages.h"

#include <optional>
#include <string>
#include <string_view>

namespace keel::agent {

// Translates between keel.v1 Envelope frames and the agent's domain structs. The only
// file of the agent that includes the generated protobuf code.
class AgentCodec final
{
public:
    struct Decoded
    {
        std::optional<InboundMessage> message; // empty when the frame is rejected
        // When rejected: a short, bounded token for the metric label ("unparsable",
        // "empty", "unspecified_enum", "invalid_field") and a sentence for the log.
        std::string_view reason;
        std::string detail;
    };

    static std::string encode(const OutboundMessage &message);
    static Decoded decode(std::string_view frame);

    // A serialized keel.v1.NodeResidency, as the agent keeps it beside the set it came
    // with (<data-dir>/sets/<generation>/residency.pb) and as tests build states.
    static std::string encodeResidency(const NodeResidency &residency);
    // nullopt with the reason in `problem` when the bytes are not a NodeResidency this
    // agent can enforce.
    static std::optional<NodeResidency> decodeResidency(std::string_view bytes, std::string &problem);
};

} // namespace keel::agent
