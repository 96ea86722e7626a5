#include "adminservice.h"

#include "metrics/agentmetrics.h"

namespace keel::agent {

namespace http = boost::beast::http;

namespace {

HttpResponse textResponse(http::status status, std::string_view contentType, std::string body)
{
    HttpResponse response{status, 11};
    response.set(http::field::content_type, contentType);
    response.body() = std::move(body);
    return response;
}

} // namespace

AdminService::AdminService(AgentMetrics &metrics)
    : m_metrics(metrics)
{
}

HttpResponse AdminService::handle(const HttpRequest &request)
{
    std::string_view path = request.target();
    path = path.substr(0, path.find('?'));

    if (request.method() != http::verb::get && request.method() != http::verb::head) {
        HttpResponse response{http::status::method_not_allowed, 11};
        response.set(http::field::allow, "GET, HEAD");
        return response;
    }
    if (path == "/healthz")
        return textResponse(http::status::ok, "text/plain", "ok\n");
    if (path == "/readyz") {
        return m_ready ? textResponse(http::status::ok, "text/plain", "ready\n")
                       : textResponse(http::status::service_unavailable, "text/plain", "starting\n");
    }
    if (path == "/metrics")
        return textResponse(http::status::ok, "text/plain; version=0.0.4", m_metrics.scrape());
    return textResponse(http::status::not_found, "text/plain", "not found\n");
}

} // namespace keel::agent
