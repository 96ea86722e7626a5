#include "topologyfile.h"

#include "fleetvalidation.h"

#include <QFile>
#include <QSet>

#include <yaml-cpp/yaml.h>

#include <cmath>

namespace Keel {

namespace {

// Thrown inside the parser only; carries the 1-based line the problem is on.
struct FileError
{
    int line;
    QString message;
};

int lineOf(const YAML::Node &node)
{
    return node.Mark().line + 1;
}

[[noreturn]] void failAt(const YAML::Node &node, const QString &message)
{
    throw FileError{lineOf(node), message};
}

void refuseUnknownKeys(const YAML::Node &map, const QSet<QString> &known, const QString &where)
{
    for (const auto &entry : map) {
        const QString key = QString::fromStdString(entry.first.as<std::string>());
        if (!known.contains(key)) {
            QStringList allowed(known.cbegin(), known.cend());
            allowed.sort();
            failAt(entry.first, QStringLiteral("unknown field \"%1\" in %2 (allowed: %3)").arg(key, where, allowed.join(QStringLiteral(", "))));
        }
    }
}

QString scalar(const YAML::Node &map, const char *key, const QString &where)
{
    const YAML::Node value = map[key];
    if (!value)
        failAt(map, QStringLiteral("%1 has no \"%2\"").arg(where, QLatin1String(key)));
    if (!value.IsScalar())
        failAt(value, QStringLiteral("\"%1\" of %2 must be a single value").arg(QLatin1String(key), where));
    return QString::fromStdString(value.Scalar());
}

double coordinate(const YAML::Node &map, const char *key, const QString &where, double limit)
{
    const QString text = scalar(map, key, where);
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value))
        failAt(map[key], QStringLiteral("\"%1\" of %2 is \"%3\", not a number").arg(QLatin1String(key), where, text));
    if (value < -limit || value > limit)
        failAt(map[key], QStringLiteral("\"%1\" of %2 is %3, outside -%4..%4").arg(QLatin1String(key), where, text).arg(limit));
    return value;
}

Region parseRegion(const YAML::Node &node, int index)
{
    QString where = QStringLiteral("regions[%1]").arg(index);
    if (!node.IsMap())
        failAt(node, QStringLiteral("%1 must be a mapping with name, jurisdiction, latitude, longitude and sites").arg(where));
    refuseUnknownKeys(node, {QStringLiteral("name"), QStringLiteral("jurisdiction"), QStringLiteral("latitude"),
                             QStringLiteral("longitude"), QStringLiteral("sites")}, where);
    Region region;
    region.name = scalar(node, "name", where);
    if (auto error = FleetValidation::checkName(QStringLiteral("region name"), region.name))
        failAt(node["name"], *error);
    where = QStringLiteral("region %1").arg(region.name);
    region.jurisdiction = scalar(node, "jurisdiction", where);
    if (auto error = FleetValidation::checkJurisdiction(region.jurisdiction))
        failAt(node["jurisdiction"], *error);
    region.latitude = coordinate(node, "latitude", where, 90);
    region.longitude = coordinate(node, "longitude", where, 180);
    if (const YAML::Node sites = node["sites"]) {
        if (!sites.IsSequence())
            failAt(sites, QStringLiteral("\"sites\" of %1 must be a list of names").arg(where));
        for (const YAML::Node &site : sites) {
            if (!site.IsScalar())
                failAt(site, QStringLiteral("a site of %1 must be a name").arg(where));
            const QString name = QString::fromStdString(site.Scalar());
            if (auto error = FleetValidation::checkName(QStringLiteral("site"), name))
                failAt(site, *error);
            if (region.sites.contains(name))
                failAt(site, QStringLiteral("site %1 appears twice in %2").arg(name, where));
            region.sites.append(name);
        }
    }
    return region;
}

} // namespace

std::variant<QList<Region>, QString> TopologyFile::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("%1: cannot read the topology file: %2").arg(path, file.errorString());
    constexpr qint64 kMaxBytes = 4 * 1024 * 1024;
    if (file.size() > kMaxBytes)
        return QStringLiteral("%1: %2 bytes is larger than a topology file may be (%3)").arg(path).arg(file.size()).arg(kMaxBytes);
    return parse(file.readAll(), path);
}

std::variant<QList<Region>, QString> TopologyFile::parse(const QByteArray &text, const QString &sourceName)
{
    try {
        const YAML::Node root = YAML::Load(text.toStdString());
        if (!root.IsMap())
            throw FileError{lineOf(root), QStringLiteral("the file must be a mapping with a \"regions\" list")};
        refuseUnknownKeys(root, {QStringLiteral("regions")}, QStringLiteral("the top level"));
        const YAML::Node regions = root["regions"];
        if (!regions || !regions.IsSequence() || regions.size() == 0)
            throw FileError{regions ? lineOf(regions) : lineOf(root), QStringLiteral("\"regions\" must be a non-empty list")};
        QList<Region> result;
        QSet<QString> names;
        int index = 0;
        for (const YAML::Node &node : regions) {
            Region region = parseRegion(node, index++);
            if (names.contains(region.name))
                failAt(node, QStringLiteral("region %1 appears twice").arg(region.name));
            names.insert(region.name);
            result.append(std::move(region));
        }
        return result;
    } catch (const FileError &error) {
        return QStringLiteral("%1:%2: %3").arg(sourceName).arg(error.line).arg(error.message);
    } catch (const YAML::Exception &error) {
        return QStringLiteral("%1:%2: %3").arg(sourceName).arg(error.mark.line + 1).arg(QString::fromStdString(error.msg));
    }
}

} // namespace Keel
