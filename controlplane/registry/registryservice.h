#pragma once

#include "operatormessages.h"
#include "registrystore.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <variant>

namespace Keel {

class AotBuildQueue;
class BlobStore;

struct RegistryOptions
{
    static constexpr qint64 kDefaultMaxModuleBytes = 32 * 1024 * 1024;
    qint64 maxModuleBytes = kDefaultMaxModuleBytes;
};

// The component registry: validates and stores pushed versions (content-addressed
// blobs, immutable name@version), signs them, and has their AOT objects built and signed
// in the background. Runs on the event loop's thread; throws StoreError from the store.
class RegistryService final : public QObject
{
    Q_OBJECT

public:
    using Sign = std::function<QByteArray(const QByteArray &message)>;

    RegistryService(RegistryStore &store, BlobStore &blobs, AotBuildQueue &builds, Sign sign,
                    RegistryOptions options = {}, QObject *parent = nullptr);

    std::variant<PushedComponent, WireError> push(const Manifest &manifest, const QByteArray &module,
                                                  const QString &principal);
    std::variant<QList<ComponentVersion>, WireError> list(const QString &name);
    // From memory after the first read (versions are immutable; their AOT state changes
    // only through this service, which forgets what it changes).
    std::optional<ComponentRecord> find(const QString &name, const QString &version);
    // Queues the builds a previous run left pending or unfinished.
    void resumeBuilds();

signals:
    void aotBuildFinished(const Keel::AotBuildFinished &event);

private:
    void onBuildStarted(const QString &component, const QString &version);
    void onBuildFinished(const QString &component, const QString &version, const QString &moduleDigest,
                         const QString &objectPath, const QString &error, bool unsupported);

    RegistryStore &m_store;
    BlobStore &m_blobs;
    AotBuildQueue &m_builds;
    Sign m_sign;
    RegistryOptions m_options;
    QHash<QString, ComponentRecord> m_found; // "name@version" -> record, as find() read it
    void forget(const QString &name, const QString &version) { m_found.remove(name + u'@' + version); }
};

} // namespace Keel
