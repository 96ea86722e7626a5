#include "healthcheck.h"

#include "component.h"

#include <exception>

namespace keel::agent {

std::string HealthCheck::quoted(std::string_view text)
{
    std::string line;
    for (const char c : text.substr(0, kQuotedBodyBytes)) {
        if (c == '\n' || c == '\r' || c == '\t')
            line += ' ';
        else if (c >= ' ' && c < 0x7f)
            line += c;
        else
            line += '?';
    }
    while (!line.empty() && line.back() == ' ')
        line.pop_back();
    if (text.size() > kQuotedBodyBytes)
        line += "...";
    return line;
}

std::string HealthCheck::run(Component &component)
{
    const std::string &path = component.config().healthPath;
    if (path.empty())
        return {};
    ComponentRequest request;
    request.method = "GET";
    request.path = path; // the manifest rules allow a plain path only: no query, no fragment
    request.headers = {{"User-Agent", "keel-agent health check"}};
    request.remoteAddress = "127.0.0.1";
    request.serverName = "127.0.0.1";
    request.serverPort = "0"; // no listener: the request never crossed the network
    const std::string what = "health check GET " + path;
    ComponentResponse answer;
    try {
        answer = component.handle(request);
    } catch (const std::exception &e) {
        return what + " failed: " + quoted(e.what());
    }
    if (answer.error != ComponentError::None)
        return what + " answered " + std::to_string(answer.status) + " (" + std::string(errorKindName(answer.error))
               + (answer.detail.empty() ? std::string() : ": " + quoted(answer.detail)) + ")";
    if (answer.status < 200 || answer.status > 299) {
        const std::string body = quoted(answer.body);
        return what + " answered " + std::to_string(answer.status) + (body.empty() ? std::string() : ": " + body);
    }
    return {};
}

} // namespace keel::agent
