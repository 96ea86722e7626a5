#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace keel::residency {

// The jurisdiction codes a region, a rule or a request may name: ISO 3166-1 alpha-2
// country codes ("DE", "US", "IN") and the blocs "EU" and "EEA". Codes are upper case;
// nothing else is known.
class Jurisdictions final
{
public:
    static bool isKnown(std::string_view code);
    static bool isBloc(std::string_view code);
    // "Germany", "European Union"; empty for an unknown code.
    static std::string_view name(std::string_view code);
    // Whether `code` (in a rule's `allowed` or `subjects`) takes in `jurisdiction`: the
    // same code, or a bloc and one of its members ("EU" covers "DE"; "EEA" covers "EU"
    // and "NO"). A country never covers a bloc: a node in "EU" may be in any member.
    static bool covers(std::string_view code, std::string_view jurisdiction);
    static bool coversAny(const std::vector<std::string> &codes, std::string_view jurisdiction);
    // Every known code, the blocs first.
    static std::vector<std::string> all();
};

} // namespace keel::residency
