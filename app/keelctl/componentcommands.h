#pragma once

#include "keelclient.h"

#include <functional>

namespace Keel {

struct CtlInvocation;

// keelctl's component commands: push (operator) from a .wasm and flags or from a
// component manifest file (the same file keel-agent --components reads), list and show;
// and the deployment rules that place them (deploy, undeploy, deployments).
// Each ends in exactly one call of `succeed` (stdout text) or `fail`.
class ComponentCommands final
{
public:
    using Succeed = std::function<void(const QString &output)>;
    using Fail = std::function<void(const QString &message)>;

    ComponentCommands(KeelClient &client, const CtlInvocation &invocation, Succeed succeed, Fail fail);

    // Reads and checks everything local (files, manifest) before any network.
    void push();
    void list();
    void show();
    void listDeployments();
    // deploy NAME@VERSION --to SELECTOR [--skip-disallowed], undeploy NAME --from SELECTOR.
    void deploy();
    void undeploy();

private:
    KeelClient &m_client;
    const CtlInvocation &m_invocation;
    Succeed m_succeed;
    Fail m_fail;
};

} // namespace Keel
