#include "residencyguard.h"

#include "residencyevaluator.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace keel::agent {

namespace http = boost::beast::http;
using residency::ResidencyEvaluator;

namespace {

HttpResponse jsonAnswer(http::status status, const boost::json::object &body)
{
    HttpResponse response{status, 11};
    response.set(http::field::content_type, "application/json");
    response.body() = boost::json::serialize(body);
    return response;
}

// The evaluator quotes a malformed header back to the client; the quote must stay
// printable ASCII so the JSON answer is valid UTF-8 whatever bytes the client sent.
std::string printable(std::string_view text)
{
    std::string out(text);
    for (char &c : out) {
        if (c < 0x20 || c > 0x7e)
            c = '?';
    }
    return out;
}

// "http://10.0.0.5:8080/" and "http://10.0.0.5:8080" name the same agent.
std::string_view withoutSlash(std::string_view url)
{
    while (!url.empty() && url.back() == '/')
        url.remove_suffix(1);
    return url;
}

// The regions where the component runs whose jurisdiction may process this subject's
// data, each with the endpoints of its agents other than this one; a region left with
// no endpoint is no help to the client and is left out.
boost::json::array alternatives(const NodeResidency &residency, const std::string &component,
                                const std::vector<std::string> &dataClasses, std::string_view subject,
                                std::string_view self)
{
    boost::json::array regions;
    const ComponentPlacement *placement = residency.placementOf(component);
    if (!placement)
        return regions;
    for (const auto &region : placement->regions) {
        if (!ResidencyEvaluator::allows(residency.rules, dataClasses, subject, region.jurisdiction))
            continue;
        boost::json::array endpoints;
        for (const auto &endpoint : region.endpoints) {
            if (!endpoint.empty() && withoutSlash(endpoint) != withoutSlash(self))
                endpoints.emplace_back(endpoint);
        }
        if (endpoints.empty())
            continue;
        regions.push_back(boost::json::object{
            {"region", region.region}, {"jurisdiction", region.jurisdiction}, {"endpoints", std::move(endpoints)}});
    }
    return regions;
}

std::string whereInstead(const boost::json::array &regions)
{
    if (regions.empty())
        return ": no region where this component runs may process it";
    const auto &first = regions.front().as_object();
    return ": send it to " + std::string(first.at("region").as_string()) + " ("
           + std::string(first.at("jurisdiction").as_string()) + ") at "
           + std::string(first.at("endpoints").as_array().front().as_string())
           + (regions.size() > 1 ? " or another of the alternatives" : "");
}

} // namespace

ResidencyGuard::ResidencyGuard(std::string selfEndpoint)
    : m_selfEndpoint(std::move(selfEndpoint))
{
}

ResidencyGuard::Decision ResidencyGuard::check(const NodeResidency *residency, const std::string &component,
                                               const std::vector<std::string> &dataClasses,
                                               const HttpRequest &request) const
{
    Decision decision;
    if (!residency || dataClasses.empty() || ResidencyEvaluator::concerning(residency->rules, dataClasses).empty())
        return decision;

    std::optional<std::string_view> subject;
    const auto headers = request.equal_range(kSubjectHeader);
    for (auto it = headers.first; it != headers.second; ++it) {
        if (subject) {
            // Two subjects for one request: which one the component would process is
            // not ours to guess.
            decision.outcome = "bad_request";
            decision.answer = jsonAnswer(http::status::bad_request,
                                         {{"error", std::string(kSubjectHeader)
                                                        + " is sent more than once: send the data subject's home "
                                                          "jurisdiction once"}});
            return decision;
        }
        subject = it->value();
    }

    const auto verdict = ResidencyEvaluator::request(residency->rules, dataClasses, residency->jurisdiction, subject,
                                                     residency->defaultSubject);
    using Outcome = ResidencyEvaluator::Request::Outcome;
    switch (verdict.outcome) {
    case Outcome::Allow:
        decision.outcome = "allowed";
        return decision;
    case Outcome::AllowAudited:
        decision.outcome = "audited";
        decision.rule = verdict.rule ? verdict.rule->name : std::string();
        return decision;
    case Outcome::BadRequest:
        decision.outcome = "bad_request";
        decision.answer = jsonAnswer(http::status::bad_request, {{"error", printable(verdict.message)}});
        return decision;
    case Outcome::Refuse:
        break;
    }
    decision.outcome = "refused";
    decision.rule = verdict.rule ? verdict.rule->name : std::string();
    auto regions = alternatives(*residency, component, dataClasses, verdict.subject, m_selfEndpoint);
    boost::json::object body{
        {"error", "component " + component + " may not process this request here: " + verdict.message
                      + whereInstead(regions)},
        {"rule", decision.rule},
        {"data_class", verdict.dataClass},
        {"node_jurisdiction", residency->jurisdiction},
    };
    if (verdict.subject.empty())
        body["subject_jurisdiction"] = nullptr; // a placement rule: any subject
    else
        body["subject_jurisdiction"] = verdict.subject;
    body["alternatives"] = std::move(regions);
    // 451 Unavailable For Legal Reasons (RFC 7725): the request is fine, this place is not.
    decision.answer = jsonAnswer(http::status::unavailable_for_legal_reasons, body);
    return decision;
}

} // namespace keel::agent
