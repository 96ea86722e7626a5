#pragma once

#include "residencypolicy.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::residency {

// The two places a policy is enforced, as pure functions over rules: placement (may a
// component with these data classes run on a node in this jurisdiction?) and per request
// (may this node process data of a subject from that jurisdiction?). The control plane,
// the clients and the agent all decide through these.
class ResidencyEvaluator final
{
public:
    struct Placement
    {
        // False: an enforce-mode placement rule forbids it (`rule` names it).
        bool allowed = true;
        // The rule that forbids it, or, when allowed, an audit-mode rule that flags it;
        // null: no rule objects.
        const Rule *rule = nullptr;
        std::string dataClass;
        std::string reason; // "pii may be processed only in EU; the node is in US (rule eu-only)"
    };
    static Placement placement(const std::vector<Rule> &rules, const std::vector<std::string> &dataClasses,
                               std::string_view nodeJurisdiction);

    struct Request
    {
        enum class Outcome {
            Allow,
            AllowAudited, // an audit-mode rule would have refused it: counted, served
            Refuse,       // HTTP 451
            BadRequest,   // HTTP 400: no subject where one is needed, or an unknown code
        };
        Outcome outcome = Outcome::Allow;
        const Rule *rule = nullptr; // Refuse and AllowAudited
        std::string dataClass;
        std::string subject;        // the subject's jurisdiction as decided (header or default)
        std::string message;        // BadRequest and Refuse: in words
    };
    // `subjectHeader`: the X-Keel-Subject-Jurisdiction value; nullopt when absent.
    static Request request(const std::vector<Rule> &rules, const std::vector<std::string> &dataClasses,
                           std::string_view nodeJurisdiction, std::optional<std::string_view> subjectHeader,
                           std::string_view defaultSubject);

    // Whether a node in `jurisdiction` may process the subject's data of these classes
    // under the enforce-mode rules: where a refused request may go instead.
    static bool allows(const std::vector<Rule> &rules, const std::vector<std::string> &dataClasses,
                       std::string_view subject, std::string_view jurisdiction);

    // Whether a rule's subjects take in a subject jurisdiction: "*", the same code, or
    // codes that overlap (a rule about DE subjects covers a request naming EU, since an
    // EU subject may be German; a rule about EU subjects covers DE).
    static bool coversSubject(const Rule &rule, std::string_view subject);
    // The rules over any of these data classes.
    static std::vector<const Rule *> concerning(const std::vector<Rule> &rules, const std::vector<std::string> &dataClasses);
    // Whether any rule over these classes names subjects (so requests must name theirs).
    static bool needsSubject(const std::vector<Rule> &rules, const std::vector<std::string> &dataClasses);
};

} // namespace keel::residency
