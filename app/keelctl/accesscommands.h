#pragma once

#include "keelclient.h"

#include <functional>

namespace Keel {

struct CtlInvocation;

// keelctl's token and audit commands: token create|list|revoke (admin), audit list
// (operator). Each ends in exactly one call of `succeed` (stdout text) or `fail`.
class AccessCommands final
{
public:
    using Succeed = std::function<void(const QString &output)>;
    using Fail = std::function<void(const QString &message)>;

    AccessCommands(KeelClient &client, const CtlInvocation &invocation, Succeed succeed, Fail fail);

    void createToken();
    void listTokens();
    void revokeToken();
    void listAudit();

private:
    void fetchAudit(quint64 afterSequence, QList<AuditRecord> collected);

    KeelClient &m_client;
    const CtlInvocation &m_invocation;
    Succeed m_succeed;
    Fail m_fail;
};

} // namespace Keel
