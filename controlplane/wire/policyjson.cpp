#include "policyjson.h"

#include <QJsonObject>

namespace Keel {

namespace {

QJsonArray codes(const std::vector<std::string> &list)
{
    QJsonArray out;
    for (const auto &code : list)
        out.append(QString::fromStdString(code));
    return out;
}

std::vector<std::string> codes(const QJsonValue &value)
{
    std::vector<std::string> out;
    for (const QJsonValue &v : value.toArray())
        out.push_back(v.toString().toStdString());
    return out;
}

} // namespace

QJsonArray PolicyJson::toJson(const std::vector<ResidencyRule> &rules)
{
    QJsonArray out;
    for (const ResidencyRule &rule : rules) {
        out.append(QJsonObject{{QStringLiteral("name"), QString::fromStdString(rule.name)},
                               {QStringLiteral("data_class"), QString::fromStdString(rule.dataClass)},
                               {QStringLiteral("subjects"), codes(rule.subjects)},
                               {QStringLiteral("allowed"), codes(rule.allowed)},
                               {QStringLiteral("mode"), QString::fromLatin1(keel::residency::modeName(rule.mode))}});
    }
    return out;
}

std::optional<std::vector<ResidencyRule>> PolicyJson::rulesFromJson(const QJsonArray &rules, QString *error)
{
    std::vector<ResidencyRule> out;
    for (const QJsonValue &v : rules) {
        const QJsonObject r = v.toObject();
        const QString mode = r.value(QStringLiteral("mode")).toString();
        if (mode != QLatin1String("enforce") && mode != QLatin1String("audit")) {
            *error = QStringLiteral("rule %1 with mode \"%2\"")
                         .arg(r.value(QStringLiteral("name")).toString().left(64), mode.left(32));
            return std::nullopt;
        }
        out.push_back({r.value(QStringLiteral("name")).toString().toStdString(),
                       r.value(QStringLiteral("data_class")).toString().toStdString(), codes(r.value(QStringLiteral("subjects"))),
                       codes(r.value(QStringLiteral("allowed"))),
                       mode == QLatin1String("audit") ? ResidencyMode::Audit : ResidencyMode::Enforce});
    }
    return out;
}

} // namespace Keel
