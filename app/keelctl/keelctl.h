#pragma once

#include "fleettypes.h"
#include "registrytypes.h"
#include "rollouttypes.h"

#include <QDateTime>
#include <QObject>
#include <QProcessEnvironment>
#include <QStringList>
#include <QUrl>

#include <memory>
#include <variant>

namespace Keel {

class AccessCommands;
class ComponentCommands;
class FleetCommands;
class PolicyCommands;
class RolloutCommands;
class KeelClient;

// One keelctl invocation: what to do, against which server, shown how.
struct CtlInvocation
{
    QStringList command;   // e.g. {"nodes", "list"}
    QUrl server;
    QString token;
    QString caFile;        // --ca / KEEL_CA: CA certificates for wss://
    bool json = false;
    QString file;          // topology apply -f
    QString region;        // join-token create --region, metrics --region
    QString node;          // metrics --node
    int uses = 1;
    int ttlSeconds = 0;    // join-token create, token create --ttl
    Role role = Role::Viewer; // token create --role
    QString name;          // token create --name
    QDateTime since;       // audit list --since (invalid: everything kept)
    Manifest manifest;     // component push with flags
    QString moduleFile;    // component push FILE.wasm
    QString manifestFile;  // component push --manifest FILE
    QString selector;      // deploy --to, undeploy --from, nodes list --selector
    QString site;          // join-token create --site
    Labels labels;         // join-token create --labels, nodes label NAME k=v...
    QStringList removeLabels; // nodes label --remove
    int timeoutSeconds = 15;
    RolloutSpec rollout;   // rollout start NAME@VERSION --to SELECTOR and its flags
    bool watch = false;    // rollout status --watch: no overall timeout
    bool skipDisallowed = false; // deploy, rollout start --skip-disallowed
    quint64 policyVersion = 0;   // policy get --version (0: the current one)
};

// keelctl: parses its command line and runs one command through KeelClient. Every failure
// ends in one line on stderr and a non-zero exit code (1: the command failed, 2: usage).
class KeelCtl final : public QObject
{
    Q_OBJECT

public:
    static std::variant<CtlInvocation, QString> parse(const QStringList &arguments, const QProcessEnvironment &env);
    static QString usage();

    explicit KeelCtl(QObject *parent = nullptr);
    ~KeelCtl() override;
    // Runs the command; emits finished() once with the exit code.
    void run(const CtlInvocation &invocation);

signals:
    void finished(int exitCode);

private:
    void fail(const QString &message, int exitCode = 1);
    void succeed(const QString &output);

    KeelClient *m_client;
    CtlInvocation m_invocation;
    std::unique_ptr<AccessCommands> m_access;
    std::unique_ptr<ComponentCommands> m_components;
    std::unique_ptr<FleetCommands> m_fleet;
    std::unique_ptr<RolloutCommands> m_rollouts;
    std::unique_ptr<PolicyCommands> m_policies;
    bool m_done = false;
};

} // namespace Keel
