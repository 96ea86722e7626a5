#include "dataplane.h"

#include "componentruntime.h"
#include "log.h"
#include "metrics/agentmetrics.h"

#include <boost/asio/post.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <iterator>

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

HttpResponse toHttp(ComponentResponse &&answer)
{
    HttpResponse response;
    response.version(11);
    response.result(answer.status);
    if (answer.error != ComponentError::None) {
        // The reason goes to the log, not to the client: it may name host details.
        response.set(http::field::content_type, "application/json");
        response.body() = boost::json::serialize(boost::json::object{
            {"error", std::string(errorKindName(answer.error))}, {"status", answer.status}});
        return response;
    }
    for (auto &[name, value] : answer.headers)
        response.insert(name, value);
    response.body() = std::move(answer.body);
    return response;
}

} // namespace

DataPlane::DataPlane(std::string nodeName, boost::asio::io_context &io, AgentMetrics &metrics)
    : m_nodeName(std::move(nodeName))
    , m_io(io)
    , m_metrics(metrics)
{
}

HttpResponse DataPlane::listComponents(const HttpRequest &request) const
{
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
        HttpResponse response{http::status::method_not_allowed, 11};
        response.set(http::field::allow, "GET, HEAD");
        return response;
    }
    boost::json::array components;
    if (m_runtime) {
        for (const auto &c : m_runtime->components()) {
            const auto &config = c->config();
            components.push_back(boost::json::object{
                {"name", config.name},
                {"version", config.version},
                {"abi", config.abi == ComponentConfig::Abi::Wagi ? "wagi" : "keel"},
                {"tier", std::string(c->tier())}});
        }
    }
    return jsonResponse(http::status::ok, {{"node", m_nodeName}, {"components", std::move(components)}});
}

void DataPlane::handle(const HttpRequest &request, const HttpServer::Peer &peer, HttpServer::Respond respond)
{
    const std::string_view target = request.target();
    const auto question = target.find('?');
    const std::string_view path = target.substr(0, question);

    if (path == "/") {
        respond(listComponents(request));
        return;
    }
    // The server only passes origin-form targets, so path starts with '/'.
    const auto slash = path.find('/', 1);
    const std::string_view name = path.substr(1, slash == std::string_view::npos ? path.npos : slash - 1);
    const auto served = m_runtime ? m_runtime->lookup(name) : ComponentRuntime::Served();
    if (!served) {
        std::string message = "no component named \"";
        message.append(name).append("\" on node ").append(m_nodeName);
        respond(jsonResponse(http::status::not_found, {{"error", message}}));
        return;
    }
    const Component &component = served.component();
    const std::string componentName(name);
    // Before anything of the request reaches the guest: a refused one never runs.
    auto decision = m_guard.check(served.residency(), componentName, component.config().dataClasses, request);
    if (!decision.outcome.empty())
        m_metrics.countResidencyRequest(componentName, decision.outcome, decision.rule);
    if (decision.answer) {
        respond(std::move(*decision.answer));
        return;
    }

    ComponentRequest call;
    call.method = std::string(request.method_string());
    call.path = slash == std::string_view::npos ? "/" : std::string(path.substr(slash));
    if (question != std::string_view::npos)
        call.query = std::string(target.substr(question + 1));
    call.headers.reserve(std::size_t(std::distance(request.begin(), request.end())));
    for (const auto &field : request)
        call.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    call.body = request.body();
    call.remoteAddress = peer.remoteAddress;
    call.serverName = peer.localAddress;
    call.serverPort = peer.localPort;
    call.protocol = request.version() == 10 ? "HTTP/1.0" : "HTTP/1.1";

    const std::string tier(component.tier());
    // The version dispatched to: during a swap, requests finishing on the old instance
    // are reported as the old version's.
    const std::string version = component.config().version;
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    call.received = started;
    // Metrics, logging and the answer happen on the io_context's thread: at once when the
    // component ran right here (the runtime ran it inline, and its end time is the
    // answer's), after a hop back from a worker otherwise.
    auto finish = [this, componentName, version, tier, started, respond](ComponentResponse &&answer,
                                                                         Clock::time_point ended) {
        const double seconds = std::chrono::duration<double>(ended - started).count();
        if (answer.instantiationSeconds >= 0)
            m_metrics.observeInstantiation(componentName, version, tier, answer.instantiationSeconds,
                                           answer.coldStart);
        const bool failed = answer.error != ComponentError::None;
        m_metrics.countComponentRequest(componentName, version, tier, answer.status,
                                        failed ? errorKindName(answer.error) : std::string_view(), seconds);
        if (failed)
            logError("component " + componentName + ": " + std::string(errorKindName(answer.error)) + ": "
                     + answer.detail);
        respond(toHttp(std::move(answer)));
    };
    auto done = [this, finish = std::move(finish)](ComponentResponse answer) mutable {
        if (m_io.get_executor().running_in_this_thread()) {
            const auto ended = answer.finished != Clock::time_point() ? answer.finished : Clock::now();
            finish(std::move(answer), ended);
            return;
        }
        boost::asio::post(m_io, [finish = std::move(finish), answer = std::move(answer)]() mutable {
            finish(std::move(answer), Clock::now());
        });
    };
    switch (m_runtime->dispatch(served, std::move(call), std::move(done), ComponentRuntime::Where::HereIfFast)) {
    case ComponentRuntime::Dispatch::Accepted:
        return;
    case ComponentRuntime::Dispatch::Unknown:
        respond(jsonResponse(http::status::not_found, {{"error", "no component named \"" + componentName + "\""}}));
        return;
    case ComponentRuntime::Dispatch::Overloaded:
        m_metrics.countComponentRequest(componentName, version, tier, 503, {}, 0);
        respond(jsonResponse(http::status::service_unavailable,
                             {{"error", "component " + componentName + " is overloaded; retry later"}}));
        return;
    }
}

} // namespace keel::agent
