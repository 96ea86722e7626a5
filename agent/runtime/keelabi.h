#pragma once

#include "componentrequest.h"

#include <string>
#include <string_view>

namespace keel::agent {

// The Keel handler ABI's byte encoding (documented beside the WIT), shared by both
// tiers. All integers are u32 little-endian. Request: method, path, query (each
// len + bytes), header count, (name, value)*, body. Response: status, header count,
// (name, value)*, body.
class KeelAbi final
{
public:
    static std::string encodeRequest(const ComponentRequest &request);
    // The same into out (replacing what it held, reusing its storage).
    static void encodeRequest(const ComponentRequest &request, std::string &out);
    // Checks every length against the bytes at hand; false with error on any mismatch.
    static bool decodeResponse(std::string_view bytes, ComponentResponse &response, std::string &error);
};

} // namespace keel::agent
