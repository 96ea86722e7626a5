#include "componentfeed.h"

#include "componentregistrymodel.h"
#include "deploymentrulesmodel.h"
#include "keelclient.h"

#include <QPointer>

#include <chrono>

namespace Keel {

namespace {

// Several rule changes in a burst (a script deploying many components) are one listing.
constexpr std::chrono::milliseconds kRulesDebounce{200};

// A request failing because the connection dropped: FleetFeed says so and reconnects.
bool dropped(const WireError &error)
{
    return error.code == ErrorCode::Unavailable;
}

} // namespace

ComponentFeed::ComponentFeed(KeelClient *client, ComponentRegistryModel *registry, DeploymentRulesModel *rules,
                             QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_registry(registry)
    , m_rules(rules)
{
    Q_ASSERT(client && registry && rules);
    m_rulesDebounce.setSingleShot(true);
    m_rulesDebounce.setInterval(kRulesDebounce);
    connect(&m_rulesDebounce, &QTimer::timeout, this, &ComponentFeed::refreshRules);
    connect(m_client, &KeelClient::connected, this, &ComponentFeed::refresh);
    connect(m_client, &KeelClient::disconnected, this, [this] {
        ++m_session;
        setListed(false);
    });
    connect(m_client, &KeelClient::aotBuildFinished, this, [this](const AotBuildFinished &finished) {
        m_registry->applyAotBuild(finished);
        refreshComponent(finished.component); // the object's size, the time it was built
        emit aotBuildFinished(finished);
    });
    connect(m_client, &KeelClient::deploymentChanged, &m_rulesDebounce, qOverload<>(&QTimer::start));
    connect(m_client, &KeelClient::nodeChanged, this, [this](const NodeChange &change) {
        if (change.kind == NodeChange::Kind::Joined || change.kind == NodeChange::Kind::Updated)
            m_rulesDebounce.start();
    });
}

void ComponentFeed::refresh()
{
    if (m_client->state() == KeelClient::State::Disconnected)
        return;
    const quint64 session = ++m_session;
    const QPointer<ComponentFeed> self(this);
    m_client->listComponents({}, [self, session](const Result<QList<ComponentVersion>> &result) {
        if (!self || self->m_session != session)
            return;
        if (const auto *error = std::get_if<WireError>(&result)) {
            if (!dropped(*error))
                self->setLastError(tr("Cannot list the registry: %1").arg(error->message));
            return;
        }
        self->m_registry->setVersions(std::get<QList<ComponentVersion>>(result));
        self->setLastError({});
        self->setListed(true);
    });
    refreshRules();
}

void ComponentFeed::refreshComponent(const QString &name)
{
    const quint64 session = m_session;
    const QPointer<ComponentFeed> self(this);
    m_client->listComponents(name, [self, session](const Result<QList<ComponentVersion>> &result) {
        if (!self || self->m_session != session)
            return;
        if (const auto *versions = std::get_if<QList<ComponentVersion>>(&result)) {
            for (const ComponentVersion &version : *versions)
                self->m_registry->upsertVersion(version);
        }
    });
}

void ComponentFeed::refreshRules()
{
    m_rulesDebounce.stop();
    const quint64 session = m_session;
    const QPointer<ComponentFeed> self(this);
    m_client->listDeployments({}, [self, session](const Result<QList<DeploymentRule>> &result) {
        if (!self || self->m_session != session)
            return;
        if (const auto *error = std::get_if<WireError>(&result)) {
            if (error->code == ErrorCode::Unimplemented)
                self->setLastError(tr("This control plane is older than the console and cannot list deployment rules."));
            else if (!dropped(*error))
                self->setLastError(tr("Cannot list the deployment rules: %1").arg(error->message));
            return;
        }
        self->m_rules->setRules(std::get<QList<DeploymentRule>>(result));
    });
}

void ComponentFeed::setListed(bool listed)
{
    if (m_listed == listed)
        return;
    m_listed = listed;
    emit listedChanged(listed);
}

void ComponentFeed::setLastError(const QString &message)
{
    if (m_lastError == message)
        return;
    m_lastError = message;
    emit lastErrorChanged(message);
}

} // namespace Keel
