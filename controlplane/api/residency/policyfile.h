#pragma once

#include "residencypolicy.h"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace keel::residency {

// The policy file (docs/residency.md), YAML or JSON:
//
//   name: fleet            # optional
//   default_subject: EU    # optional
//   rules:
//     - name: eu-pii
//       data_class: pii
//       subjects: [EU]
//       allowed: [EU]
//       mode: enforce      # or audit; enforce when left out
//
// Parsing also runs PolicyValidator, so every problem comes back with its line.
class PolicyFile final
{
public:
    struct Problem
    {
        int line = 0; // 1-based; 0: the file as a whole
        std::string message;
    };
    using Result = std::variant<Policy, std::vector<Problem>>;

    // `file` names the source in messages ("policy.yaml:7: ...").
    static Result parse(std::string_view text, const std::string &file);
    // The file format again (YAML), as `keelctl policy get` prints it.
    static std::string toYaml(const Policy &policy);
    // "FILE:LINE: message", one per line.
    static std::string describe(const std::vector<Problem> &problems, const std::string &file);
};

} // namespace keel::residency
