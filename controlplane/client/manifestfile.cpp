#include "manifestfile.h"

#include "manifestloader.h"

namespace Keel {

namespace {

QString fromStd(const std::string &s) { return QString::fromStdString(s); }

} // namespace

std::variant<ManifestFile::Loaded, QString> ManifestFile::load(const QString &path)
{
    namespace mf = keel::manifest;
    const auto loaded = mf::ManifestLoader::load(path.toStdString());
    if (!loaded.ok()) {
        QStringList errors;
        for (const auto &error : loaded.errors)
            errors.append(fromStd(error.message()));
        return errors.join(QStringLiteral("; "));
    }
    const mf::ComponentManifest &m = *loaded.manifest;
    Manifest manifest;
    manifest.name = fromStd(m.name);
    manifest.version = fromStd(m.version);
    manifest.abi = m.abi == mf::Abi::Wagi ? ComponentAbi::Wagi : ComponentAbi::Keel;
    for (const auto &dataClass : m.dataClasses)
        manifest.dataClasses.append(fromStd(dataClass));
    for (mf::Grant grant : m.grants)
        manifest.grants.append(fromStd(std::string(mf::grantName(grant))));
    manifest.limits = {m.limits.memoryMb, m.limits.deadlineMs, m.limits.maxResponseBytes, m.limits.maxTableElements,
                       m.limits.maxInstances};
    for (const auto &[key, value] : m.config)
        manifest.config.insert(fromStd(key), fromStd(value));
    manifest.healthPath = fromStd(m.healthPath);
    // `aot` and `tier` are an agent's local business: the registry builds its own object.
    return Loaded{manifest, QString::fromStdString(m.module.string())};
}

} // namespace Keel
