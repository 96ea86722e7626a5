#include "residencypolicy.h"

#include <algorithm>

namespace keel::residency {

bool Rule::isPlacementRule() const
{
    return std::find(subjects.cbegin(), subjects.cend(), "*") != subjects.cend();
}

bool Policy::sameRules(const Policy &other) const
{
    return name == other.name && rules == other.rules && defaultSubject == other.defaultSubject;
}

std::string_view modeName(Mode mode)
{
    return mode == Mode::Audit ? "audit" : "enforce";
}

} // namespace keel::residency
