#include "deploymentservice.h"

#include "fleetservice.h"
#include "nodeselector.h"
#include "placementpolicy.h"
#include "registryservice.h"
#include "servermetrics.h"
#include "storeerror.h"

#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QTimer>

namespace Keel {

Q_LOGGING_CATEGORY(lcDeploy, "keel.deploy")

namespace {

// The content of a node's set: every field that reaches the agent. A manifest is fixed by
// name@version (versions are immutable), so its digest stands for it.
QString fingerprintOf(const QList<ComponentRef> &components, const QList<ComponentRef> &standby,
                      const NodeResidency &residency)
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
    if (residency.isSet()) { // nor do sets no residency rule concerns
        // The policy's version is left out: a new version that changes nothing for this
        // node sends it nothing.
        field("residency");
        field(residency.jurisdiction.toUtf8());
        field(residency.defaultSubject.toUtf8());
        for (const ResidencyRule &rule : residency.rules) {
            field(rule.name);
            field(rule.dataClass);
            for (const auto &code : rule.subjects)
                field(code);
            field("|");
            for (const auto &code : rule.allowed)
                field(code);
            field(keel::residency::modeName(rule.mode));
        }
        for (const ComponentPlacement &placement : residency.placements) {
            field(placement.component.toUtf8());
            for (const RegionEndpoints &region : placement.regions) {
                field(region.region.toUtf8());
                field(region.jurisdiction.toUtf8());
                for (const QString &endpoint : region.endpoints)
                    field(endpoint.toUtf8());
            }
        }
    }
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace

DeploymentService::DeploymentService(DeploymentStore &store, RegistryService &registry, FleetService &fleet,
                                     const PlacementPolicy &placement, ServerMetrics &metrics, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_registry(registry)
    , m_fleet(fleet)
    , m_placement(placement)
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
    auto deployed = deploy(component, version, selector, principal, false);
    if (auto *error = std::get_if<WireError>(&deployed))
        return *error;
    return std::get<Deployed>(deployed).nodesMatched;
}

std::variant<DeploymentService::Deployed, WireError> DeploymentService::deploy(const QString &component, const QString &version,
                                                                                const QString &selector, const QString &principal,
                                                                                bool skipDisallowed)
{
    if (auto held = heldError(component))
        return *held;
    auto decided = placements(component, version, selector);
    if (auto *error = std::get_if<WireError>(&decided))
        return *error;
    Deployed deployed;
    QStringList excluded;
    for (const PlacementDecision &d : std::get<QList<PlacementDecision>>(decided)) {
        if (!d.allowed) {
            deployed.skipped.append(d);
            excluded.append(d.node);
        }
    }
    if (!deployed.skipped.isEmpty() && !skipDisallowed)
        return forbiddenError(component, version, selector, deployed.skipped);
    auto matched = deployHeld(component, version, selector, principal, excluded);
    if (auto *error = std::get_if<WireError>(&matched))
        return *error;
    deployed.nodesMatched = std::get<int>(matched) - int(excluded.size());
    return deployed;
}

WireError DeploymentService::forbiddenError(const QString &component, const QString &version, const QString &selector,
                                            const QList<PlacementDecision> &forbidden)
{
    QStringList where;
    for (const PlacementDecision &d : forbidden)
        where.append(QStringLiteral("%1 (%2)").arg(d.node, d.jurisdiction));
    const int shown = 10;
    const QString more = where.size() > shown ? QStringLiteral(" and %1 more").arg(where.size() - shown) : QString();
    return WireError{ErrorCode::FailedPrecondition,
                     QStringLiteral("the residency policy forbids %1@%2 on %3 of the nodes %4 matches: %5%6: %7; "
                                    "choose a selector within the allowed jurisdictions, or pass --skip-disallowed "
                                    "to leave those nodes out")
                         .arg(component.left(64), version.left(64))
                         .arg(forbidden.size())
                         .arg(selector.left(128), where.mid(0, shown).join(QStringLiteral(", ")), more,
                              forbidden.isEmpty() ? QString() : forbidden.first().reason),
                     QStringLiteral("selector")};
}

std::variant<int, WireError> DeploymentService::deployHeld(const QString &component, const QString &version,
                                                           const QString &selector, const QString &principal,
                                                           const QStringList &excluded)
{
    if (version.isEmpty()) // back to "not on these nodes" (a rollout that installed it, rolled back)
        return put({0, component, {}, selector, QDateTime::currentDateTimeUtc(), principal, {}}, true);
    if (!m_registry.find(component, version)) {
        return WireError{ErrorCode::NotFound,
                         QStringLiteral("no component %1@%2 in the registry: push it first (keelctl component push), see keelctl component list")
                             .arg(component.left(64), version.left(64)),
                         QStringLiteral("component")};
    }
    return put({0, component, version, selector, QDateTime::currentDateTimeUtc(), principal, excluded}, false);
}

std::variant<QList<PlacementDecision>, WireError> DeploymentService::placements(const QString &component, const QString &version,
                                                                                const QString &selector) const
{
    const auto manifest = manifestOf(component, version);
    if (!manifest) {
        return WireError{ErrorCode::NotFound,
                         QStringLiteral("no component %1@%2 in the registry: push it first (keelctl component push), see keelctl component list")
                             .arg(component.left(64), version.left(64)),
                         QStringLiteral("component")};
    }
    auto parsed = NodeSelector::parse(selector);
    if (const auto *error = std::get_if<QString>(&parsed))
        return WireError{ErrorCode::BadRequest, *error, QStringLiteral("selector")};
    const NodeSelector &matcher = std::get<NodeSelector>(parsed);
    QList<PlacementDecision> decisions;
    for (const Node &node : m_fleet.nodes()) {
        if (matcher.matches(node))
            decisions.append(m_placement.decide(node, *manifest));
    }
    return decisions;
}

std::optional<Manifest> DeploymentService::manifestOf(const QString &component, const QString &version) const
{
    const auto record = m_registry.find(component, version);
    if (!record)
        return std::nullopt;
    return record->version.manifest;
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
    m_placementIndexValid = false;
    m_deployments.removeIf([&](const Deployment &d) {
        return d.component == stored.component && d.selector == stored.selector;
    });
    m_deployments.append(stored);
    int matched = 0;
    for (const Node &node : m_fleet.nodes())
        matched += selector.matches(node) ? 1 : 0;
    if (!stored.excluded.isEmpty())
        qCInfo(lcDeploy, "%s@%s leaves out %s: the residency policy forbids it there", qPrintable(stored.component),
               qPrintable(stored.version), qPrintable(stored.excluded.join(QStringLiteral(", "))));
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
                matched += selector->matches(node) && d.applies(node) ? 1 : 0;
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
    m_placementIndexValid = false;
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
        if (selector != m_selectors.cend() && selector->matches(node) && d.applies(node))
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
                                         const QList<ComponentRef> &standby, const NodeResidency &residency)
{
    const QString fingerprint = fingerprintOf(components, standby, residency);
    NodeDesiredRecord &record = m_nodeDesired[node];
    if (record.generation != 0 && record.fingerprint == fingerprint)
        return record.generation;
    // A new generation for this node only. The fleet's revision keeps generations growing
    // across nodes joining late; +1 covers changes that bump no revision (labels, topology).
    record.generation = std::max(m_revision, record.generation + 1);
    record.fingerprint = fingerprint;
    m_unsavedDesired.insert(node);
    saveSoon();
    return record.generation;
}

DeploymentService::Intended DeploymentService::intendedFor(const Node &node) const
{
    Intended intended;
    // What each component resolves to on this node: later rules win; an undeploy removes.
    for (const Deployment &d : m_deployments) {
        const auto selector = m_selectors.constFind(d.selector);
        if (selector == m_selectors.cend() || !selector->matches(node) || !d.applies(node))
            continue;
        if (d.version.isEmpty())
            intended.versions.remove(d.component);
        else
            intended.versions.insert(d.component, d.version);
    }
    // A rollout's pins win over the rules on the nodes it switched.
    for (auto it = m_pins.cbegin(); it != m_pins.cend(); ++it) {
        const auto pin = it->constFind(node.name);
        if (pin == it->cend())
            continue;
        if (pin->version.isEmpty())
            intended.versions.remove(it.key());
        else
            intended.versions.insert(it.key(), pin->version);
        if (!pin->standbyVersion.isEmpty() && pin->standbyVersion != pin->version)
            intended.standby.insert(it.key(), pin->standbyVersion);
    }
    return intended;
}

DesiredState DeploymentService::desiredFor(const Node &node)
{
    DesiredState state;
    const Intended intended = intendedFor(node);
    // The residency policy bounds the rules: an enforce-mode placement rule leaves the
    // component out here (ResidencyService lists it as a violation).
    auto allowed = [&](const ComponentRef &ref) { return m_placement.decide(node, ref.manifest).allowed; };
    for (auto it = intended.versions.cbegin(); it != intended.versions.cend(); ++it) {
        if (auto ref = refFor(node, it.key(), it.value()); ref && allowed(*ref))
            state.components.append(*ref);
    }
    for (auto it = intended.standby.cbegin(); it != intended.standby.cend(); ++it) {
        if (auto ref = refFor(node, it.key(), it.value()); ref && allowed(*ref))
            state.standby.append(*ref);
    }
    state.residency = residencyFor(node, state.components);
    state.generation = generationFor(node.name, state.components, state.standby, state.residency);
    return state;
}

NodeResidency DeploymentService::residencyFor(const Node &node, const QList<ComponentRef> &components)
{
    NodeResidency residency;
    QStringList classes;
    for (const ComponentRef &ref : components)
        classes.append(ref.manifest.dataClasses);
    residency.rules = m_placement.rulesFor(classes);
    if (residency.rules.empty())
        return residency;
    const ResidencyPolicy &policy = m_placement.policy();
    residency.jurisdiction = node.jurisdiction;
    residency.defaultSubject = QString::fromStdString(policy.defaultSubject);
    residency.policyVersion = policy.version;
    for (const ComponentRef &ref : components) {
        if (m_placement.needsSubject(ref.manifest.dataClasses))
            residency.placements.append({ref.manifest.name, placementIndex().value(ref.manifest.name)});
    }
    return residency;
}

const QHash<QString, QList<RegionEndpoints>> &DeploymentService::placementIndex()
{
    if (!m_placementIndexValid) {
        m_placementIndex = buildPlacementIndex();
        m_placementIndexValid = true;
    }
    return m_placementIndex;
}

QHash<QString, QList<RegionEndpoints>> DeploymentService::buildPlacementIndex() const
{
    // component -> region -> endpoints, over every node, as the policy lets them be placed.
    QHash<QString, QMap<QString, RegionEndpoints>> byRegion;
    for (const Node &node : m_fleet.nodes()) {
        if (node.httpEndpoint.isEmpty())
            continue;
        const Intended intended = intendedFor(node);
        for (auto it = intended.versions.cbegin(); it != intended.versions.cend(); ++it) {
            const auto manifest = manifestOf(it.key(), it.value());
            if (!manifest || !m_placement.needsSubject(manifest->dataClasses) || !m_placement.decide(node, *manifest).allowed)
                continue;
            RegionEndpoints &region = byRegion[it.key()][node.region];
            region.region = node.region;
            region.jurisdiction = node.jurisdiction;
            region.endpoints.append(node.httpEndpoint);
        }
    }
    QHash<QString, QList<RegionEndpoints>> index;
    for (auto it = byRegion.begin(); it != byRegion.end(); ++it) {
        QList<RegionEndpoints> regions = it->values(); // by region name
        for (RegionEndpoints &region : regions) {
            // A few per region tell a client where to go; all of them would put every
            // node of a large region into every node's set, and a node joining would
            // change the set of every node running the component.
            region.endpoints.sort();
            if (region.endpoints.size() > kMaxEndpointsPerRegion)
                region.endpoints.resize(kMaxEndpointsPerRegion);
        }
        index.insert(it.key(), std::move(regions));
    }
    return index;
}

void DeploymentService::refreshPlacementIndex()
{
    m_placementRefreshScheduled = false;
    if (!m_placementIndexValid)
        return; // rebuilt when next asked, and a fan-out is already on its way
    QHash<QString, QList<RegionEndpoints>> index = buildPlacementIndex();
    if (index == m_placementIndex)
        return;
    m_placementIndex = std::move(index);
    emit desiredStateChanged(m_revision);
}

void DeploymentService::policyChanged()
{
    m_placementIndexValid = false;
    emit desiredStateChanged(m_revision);
}

void DeploymentService::nodeUpdated(const Node &node)
{
    QStringList labels;
    for (auto it = node.labels.cbegin(); it != node.labels.cend(); ++it)
        labels.append(it.key() + u'=' + it.value());
    const QString shape = QStringList{node.region, node.jurisdiction, node.httpEndpoint, labels.join(u',')}.join(u'|');
    QString &known = m_nodeShapes[node.name];
    if (known == shape)
        return;
    known = shape;
    // Without a policy nothing placement-wide depends on a node's shape (labels already
    // send the node its own set).
    if (m_placement.policy().rules.empty())
        return;
    // The node's own set may change (its jurisdiction decides what it may run). Other
    // nodes' sets depend on it only through the placement index: that is built again
    // once per event-loop turn, and the fleet hears of it only if it changed. Telling the
    // whole fleet for each of ten thousand nodes joining made a join storm quadratic.
    emit nodeDesiredStateChanged(node.name);
    if (!m_placementRefreshScheduled) {
        m_placementRefreshScheduled = true;
        QTimer::singleShot(0, this, &DeploymentService::refreshPlacementIndex);
    }
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
    m_unsavedStates.insert(node);
    saveSoon();
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

DeploymentService::~DeploymentService()
{
    save();
}

void DeploymentService::saveSoon()
{
    if (m_saveScheduled)
        return;
    m_saveScheduled = true;
    QTimer::singleShot(0, this, [this] {
        m_saveScheduled = false;
        save();
    });
}

void DeploymentService::save()
{
    if (!m_unsavedDesired.isEmpty()) {
        QHash<QString, NodeDesiredRecord> desired;
        for (const QString &node : std::as_const(m_unsavedDesired))
            desired.insert(node, m_nodeDesired.value(node));
        try {
            m_store.putNodeDesired(desired);
            m_unsavedDesired.clear();
        } catch (const StoreError &error) {
            // Kept: the next change tries again. Agents see no difference; a restart
            // before that would number these nodes' sets anew.
            m_metrics.storeError();
            qCWarning(lcDeploy, "cannot store the generations of %lld node(s): %s", qint64(desired.size()), error.what());
        }
    }
    if (!m_unsavedStates.isEmpty()) {
        QHash<QString, NodeStateRecord> states;
        for (const QString &node : std::as_const(m_unsavedStates))
            states.insert(node, m_nodeStates.value(node));
        try {
            m_store.putNodeStates(states);
            m_unsavedStates.clear();
        } catch (const StoreError &error) {
            // Kept: the next ack tries again; an agent acks its set again on every reconnect.
            m_metrics.storeError();
            qCWarning(lcDeploy, "cannot store the state acks of %lld node(s): %s", qint64(states.size()), error.what());
        }
    }
}

Node DeploymentService::withState(Node node, Desired desired)
{
    if (const auto last = m_nodeDesired.constFind(node.name); desired == Desired::LastSent && last != m_nodeDesired.cend())
        node.desiredGeneration = last->generation;
    else
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
