#pragma once

#include "keelclient.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

#include <functional>
#include <optional>

namespace Keel {

struct CtlInvocation;

// keelctl's rollout commands: start (operator), status [--watch], list, and pause,
// resume, abort, rollback (operator). Each ends in exactly one call of `succeed` (stdout
// text) or `fail`; a watch prints as the rollout moves and ends when it does.
class RolloutCommands final
{
public:
    using Succeed = std::function<void(const QString &output)>;
    using Fail = std::function<void(const QString &message)>;

    // The rollout flags, added to keelctl's parser; read() checks them into the invocation.
    static QList<QCommandLineOption> options();
    static std::optional<QString> read(const QCommandLineParser &parser, CtlInvocation &invocation);
    static QString usage();

    RolloutCommands(KeelClient &client, const CtlInvocation &invocation, Succeed succeed, Fail fail);

    void start();
    void status();
    void list();
    void control(RolloutAction action);

    // The table form of one rollout: header, waves with their gates, the failure.
    static QString statusText(const Rollout &rollout);
    static QString listTable(const QList<Rollout> &rollouts);

private:
    void watch(const QString &id);
    void show(const Rollout &rollout, const QString &event);

    KeelClient &m_client;
    const CtlInvocation &m_invocation;
    Succeed m_succeed;
    Fail m_fail;
    QString m_lastEvent;
};

} // namespace Keel
