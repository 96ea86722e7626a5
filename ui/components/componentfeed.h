#pragma once

#include "operatormessages.h"

#include <QObject>
#include <QTimer>

namespace Keel {

class ComponentRegistryModel;
class DeploymentRulesModel;
class KeelClient;

// Keeps the registry and the deployment rules in step with the control plane through a
// KeelClient: lists both whenever the connection comes up (the watch that brings the
// events is FleetFeed's), applies AotBuildFinished to the version's row and lists that
// component again for the rest of what the build changed, and lists the rules again
// (debounced) after a DeploymentChange or a node joining or being relabelled, which
// changes how many nodes a rule matches.
class ComponentFeed final : public QObject
{
    Q_OBJECT

public:
    ComponentFeed(KeelClient *client, ComponentRegistryModel *registry, DeploymentRulesModel *rules,
                  QObject *parent = nullptr);

    // True once the registry was listed on the current connection.
    bool isListed() const { return m_listed; }
    // Why the last listing failed, in words; empty while all is well.
    QString lastError() const { return m_lastError; }

public slots:
    // Lists the registry and the rules again (F5; also on every connect).
    void refresh();
    // A version was pushed: list its component again.
    void refreshComponent(const QString &name);
    void refreshRules();

signals:
    void listedChanged(bool listed);
    void lastErrorChanged(const QString &message);
    // Every AotBuildFinished, after the model took it.
    void aotBuildFinished(const Keel::AotBuildFinished &finished);

private:
    void setListed(bool listed);
    void setLastError(const QString &message);

    KeelClient *m_client;
    ComponentRegistryModel *m_registry;
    DeploymentRulesModel *m_rules;
    QTimer m_rulesDebounce;
    bool m_listed = false;
    QString m_lastError;
    // Answers from an earlier connection must not land in the models of a later one.
    quint64 m_session = 0;
};

} // namespace Keel
