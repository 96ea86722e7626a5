#include "componentrequest.h"

#include <boost/beast/core/string.hpp>

namespace keel::agent {

std::string_view errorKindName(ComponentError error)
{
    switch (error) {
    case ComponentError::None: return "none";
    case ComponentError::Trap: return "trap";
    case ComponentError::Deadline: return "deadline";
    case ComponentError::Memory: return "memory";
    case ComponentError::ResponseTooLarge: return "response_too_large";
    case ComponentError::BadOutput: return "bad_output";
    case ComponentError::Instantiation: return "instantiation";
    }
    return "unknown";
}

ComponentResponse ComponentResponse::failure(unsigned status, ComponentError error, std::string detail)
{
    ComponentResponse response;
    response.status = status;
    response.error = error;
    response.detail = std::move(detail);
    response.headers = {{"Content-Type", "text/plain"}};
    return response;
}

bool isGuestHeaderValid(std::string_view name, std::string_view value)
{
    if (name.empty() || name.size() > 256 || value.size() > 8192)
        return false;
    for (char c : name) {
        const bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                           || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
        if (!token)
            return false;
    }
    for (char c : value) {
        if (c == '\r' || c == '\n' || c == '\0')
            return false;
    }
    return true;
}

bool isServerOwnedHeader(std::string_view name)
{
    // ASCII case folding: boost::algorithm::iequals consults the locale per character,
    // which was 4% of the agent's time per request.
    for (std::string_view owned : {"content-length", "transfer-encoding", "connection", "keep-alive",
                                   "upgrade", "trailer", "te"}) {
        if (boost::beast::iequals(name, owned))
            return true;
    }
    return false;
}

} // namespace keel::agent
