#pragma once

#include "registrytypes.h"

#include <optional>

namespace Keel {

// One pushed component version as the control plane keeps it: what operators see, plus
// the signatures agents check.
struct ComponentRecord
{
    ComponentVersion version;
    QByteArray moduleSignature; // ed25519 over ArtifactSigner's module message
    QByteArray aotSignature;    // empty until the AOT object is built
};

// The component registry's rows (the bytes live in a BlobStore). Part of Store
// (Store::registry()); portable SQL only.
class RegistryStore
{
public:
    virtual ~RegistryStore() = default;

    enum class Insert { Created, SameBytes, OtherBytes };
    // In one transaction: a new name@version is stored; the same bytes again change
    // nothing; other bytes under an existing name@version are refused (immutability).
    virtual Insert insertVersion(const ComponentRecord &record) = 0;
    virtual std::optional<ComponentRecord> version(const QString &name, const QString &version) = 0;
    // Ordered by name, then push time. An empty name lists every component.
    virtual QList<ComponentRecord> versions(const QString &name) = 0;
    virtual QList<ComponentRecord> versionsWithAotState(AotState state) = 0;
    virtual void setAotResult(const QString &name, const QString &version, AotState state, const QString &aotDigest,
                              quint64 aotSize, const QString &target, const QString &error,
                              const QByteArray &signature) = 0;
};

} // namespace Keel
