#include "fleetvalidation.h"

#include "jurisdictions.h"

#include <QRegularExpression>

namespace Keel {

bool FleetValidation::isValidName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9][a-z0-9-]{0,62}$"));
    return re.match(name).hasMatch();
}

std::optional<QString> FleetValidation::checkName(const QString &what, const QString &name)
{
    if (isValidName(name))
        return std::nullopt;
    return QStringLiteral("%1 \"%2\" is not a valid name: use 1-63 lower-case letters, digits and '-', "
                          "starting with a letter or digit").arg(what, name);
}

std::optional<QString> FleetValidation::checkJurisdiction(const QString &code)
{
    // The codes residency rules name (keel_residency), so that every region's jurisdiction
    // is one a policy can allow or refuse.
    if (keel::residency::Jurisdictions::isKnown(code.toStdString()))
        return std::nullopt;
    return QStringLiteral("jurisdiction \"%1\" is not a known code: use an ISO 3166-1 alpha-2 code in upper case "
                          "(DE, US, IN) or EU or EEA").arg(code.left(32));
}

std::optional<QString> FleetValidation::checkRegion(const Region &region)
{
    if (auto error = checkName(QStringLiteral("region"), region.name))
        return error;
    if (auto error = checkJurisdiction(region.jurisdiction))
        return QStringLiteral("region %1: %2").arg(region.name, *error);
    if (!(region.latitude >= -90 && region.latitude <= 90))
        return QStringLiteral("region %1: latitude %2 is outside -90..90").arg(region.name).arg(region.latitude);
    if (!(region.longitude >= -180 && region.longitude <= 180))
        return QStringLiteral("region %1: longitude %2 is outside -180..180").arg(region.name).arg(region.longitude);
    for (const QString &site : region.sites) {
        if (auto error = checkName(QStringLiteral("site"), site))
            return QStringLiteral("region %1: %2").arg(region.name, *error);
    }
    return std::nullopt;
}

std::optional<QString> FleetValidation::checkLabels(const Labels &labels)
{
    static const QRegularExpression key(QStringLiteral("^[a-z0-9]([a-z0-9./_-]{0,61}[a-z0-9])?$"));
    static const QRegularExpression value(QStringLiteral("^[A-Za-z0-9._-]{0,63}$"));
    if (labels.size() > 64)
        return QStringLiteral("%1 labels are too many: at most 64").arg(labels.size());
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        if (!key.match(it.key()).hasMatch())
            return QStringLiteral("label key \"%1\" is not valid: use lower-case letters, digits, '.', '/', '_', '-'").arg(it.key());
        if (!value.match(it.value()).hasMatch())
            return QStringLiteral("label %1 has an invalid value \"%2\": use up to 63 letters, digits, '.', '_', '-'").arg(it.key(), it.value());
    }
    return std::nullopt;
}

} // namespace Keel
