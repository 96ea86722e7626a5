#include "dataplane.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace keel::agent {

namespace http = boost::beast::http;

namespace {

HttpResponse jsonResponse(http::status status, const boost::json::object &body)
{
    HttpResponse response{status, 11};
    response.set(http::field::content_type, "application/json");
    response.body() = boost::json::serialize(body);
    return response;
}

} // namespace

DataPlane::DataPlane(std::string nodeName)
    : m_nodeName(std::move(nodeName))
{
}

HttpResponse DataPlane::handle(const HttpRequest &request) const
{
    std::string_view path = request.target();
    path = path.substr(0, path.find('?'));

    if (path == "/") {
        if (request.method() != http::verb::get && request.method() != http::verb::head) {
            HttpResponse response{http::status::method_not_allowed, 11};
            response.set(http::field::allow, "GET, HEAD");
            return response;
        }
        return jsonResponse(http::status::ok,
                            {{"node", m_nodeName}, {"components", boost::json::array()}});
    }

    // The server only passes origin-form targets, so path starts with '/'.
    const std::string_view component = path.substr(1, path.find('/', 1) - 1);
    std::string message = "no component named \"";
    message.append(component).append("\" on node ").append(m_nodeName);
    return jsonResponse(http::status::not_found, {{"error", message}});
}

} // namespace keel::agent
