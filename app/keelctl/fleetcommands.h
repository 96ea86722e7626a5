#pragma once

#include "keelclient.h"

#include <functional>

namespace Keel {

struct CtlInvocation;

// keelctl's fleet commands: nodes list/show/label, regions list, topology apply and
// join-token create. Each ends in exactly one call of `succeed` (stdout text) or `fail`.
class FleetCommands final
{
public:
    using Succeed = std::function<void(const QString &output)>;
    using Fail = std::function<void(const QString &message)>;

    FleetCommands(KeelClient &client, const CtlInvocation &invocation, Succeed succeed, Fail fail);

    void listNodes();
    void showNode();
    void labelNode();
    void listRegions();
    // The file is checked here first, so a mistake gets its line number before any network.
    void applyTopology();
    void createJoinToken();

private:
    KeelClient &m_client;
    const CtlInvocation &m_invocation;
    Succeed m_succeed;
    Fail m_fail;
};

} // namespace Keel
