#include "deploymentservice.h"

#include "fleetservice.h"
#include "nodeselector.h"
#include "registryservice.h"
#include "servermetrics.h"
#include "storeerror.h"

#include <QCryptographicHash>
#include <QLoggingCategory>

namespace Keel {

Q_LOGGING_CATEGORY(lcDeploy, "keel.deploy")

namespace {

// The content of a node's set: every field that reaches the agent. A manifest is fixed by
// name@version (versions are immutable), so its digest stands for it.
QString fingerprintOf(const QList<ComponentRef> &components, const QList<ComponentRef> &standby)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    auto field = [&hash](QByteArrayView bytes) {
        const quint64 size = quint64(bytes.size());
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(&size), sizeof size));
        hash.addData(bytes);
    };
    auto ref_ = [&field](const ComponentRef &ref) {
        field(ref.manifest.name.toUtf8());
        field(ref.manifest.version.toUtf8());
        field(ref.moduleDigest.toLatin1());
        field(ref.moduleSignature);
        field(ref.aotDigest.toLatin1());
        field(ref.aotSignature);
        field(ref.aotTarget.toUtf8());
    };
    for (const ComponentRef &ref : components) // ordered by name (desiredFor)
        ref_(ref);
    if (!standby.isEmpty()) { // sets without standby keep the fingerprints they always had
        field("standby");
        for (const ComponentRef &ref : standby)
            ref_(ref);
    }
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace

DeploymentService::DeploymentService(DeploymentStore &store, RegistryService &registry, FleetService &fleet,
                                     ServerMetrics &metrics, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_registry(registry)
    , m_fleet(fleet)
    , m_metrics(metrics)
    , m_revision(store.revision())
    , m_deployments(store.deployments())
    , m_nodeStates(store.nodeStates())
    , m_nodeDesired(store.nodeDesired())
{
    for (const Deployment &d : m_deployments) {
        auto parsed = NodeSelector::parse(d.selector);
        if (const auto *selector = std::get_if<NodeSelector>(&parsed))
            m_selectors.insert(d.selector, *selector);
    }
    connect(&m_registry, &RegistryService::aotBuildFinished, this, [this](const AotBuildFinished &finished) {
        if (finished.error.isEmpty())
            onAotBuildFinished(finished.component, finished.version);
    });
}

std::optional<WireError> DeploymentService::heldError(const QString &component) const
{
    const QString holder = m_holder ? m_holder(component) : QString();
    if (holder.isEmpty())
        return std::nullopt;
    return WireError{ErrorCode::FailedPrecondition,
                     QStringLiteral("rollout %1 of %2 is running: wait for it to finish, or end it first (keelctl rollout abort %1)")
                         .arg(holder, component.left(64)),
                     QStringLiteral("component")};
}

std::variant<int, WireError> DeploymentService::deploy(const QString &component, const QString &version,
                                                       const QString &selector, const QString &principal)
{
    if (auto held = heldError(component))
        return *held;
    return deployHeld(component, version, selector, principal);
}

std::variant<int, WireError> DeploymentService::deployHeld(const QString &component, const QString &version,
                                                           const QString &selector, const QString &principal)
{
    if (version.isEmpty()) // back to "not on these nodes" (a rollout that installed it, rolled back)
        return put({0, component, {}, selector, QDateTime::currentDateTimeUtc(), principal}, true);
    if (!m_registry.find(component, version)) {
        return WireError{ErrorCode::NotFound,
                         QStringLiteral("no component %1@%2 in the registry: push it first (keelctl component push), see keelctl component list")
                             .arg(component.left(64), version.left(64)),
                         QStringLiteral("component")};
    }
    return put({0, component, version, selector, QDateTime::currentDateTimeUtc(), principal}, false);
}

std::variant<int, WireError> DeploymentService::undeploy(const QString &component, const QString &selector,
                                                         const QString &principal)
{
    if (auto held = heldError(component))
        return *held;
    const bool deployed = std::any_of(m_deployments.cbegin(), m_deployments.cend(), [&](const Deployment &d) {
        return d.component == component && !d.version.isEmpty();
    });
    if (!deployed) {
        return WireError{ErrorCode::NotFound, QStringLiteral("component %1 is not deployed anywhere").arg(component.left(64)),
                         QStringLiteral("component")};
    }
    return put({0, component, {}, selector, QDateTime::currentDateTimeUtc(), principal}, true);
}

std::variant<int, WireError> DeploymentService::put(Deployment deployment, bool removed)
{
    auto parsed = NodeSelector::parse(deployment.selector);
    if (const auto *error = std::get_if<QString>(&parsed))
        return WireError{ErrorCode::BadRequest, *error, QStringLiteral("selector")};
    const NodeSelector &selector = std::get<NodeSelector>(parsed);
    deployment.selector = selector.text();
    m_selectors.insert(deployment.selector, selector); // parsed once, matched per node
    const Deployment stored = m_store.putDeployment(deployment);
    m_revision = stored.sequence;
    m_deployments.removeIf([&](const Deployment &d) {
        return d.component == stored.component && d.selector == stored.selector;
    });
    m_deployments.append(stored);
    int matched = 0;
    for (const Node &node : m_fleet.nodes())
        matched += selector.matches(node) ? 1 : 0;
    qCInfo(lcDeploy, "%s %s%s %s %s by %s: revision %llu, %d node(s) match", removed ? "undeploy" : "deploy",
           qPrintable(stored.component), removed ? "" : qPrintable(u'@' + stored.version), removed ? "from" : "to",
           qPrintable(stored.selector), qPrintable(stored.createdBy), m_revision, matched);
    emit deploymentChanged({stored.component, stored.version, stored.selector, removed});
    emit desiredStateChanged(m_revision);
    return matched;
}

QList<DeploymentRule> DeploymentService::rules(const QString &component) const
{
    const QList<Node> nodes = m_fleet.nodes();
    QList<DeploymentRule> rules;
    for (const Deployment &d : m_deployments) { // by sequence
        if (!component.isEmpty() && d.component != component)
            continue;
        int matched = 0;
        if (const auto selector = m_selectors.constFind(d.selector); selector != m_selectors.cend()) {
            for (const Node &node : nodes)
                matched += selector->matches(node) ? 1 : 0;
        }
        rules.append({d, matched});
    }
    return rules;
}

void DeploymentService::onAotBuildFinished(const QString &component, const QString &version)
{
    const bool referenced = std::any_of(m_deployments.cbegin(), m_deployments.cend(), [&](const Deployment &d) {
        return d.component == component && d.version == version;
    });
    if (!referenced)
        return;
    try {
        m_revision = m_store.bumpRevision();
    } catch (const StoreError &error) {
        m_metrics.storeError();
        qCCritical(lcDeploy, "cannot record the new AOT object of %s@%s: %s", qPrintable(component), qPrintable(version),
                   error.what());
        return;
    }
    emit desiredStateChanged(m_revision);
}

void DeploymentService::setPins(const QString &component, const QHash<QString, Pin> &pins)
{
    if (m_pins.value(component) == pins)
        return;
    if (pins.isEmpty())
        m_pins.remove(component);
    else
        m_pins.insert(component, pins);
    // Generations are per node: only the nodes whose set changed hear of it.
    emit desiredStateChanged(m_revision);
}

QString DeploymentService::ruleVersion(const Node &node, const QString &component) const
{
    QString version;
    for (const Deployment &d : m_deployments) {
        if (d.component != component)
            continue;
        const auto selector = m_selectors.constFind(d.selector);
        if (selector != m_selectors.cend() && selector->matches(node))
            version = d.version;
    }
    return version;
}

std::optional<ComponentRef> DeploymentService::refFor(const Node &node, const QString &component, const QString &version) const
{
    const auto record = m_registry.find(component, version);
    if (!record)
        return std::nullopt; // deploy checks existence and versions are never deleted
    const ComponentVersion &v = record->version;
    ComponentRef ref;
    ref.manifest = v.manifest;
    ref.moduleDigest = v.moduleDigest;
    ref.moduleSize = v.moduleSize;
    ref.moduleSignature = record->moduleSignature;
    // Native code only for the CPU it was built for.
    if (v.aotState == AotState::Ready && v.aotTarget == node.targetTriple) {
        ref.aotDigest = v.aotDigest;
        ref.aotSize = v.aotSize;
        ref.aotSignature = record->aotSignature;
        ref.aotTarget = v.aotTarget;
    }
    return ref;
}

quint64 DeploymentService::generationFor(const QString &node, const QList<ComponentRef> &components,
                                         const QList<ComponentRef> &standby)
{
    const QString fingerprint = fingerprintOf(components, standby);
    NodeDesiredRecord &record = m_nodeDesired[node];
    if (record.generation != 0 && record.fingerprint == fingerprint)
        return record.generation;
    // A new generation for this node only. The fleet's revision keeps generations growing
    // across nodes joining late; +1 covers changes that bump no revision (labels, topology).
    record.generation = std::max(m_revision, record.generation + 1);
    record.fingerprint = fingerprint;
    try {
        m_store.putNodeDesired(node, record);
    } catch (const StoreError &error) {
        m_metrics.storeError();
        qCWarning(lcDeploy, "cannot store generation %llu of node %s: %s", record.generation, qPrintable(node), error.what());
    }
    return record.generation;
}

DesiredState DeploymentService::desiredFor(const Node &node)
{
    DesiredState state;
    // What each component resolves to on this node: later rules win; an undeploy removes.
    QMap<QString, QString> versions;
    for (const Deployment &d : m_deployments) {
        const auto selector = m_selectors.constFind(d.selector);
        if (selector == m_selectors.cend() || !selector->matches(node))
            continue;
        if (d.version.isEmpty())
            versions.remove(d.component);
        else
            versions.insert(d.component, d.version);
    }
    // A rollout's pins win over the rules on the nodes it switched.
    QMap<QString, QString> standby;
    for (auto it = m_pins.cbegin(); it != m_pins.cend(); ++it) {
        const auto pin = it->constFind(node.name);
        if (pin == it->cend())
            continue;
        if (pin->version.isEmpty())
            versions.remove(it.key());
        else
            versions.insert(it.key(), pin->version);
        if (!pin->standbyVersion.isEmpty() && pin->standbyVersion != pin->version)
            standby.insert(it.key(), pin->standbyVersion);
    }
    for (auto it = versions.cbegin(); it != versions.cend(); ++it) {
        if (auto ref = refFor(node, it.key(), it.value()))
            state.components.append(*ref);
    }
    for (auto it = standby.cbegin(); it != standby.cend(); ++it) {
        if (auto ref = refFor(node, it.key(), it.value()))
            state.standby.append(*ref);
    }
    state.generation = generationFor(node.name, state.components, state.standby);
    return state;
}

void DeploymentService::recordAck(const QString &node, const StateAck &ack)
{
    NodeStateRecord &state = m_nodeStates[node];
    if (ack.applied) {
        state.appliedGeneration = ack.generation;
        state.applied = ack.components;
        if (state.rejectedGeneration <= ack.generation) {
            state.rejectedGeneration = 0;
            state.rejected.clear();
        }
    } else {
        state.rejectedGeneration = ack.generation;
        state.rejected = ack.components;
    }
    state.reported = QDateTime::currentDateTimeUtc();
    try {
        m_store.putNodeState(node, state);
    } catch (const StoreError &error) {
        m_metrics.storeError();
        qCWarning(lcDeploy, "cannot store the state ack of %s: %s", qPrintable(node), error.what());
    }
    if (!ack.applied) {
        QStringList reasons;
        for (const ComponentStatus &s : ack.components)
            if (!s.error.isEmpty())
                reasons.append(s.name + u'@' + s.version + QStringLiteral(": ") + s.error);
        qCWarning(lcDeploy, "node %s refused generation %llu (keeps serving %llu): %s", qPrintable(node), ack.generation,
                  state.appliedGeneration, qPrintable(reasons.join(QStringLiteral("; "))));
    }
    emit stateAckRecorded({node, ack});
}

Node DeploymentService::withState(Node node)
{
    node.desiredGeneration = desiredFor(node).generation;
    const auto it = m_nodeStates.constFind(node.name);
    if (it == m_nodeStates.cend())
        return node;
    node.ackedGeneration = it->appliedGeneration;
    node.components = it->applied;
    // A refused generation stays visible next to the set that keeps running.
    for (const ComponentStatus &rejected : it->rejected) {
        if (rejected.state == ComponentStatus::State::Failed)
            node.components.append(rejected);
    }
    return node;
}

} // namespace Keel
