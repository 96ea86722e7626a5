#pragma once

#include "control/controlmessages.h"
#include "httpserver.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::agent {

// The per-request half of residency (docs/residency.md). Before a component runs, the
// data subject of the request (X-Keel-Subject-Jurisdiction, else the policy's default
// subject) is checked against the rules its set is served under, through the same
// ResidencyEvaluator as the control plane. A request the rules refuse is answered here,
// so the guest never sees it: 451 naming the rule and the regions where the component
// runs that may take it, or 400 when the subject is missing or not a jurisdiction code.
// Nothing from the request is logged or labelled: the outcome and the rule name are
// the only things that leave this class besides the answer to the client itself.
class ResidencyGuard final
{
public:
    static constexpr std::string_view kSubjectHeader = "X-Keel-Subject-Jurisdiction";

    struct Decision
    {
        // Set: send this instead of running the component.
        std::optional<HttpResponse> answer;
        // keel_agent_residency_requests_total's outcome: "allowed", "audited", "refused",
        // "bad_request"; empty when no rule concerns the component (nothing to count).
        std::string_view outcome;
        std::string rule; // the rule that refused or flagged the request, else empty
    };

    // selfEndpoint: the base URL this agent advertises (--advertise-http), never offered
    // to a client as somewhere else to go.
    explicit ResidencyGuard(std::string selfEndpoint = {});
    void setSelfEndpoint(std::string endpoint) { m_selfEndpoint = std::move(endpoint); }

    // residency: the rules of the set the component is served in; null: none.
    Decision check(const NodeResidency *residency, const std::string &component,
                   const std::vector<std::string> &dataClasses, const HttpRequest &request) const;

private:
    std::string m_selfEndpoint;
};

} // namespace keel::agent
