#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace keel::residency {

// keel.v1 ResidencyMode.
enum class Mode { Enforce, Audit };

// Data of class `dataClass` about subjects whose home jurisdiction is one of `subjects`
// may be processed only in the `allowed` jurisdictions. subjects == {"*"} makes it a
// placement rule: the class may not be placed on a node outside `allowed` at all.
struct Rule
{
    std::string name;
    std::string dataClass;
    std::vector<std::string> subjects;
    std::vector<std::string> allowed;
    Mode mode = Mode::Enforce;

    bool isPlacementRule() const;
    bool operator==(const Rule &) const = default;
};

// The fleet's residency policy (keel.v1 ResidencyPolicy): plain data with no Qt or agent
// types, so the control plane, the clients and the agent share it.
struct Policy
{
    std::string name;
    std::vector<Rule> rules;
    std::string defaultSubject; // empty: a request without the subject header is refused (400)
    std::uint64_t version = 0;  // set by the control plane; 0: none applied yet
    std::int64_t appliedUnixMs = 0;
    std::string appliedBy;

    // The rules alone (name, rules and default subject), without the version stamp.
    bool sameRules(const Policy &other) const;
};

// The manifest spellings "enforce" and "audit".
std::string_view modeName(Mode mode);

} // namespace keel::residency
