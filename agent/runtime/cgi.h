#pragma once

#include "componentrequest.h"

#include <string>
#include <string_view>
#include <vector>

namespace keel::agent {

// The CGI side of WAGI, shared by both tiers: the environment a request becomes, and the
// response a guest's stdout becomes.
class Cgi final
{
public:
    // "KEY=VALUE" strings: REQUEST_METHOD, PATH_INFO, QUERY_STRING, CONTENT_TYPE,
    // CONTENT_LENGTH, SERVER_*, REMOTE_ADDR, SCRIPT_NAME, X_KEEL_COMPONENT, HTTP_*.
    static std::vector<std::string> environment(const ComponentRequest &request,
                                                std::string_view component);
    // The same into env, reusing its strings' storage (a host kept from one request to the
    // next writes each request's environment over the last one's).
    static void environment(const ComponentRequest &request, std::string_view component,
                            std::vector<std::string> &env);

    // Parses "headers, blank line, body". Status: sets the code; Location without Status
    // means 302; other headers pass through. false with error when it does not parse.
    static bool parseOutput(std::string_view output, ComponentResponse &response, std::string &error);
};

} // namespace keel::agent
