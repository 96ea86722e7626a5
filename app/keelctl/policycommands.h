#pragma once

#include "keelclient.h"

#include <QCommandLineParser>

#include <functional>
#include <optional>

namespace Keel {

struct CtlInvocation;

// keelctl's residency commands (docs/residency.md): policy apply -f FILE (operator),
// policy get [-o json], policy history, policy violations, policy check -f FILE (what a
// new policy would do) and policy check NAME@VERSION --to SELECTOR (where a version may
// go). Each ends in exactly one call of `succeed` (stdout text) or `fail`.
class PolicyCommands final
{
public:
    using Succeed = std::function<void(const QString &output)>;
    using Fail = std::function<void(const QString &message)>;

    // Checks the policy verbs' arguments into the invocation.
    static std::optional<QString> read(const QCommandLineParser &parser, CtlInvocation &invocation);
    static QString usage();

    PolicyCommands(KeelClient &client, const CtlInvocation &invocation, Succeed succeed, Fail fail);

    void apply();
    void get();
    void history();
    void violations();
    void check();

    static QJsonObject toJson(const ResidencyPolicy &policy);
    static QJsonObject toJson(const ResidencyViolation &violation);
    static QJsonObject toJson(const PolicyImpact &impact);
    static QString violationsTable(const QList<ResidencyViolation> &violations);
    static QString impactText(const PolicyImpact &impact, bool applied);

private:
    // The file, parsed and checked here first: a mistake gets its line before any network.
    std::optional<ResidencyPolicy> load();
    void checkPlacement();

    KeelClient &m_client;
    const CtlInvocation &m_invocation;
    Succeed m_succeed;
    Fail m_fail;
};

} // namespace Keel
