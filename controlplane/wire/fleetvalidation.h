#pragma once

#include "fleettypes.h"

#include <optional>

namespace Keel {

// Rules for names and values that every side checks (keelctl before sending, the control
// plane again on receipt). A failure says which field, what value, and what is allowed.
class FleetValidation final
{
public:
    // [a-z0-9][a-z0-9-]{0,62}: DNS-label-like, safe in URLs, file names and metrics labels.
    static bool isValidName(const QString &name);
    static std::optional<QString> checkName(const QString &what, const QString &name);
    // Upper-case ISO 3166-1 alpha-2 or a bloc code of 2-3 letters ("EU", "US", "IN").
    static std::optional<QString> checkJurisdiction(const QString &code);
    static std::optional<QString> checkRegion(const Region &region);
    // key=value pairs; keys like names (dots and slashes allowed), values up to 63 chars.
    static std::optional<QString> checkLabels(const Labels &labels);
};

} // namespace Keel
