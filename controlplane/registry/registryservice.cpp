#include "registryservice.h"

#include "aotbuildqueue.h"
#include "blobstore.h"
#include "manifestrules.h"
#include "modulevalidator.h"
#include "storeerror.h"
#include "aotsupport.h"

#include "keel/v1/artifactsignature.h"

#include <QFileInfo>
#include <QLoggingCategory>

namespace Keel {

Q_LOGGING_CATEGORY(lcRegistry, "keel.registry")

namespace {

QByteArray toBytes(const std::string &s)
{
    return QByteArray(s.data(), qsizetype(s.size()));
}

// Why the AOT tier cannot take this module, or an empty string when it can.
QString aotGap(const QByteArray &module)
{
    const auto gap = keel::aot::AotSupport::check(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t *>(module.constData()), size_t(module.size())));
    return gap ? QString::fromStdString(gap->describe()) + QStringLiteral("; it runs on the interpreter") : QString();
}

// The manifest's values against the same rules a manifest file on an agent follows.
std::optional<WireError> checkManifest(const Manifest &m)
{
    namespace mf = keel::manifest;
    mf::ComponentManifest typed;
    typed.name = m.name.toStdString();
    typed.version = m.version.toStdString();
    typed.abi = m.abi == ComponentAbi::Wagi ? mf::Abi::Wagi : mf::Abi::Keel;
    for (const QString &dataClass : m.dataClasses)
        typed.dataClasses.push_back(dataClass.toStdString());
    for (const QString &grant : m.grants) {
        const auto g = mf::grantFromString(grant.toStdString());
        if (!g) {
            return WireError{ErrorCode::BadRequest,
                             QStringLiteral("unknown grant \"%1\" (known: log, kv, clock, config)").arg(grant.left(64)),
                             QStringLiteral("manifest.grants")};
        }
        typed.grants.push_back(*g);
    }
    for (auto it = m.config.cbegin(); it != m.config.cend(); ++it)
        typed.config.emplace(it.key().toStdString(), it.value().toStdString());
    typed.healthPath = m.healthPath.toStdString();
    // Zero means "the agent's default" on the wire.
    if (m.limits.memoryMb)
        typed.limits.memoryMb = m.limits.memoryMb;
    if (m.limits.deadlineMs)
        typed.limits.deadlineMs = m.limits.deadlineMs;
    if (m.limits.maxResponseBytes)
        typed.limits.maxResponseBytes = m.limits.maxResponseBytes;
    if (m.limits.maxTableElements)
        typed.limits.maxTableElements = m.limits.maxTableElements;
    if (m.limits.maxInstances)
        typed.limits.maxInstances = m.limits.maxInstances;
    const auto problems = mf::ManifestRules::check(typed);
    if (problems.empty())
        return std::nullopt;
    QStringList reasons;
    for (const auto &problem : problems)
        reasons.append(QString::fromStdString(problem.field + ": " + problem.reason));
    return WireError{ErrorCode::BadRequest, QStringLiteral("manifest refused: ") + reasons.join(QStringLiteral("; ")),
                     QStringLiteral("manifest.") + QString::fromStdString(problems.front().field)};
}

} // namespace

RegistryService::RegistryService(RegistryStore &store, BlobStore &blobs, AotBuildQueue &builds, Sign sign,
                                 RegistryOptions options, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_blobs(blobs)
    , m_builds(builds)
    , m_sign(std::move(sign))
    , m_options(options)
{
    connect(&m_builds, &AotBuildQueue::started, this, &RegistryService::onBuildStarted);
    connect(&m_builds, &AotBuildQueue::finished, this, &RegistryService::onBuildFinished);
}

std::variant<PushedComponent, WireError> RegistryService::push(const Manifest &manifest, const QByteArray &module,
                                                               const QString &principal)
{
    if (auto error = checkManifest(manifest))
        return *error;
    if (module.size() > m_options.maxModuleBytes) {
        return WireError{ErrorCode::BadRequest,
                         QStringLiteral("module of %1 bytes is over the registry's limit of %2 bytes").arg(module.size()).arg(m_options.maxModuleBytes),
                         QStringLiteral("module")};
    }
    if (auto invalid = ModuleValidator::check(module))
        return WireError{ErrorCode::BadRequest, *invalid, QStringLiteral("module")};

    const QString digest = BlobStore::digestOf(module);
    const QString id = manifest.name + u'@' + manifest.version;
    if (const auto existing = m_store.version(manifest.name, manifest.version)) {
        if (existing->version.moduleDigest != digest) {
            return WireError{ErrorCode::AlreadyExists,
                             QStringLiteral("%1 already holds other bytes (%2); versions are immutable: push under a new version")
                                 .arg(id, existing->version.moduleDigest),
                             QStringLiteral("manifest.version")};
        }
        return PushedComponent{existing->version, false};
    }

    QString error;
    if (m_blobs.put(module, &error).isEmpty()) {
        qCCritical(lcRegistry, "%s", qPrintable(error));
        return WireError{ErrorCode::Internal, QStringLiteral("the registry cannot store the module; see the control plane's log"), {}};
    }
    ComponentRecord record;
    record.version.manifest = manifest;
    record.version.moduleDigest = digest;
    record.version.moduleSize = quint64(module.size());
    // A module the C writer would choke on never reaches it: the version is kept and
    // served by the interpreter, and says why.
    const QString gap = aotGap(module);
    record.version.aotState = gap.isEmpty() ? AotState::Pending : AotState::Unsupported;
    record.version.aotError = gap;
    record.version.aotTarget = m_builds.target();
    record.version.pushed = QDateTime::currentDateTimeUtc();
    record.version.pushedBy = principal;
    record.moduleSignature = m_sign(toBytes(keel::v1::moduleSignatureMessage(digest.toStdString())));
    switch (m_store.insertVersion(record)) {
    case RegistryStore::Insert::Created:
        break;
    case RegistryStore::Insert::SameBytes: // a concurrent push of the same bytes won
        return PushedComponent{m_store.version(manifest.name, manifest.version)->version, false};
    case RegistryStore::Insert::OtherBytes:
        return WireError{ErrorCode::AlreadyExists, QStringLiteral("%1 was just pushed with other bytes; push under a new version").arg(id),
                         QStringLiteral("manifest.version")};
    }
    qCInfo(lcRegistry, "%s pushed by %s: %s, %lld bytes", qPrintable(id), qPrintable(principal), qPrintable(digest),
           qint64(module.size()));
    if (!gap.isEmpty())
        qCInfo(lcRegistry, "%s: AOT unsupported: %s", qPrintable(id), qPrintable(gap));
    else
        m_builds.enqueue({manifest.name, manifest.version, digest, module});
    return PushedComponent{record.version, true};
}

std::variant<QList<ComponentVersion>, WireError> RegistryService::list(const QString &name)
{
    QList<ComponentVersion> versions;
    for (const ComponentRecord &record : m_store.versions(name))
        versions.append(record.version);
    if (!name.isEmpty() && versions.isEmpty()) {
        return WireError{ErrorCode::NotFound, QStringLiteral("no component named \"%1\": see keelctl component list").arg(name.left(64)),
                         QStringLiteral("name")};
    }
    return versions;
}

std::optional<ComponentRecord> RegistryService::find(const QString &name, const QString &version)
{
    const QString key = name + u'@' + version;
    if (const auto found = m_found.constFind(key); found != m_found.cend())
        return *found;
    auto record = m_store.version(name, version);
    if (record)
        m_found.insert(key, *record);
    return record;
}

void RegistryService::resumeBuilds()
{
    for (AotState state : {AotState::Building, AotState::Pending}) {
        for (const ComponentRecord &record : m_store.versionsWithAotState(state)) {
            const ComponentVersion &v = record.version;
            const auto module = m_blobs.read(v.moduleDigest);
            if (!module) {
                forget(v.manifest.name, v.manifest.version);
                m_store.setAotResult(v.manifest.name, v.manifest.version, AotState::Failed, {}, 0, m_builds.target(),
                                     QStringLiteral("the module blob %1 is missing or corrupt").arg(v.moduleDigest), {});
                continue;
            }
            // Pushed before the registry knew what the AOT tier cannot translate.
            if (const QString gap = aotGap(*module); !gap.isEmpty()) {
                forget(v.manifest.name, v.manifest.version);
                m_store.setAotResult(v.manifest.name, v.manifest.version, AotState::Unsupported, {}, 0, m_builds.target(), gap, {});
                continue;
            }
            m_builds.enqueue({v.manifest.name, v.manifest.version, v.moduleDigest, *module});
        }
    }
}

void RegistryService::onBuildStarted(const QString &component, const QString &version)
{
    try {
        forget(component, version);
        m_store.setAotResult(component, version, AotState::Building, {}, 0, m_builds.target(), {}, {});
    } catch (const StoreError &error) {
        qCWarning(lcRegistry, "cannot record the AOT build of %s@%s as started: %s", qPrintable(component), qPrintable(version),
                  error.what());
    }
}

void RegistryService::onBuildFinished(const QString &component, const QString &version, const QString &moduleDigest,
                                      const QString &objectPath, const QString &error, bool unsupported)
{
    const QString target = m_builds.target();
    AotBuildFinished event{component, version, target, {}, error};
    quint64 size = 0;
    QByteArray signature;
    if (error.isEmpty()) {
        QString why;
        event.aotDigest = m_blobs.adopt(objectPath, &why);
        if (event.aotDigest.isEmpty())
            event.error = QStringLiteral("cannot store the object: ") + why;
        else
            size = quint64(QFileInfo(m_blobs.pathOf(event.aotDigest)).size());
    }
    if (event.error.isEmpty()) {
        signature = m_sign(toBytes(keel::v1::aotSignatureMessage(event.aotDigest.toStdString(), moduleDigest.toStdString(),
                                                                 target.toStdString())));
    }
    try {
        const AotState state = event.error.isEmpty() ? AotState::Ready : unsupported ? AotState::Unsupported : AotState::Failed;
        forget(component, version);
        m_store.setAotResult(component, version, state, event.aotDigest,
                             size, target, event.error, signature);
    } catch (const StoreError &e) {
        qCCritical(lcRegistry, "cannot record the AOT build of %s@%s: %s", qPrintable(component), qPrintable(version), e.what());
        return;
    }
    if (event.error.isEmpty())
        qCInfo(lcRegistry, "AOT object for %s@%s (%s): %s", qPrintable(component), qPrintable(version), qPrintable(target),
               qPrintable(event.aotDigest));
    else
        qCWarning(lcRegistry, "AOT build of %s@%s failed: %s", qPrintable(component), qPrintable(version), qPrintable(event.error));
    emit aotBuildFinished(event);
}

} // namespace Keel
