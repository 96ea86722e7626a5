#pragma once

#include "residencypolicy.h"

#include <string>
#include <vector>

namespace keel::residency {

// What is wrong with a policy, pointing at the field: `rule` is the rule's index (-1 for
// the policy's own fields), `field` its key ("allowed"), `item` the index in a list (-1:
// the field as a whole). PolicyFile maps these to lines.
struct PolicyProblem
{
    int rule = -1;
    std::string field;
    int item = -1;
    std::string message;

    // "rules[2].allowed[0]: ..." for the wire and logs.
    std::string path() const;
};

// Every check a policy must pass before it is stored, the same on the control plane
// (which trusts no client) and in keelctl and the console (which check as you type).
class PolicyValidator final
{
public:
    static constexpr std::size_t kMaxRules = 1000;

    static std::vector<PolicyProblem> validate(const Policy &policy);
    // Names of rules and policies: [a-z0-9][a-z0-9._-]{0,62}.
    static bool isName(std::string_view text);
};

} // namespace keel::residency
