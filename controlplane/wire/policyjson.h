#pragma once

#include "residencytypes.h"

#include <QJsonArray>

#include <optional>

namespace Keel {

// Residency rules as JSON, the same keys as the policy file (name, data_class, subjects,
// allowed, mode): the store's policy documents and keelctl's -o json both write them.
class PolicyJson final
{
public:
    static QJsonArray toJson(const std::vector<ResidencyRule> &rules);
    // Fails (naming the rule) on a mode that is neither enforce nor audit.
    static std::optional<std::vector<ResidencyRule>> rulesFromJson(const QJsonArray &rules, QString *error);
};

} // namespace Keel
