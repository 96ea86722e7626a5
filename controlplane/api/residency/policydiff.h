#pragma once

#include "residencypolicy.h"

#include <string>

namespace keel::residency {

// What changed between two versions of the policy, in words, for the audit log, the
// history and the console's preview: "added eu-pii (pii of EU subjects only in EU,
// enforce); us-health: allowed US -> US, CA; removed old; default subject none -> EU".
class PolicyDiff final
{
public:
    static std::string describe(const Policy &before, const Policy &after);
    // "pii of EU subjects only in EU, enforce"
    static std::string summary(const Rule &rule);
};

} // namespace keel::residency
