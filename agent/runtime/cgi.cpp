#include "cgi.h"

#include <boost/beast/core/string.hpp>

#include <charconv>

namespace keel::agent {

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

} // namespace

std::vector<std::string> Cgi::environment(const ComponentRequest &request, std::string_view component)
{
    std::vector<std::string> env;
    environment(request, component, env);
    return env;
}

void Cgi::environment(const ComponentRequest &request, std::string_view component, std::vector<std::string> &env)
{
    std::size_t used = 0;
    // Each entry is written over the string that held the last request's entry there.
    auto entry = [&env, &used]() -> std::string & {
        if (used == env.size())
            env.emplace_back();
        std::string &e = env[used++];
        e.clear();
        return e;
    };
    auto add = [&entry](std::string_view key, std::string_view value) {
        entry().append(key).append("=").append(value);
    };
    std::string_view contentType;
    for (const auto &[name, value] : request.headers) {
        if (boost::beast::iequals(name, "content-type"))
            contentType = value;
    }
    add("GATEWAY_INTERFACE", "CGI/1.1");
    add("REQUEST_METHOD", request.method);
    entry().append("SCRIPT_NAME=/").append(component);
    add("PATH_INFO", request.path);
    add("QUERY_STRING", request.query);
    add("CONTENT_TYPE", contentType);
    add("CONTENT_LENGTH", std::to_string(request.body.size()));
    add("SERVER_NAME", request.serverName);
    add("SERVER_PORT", request.serverPort);
    add("SERVER_PROTOCOL", request.protocol);
    add("SERVER_SOFTWARE", "keel-agent");
    add("REMOTE_ADDR", request.remoteAddress);
    add("X_KEEL_COMPONENT", component);
    for (const auto &[name, value] : request.headers) {
        // Content-Type and Content-Length have their own variables (RFC 3875 4.1.18).
        if (boost::beast::iequals(name, "content-type") || boost::beast::iequals(name, "content-length"))
            continue;
        std::string &e = entry();
        e.append("HTTP_");
        for (char c : name)
            e.push_back(c == '-' ? '_' : (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c);
        e.append("=").append(value);
    }
    env.resize(used);
}

bool Cgi::parseOutput(std::string_view output, ComponentResponse &response, std::string &error)
{
    std::size_t bodyStart = std::string_view::npos;
    std::size_t at = 0;
    bool hasStatus = false;
    bool hasLocation = false;
    response.status = 200;
    response.headers.clear();
    while (at < output.size()) {
        const auto nl = output.find('\n', at);
        if (nl == std::string_view::npos)
            break;
        const std::string_view line = trim(output.substr(at, nl - at));
        at = nl + 1;
        if (line.empty()) {
            bodyStart = at;
            break;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            error = "CGI header line without ':': " + std::string(line.substr(0, 80));
            return false;
        }
        const std::string_view name = trim(line.substr(0, colon));
        const std::string_view value = trim(line.substr(colon + 1));
        if (boost::beast::iequals(name, "status")) {
            unsigned code = 0;
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), code);
            if (ec != std::errc() || code < 100 || code > 599 || (end != value.data() + value.size() && *end != ' ')) {
                error = "CGI Status header is not a status code: " + std::string(value.substr(0, 80));
                return false;
            }
            if (code < 200) {
                error = "CGI Status " + std::to_string(code)
                        + " is an interim status; a response needs a final one (200-599)";
                return false;
            }
            response.status = code;
            hasStatus = true;
            continue;
        }
        if (!isGuestHeaderValid(name, value)) {
            error = "CGI header is not valid HTTP: " + std::string(name.substr(0, 80));
            return false;
        }
        if (isServerOwnedHeader(name))
            continue;
        hasLocation = hasLocation || boost::beast::iequals(name, "location");
        response.headers.emplace_back(std::string(name), std::string(value));
    }
    if (bodyStart == std::string_view::npos) {
        error = output.empty() ? "the component wrote nothing to stdout"
                               : "CGI headers do not end with a blank line";
        return false;
    }
    if (hasLocation && !hasStatus)
        response.status = 302;
    response.body.assign(output.substr(bodyStart));
    return true;
}

} // namespace keel::agent
