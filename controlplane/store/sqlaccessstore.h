#pragma once

#include "accessstore.h"

namespace Keel {

class SqlConnection;

// AccessStore over the control plane's SQL connection (owned by SqlStore).
class SqlAccessStore final : public AccessStore
{
public:
    explicit SqlAccessStore(SqlConnection &sql);

    void addOperatorToken(const OperatorTokenRecord &record) override;
    std::optional<OperatorTokenRecord> operatorToken(const QByteArray &tokenHash) override;
    QList<OperatorTokenRecord> operatorTokens() override;
    int operatorTokenCount() override;
    Revoke revokeOperatorToken(const QString &id, const QDateTime &now) override;

    void appendAudit(const AuditRecord &record) override;
    quint64 lastAuditSequence() override;
    QList<AuditRecord> audit(const QDateTime &since, quint64 afterSequence, int limit) override;
    int pruneAudit(const QDateTime &before) override;

private:
    SqlConnection &m_sql;
};

} // namespace Keel
