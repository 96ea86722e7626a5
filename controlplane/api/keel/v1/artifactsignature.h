#pragma once

// What the control plane's ed25519 key signs, and every agent checks.
// Defined once, here, for both sides (no Qt, no protobuf: the agent includes it as is).
//
//   module:        "keel.v1 module" NUL module_digest
//   AOT object:    "keel.v1 aot" NUL aot_digest NUL module_digest NUL target
//   desired state: "keel.v1 state" NUL node_name NUL serialized DesiredState
//
// Binding the object to its module and target means a valid object can never be served
// as the native code of another module or for another CPU; binding a state to its node
// means one node's set cannot be replayed to another.

#include <string>
#include <string_view>

namespace keel::v1 {

inline std::string moduleSignatureMessage(std::string_view moduleDigest)
{
    std::string message("keel.v1 module");
    message.push_back('\0');
    message.append(moduleDigest);
    return message;
}

inline std::string aotSignatureMessage(std::string_view aotDigest, std::string_view moduleDigest, std::string_view target)
{
    std::string message("keel.v1 aot");
    for (std::string_view part : {aotDigest, moduleDigest, target}) {
        message.push_back('\0');
        message.append(part);
    }
    return message;
}

inline std::string stateSignatureMessage(std::string_view nodeName, std::string_view serializedState)
{
    std::string message("keel.v1 state");
    for (std::string_view part : {nodeName, serializedState}) {
        message.push_back('\0');
        message.append(part);
    }
    return message;
}

} // namespace keel::v1
