#pragma once

#include "registrystore.h"

namespace Keel {

class SqlConnection;

// RegistryStore over the control plane's SQL connection (owned by SqlStore).
class SqlRegistryStore final : public RegistryStore
{
public:
    explicit SqlRegistryStore(SqlConnection &sql);

    Insert insertVersion(const ComponentRecord &record) override;
    std::optional<ComponentRecord> version(const QString &name, const QString &version) override;
    QList<ComponentRecord> versions(const QString &name) override;
    QList<ComponentRecord> versionsWithAotState(AotState state) override;
    void setAotResult(const QString &name, const QString &version, AotState state, const QString &aotDigest,
                      quint64 aotSize, const QString &target, const QString &error, const QByteArray &signature) override;

private:
    SqlConnection &m_sql;
};

} // namespace Keel
