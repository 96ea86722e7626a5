#include "fleetservice.h"

#include "fleetvalidation.h"
#include "secrets.h"
#include "servermetrics.h"
#include "store.h"

#include <QCryptographicHash>
#include <QLoggingCategory>

#include <algorithm>
#include <cctype>

Q_LOGGING_CATEGORY(lcFleet, "keel.fleet")

namespace Keel {

namespace {

// A join token is "<secret>.<sha256 of the control plane's key>": only the secret is a
// credential (stored hashed); the fingerprint is for the agent to check.
QByteArray joinTokenHash(const QString &token)
{
    const qsizetype dot = token.lastIndexOf(u'.');
    const bool fingerprinted = dot > 0 && token.size() - dot - 1 == 64
        && std::all_of(token.cbegin() + dot + 1, token.cend(), [](QChar c) { return isxdigit(c.toLatin1()); });
    return Secrets::hash(fingerprinted ? token.left(dot) : token);
}

QString labelsText(const Labels &labels)
{
    QStringList pairs;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        pairs.append(it.key() + u'=' + it.value());
    return pairs.join(u',');
}

} // namespace

FleetService::FleetService(Store &store, ServerMetrics &metrics, FleetOptions options, Clock clock, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_metrics(metrics)
    , m_options(options)
    , m_clock(std::move(clock))
{
    for (const Region &region : m_store.regions())
        m_regions.insert(region.name, region);
    // Until a node speaks on this run of the control plane, nothing says it is up.
    for (const NodeRecord &record : m_store.nodes()) {
        m_nodes.insert(record.node.name, record.node);
        m_keys.insert(record.node.name, record.publicKey);
    }

    m_monotonic.start();
    m_sweepTimer.setInterval(std::clamp(m_options.graceMs / 4, 50, 1000));
    connect(&m_sweepTimer, &QTimer::timeout, this, &FleetService::sweep);
    m_sweepTimer.start();
    m_flushTimer.setInterval(m_options.flushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &FleetService::flush);
    m_flushTimer.start();
}

FleetService::~FleetService()
{
    flush();
}

QDateTime FleetService::now() const
{
    return m_clock ? m_clock() : QDateTime::currentDateTimeUtc();
}

qint64 FleetService::monotonicMs() const
{
    // Liveness must not jump with the wall clock (an NTP step would flip the whole fleet);
    // an injected clock stands in for both in tests.
    return m_clock ? m_clock().toMSecsSinceEpoch() : m_monotonic.elapsed();
}

WireError FleetService::storeFailure(const char *what, const std::exception &error)
{
    m_metrics.storeError();
    qCCritical(lcFleet, "store failure while %s: %s", what, error.what());
    return {ErrorCode::Internal, QStringLiteral("the control plane's store failed while %1; see its log").arg(QLatin1String(what)), {}};
}

QList<Region> FleetService::regions() const
{
    QList<Region> result = m_regions.values();
    std::sort(result.begin(), result.end(), [](const Region &a, const Region &b) { return a.name < b.name; });
    return result;
}

std::variant<TopologyApplied, WireError> FleetService::applyTopology(const QList<Region> &regions)
{
    if (regions.isEmpty())
        return WireError{ErrorCode::BadRequest, QStringLiteral("the topology names no regions: add at least one under \"regions\""), QStringLiteral("regions")};
    if (regions.size() > kMaxRegionsPerApply) {
        return WireError{ErrorCode::BadRequest,
                         QStringLiteral("%1 regions in one topology is more than %2: split the file").arg(regions.size()).arg(kMaxRegionsPerApply),
                         QStringLiteral("regions")};
    }
    QSet<QString> seen;
    for (qsizetype i = 0; i < regions.size(); ++i) {
        const QString field = QStringLiteral("regions[%1]").arg(i);
        if (auto error = FleetValidation::checkRegion(regions[i]))
            return WireError{ErrorCode::BadRequest, *error, field};
        if (regions[i].sites.size() > kMaxSitesPerRegion) {
            return WireError{ErrorCode::BadRequest,
                             QStringLiteral("region %1 has %2 sites, more than %3").arg(regions[i].name).arg(regions[i].sites.size()).arg(kMaxSitesPerRegion),
                             field};
        }
        if (seen.contains(regions[i].name))
            return WireError{ErrorCode::BadRequest, QStringLiteral("region %1 appears twice").arg(regions[i].name), field};
        seen.insert(regions[i].name);
    }
    TopologyApplied applied;
    try {
        applied = m_store.applyTopology(regions, now());
        m_regions.clear();
        for (const Region &region : m_store.regions())
            m_regions.insert(region.name, region);
    } catch (const StoreError &error) {
        return storeFailure("applying the topology", error);
    }
    // A region's jurisdiction may have changed: nodes show the new one.
    for (Node &node : m_nodes) {
        const QString jurisdiction = m_regions.value(node.region).jurisdiction;
        if (node.jurisdiction != jurisdiction) {
            node.jurisdiction = jurisdiction;
            emit nodeChanged({NodeChange::Kind::Updated, node});
        }
    }
    QList<Region> changed;
    for (const Region &region : regions)
        changed.append(m_regions.value(region.name));
    emit topologyChanged(changed);
    return applied;
}

QList<Node> FleetService::nodes() const
{
    QList<Node> result = m_nodes.values();
    std::sort(result.begin(), result.end(), [](const Node &a, const Node &b) { return a.name < b.name; });
    return result;
}

std::optional<Node> FleetService::node(const QString &name) const
{
    const auto it = m_nodes.constFind(name);
    if (it == m_nodes.cend())
        return std::nullopt;
    return *it;
}

void FleetService::setControlPlaneKey(const QByteArray &publicKey)
{
    m_controlPlaneKeyHex = QString::fromLatin1(QCryptographicHash::hash(publicKey, QCryptographicHash::Sha256).toHex());
}

std::variant<JoinToken, WireError> FleetService::createJoinToken(const QString &region, int uses, int ttlSeconds,
                                                                 const QString &site, const Labels &labels)
{
    const auto known = m_regions.constFind(region);
    if (known == m_regions.cend()) {
        return WireError{ErrorCode::NotFound,
                         QStringLiteral("region \"%1\" is not in the topology: apply a topology that defines it first (keelctl topology apply -f FILE)").arg(region),
                         QStringLiteral("region")};
    }
    if (!site.isEmpty() && !known->sites.contains(site)) {
        return WireError{ErrorCode::BadRequest,
                         QStringLiteral("site \"%1\" is not in region %2 (its sites: %3): add it to the topology first")
                             .arg(site.left(64), region, known->sites.isEmpty() ? QStringLiteral("none") : known->sites.join(QStringLiteral(", "))),
                         QStringLiteral("site")};
    }
    if (auto error = FleetValidation::checkLabels(labels))
        return WireError{ErrorCode::BadRequest, *error, QStringLiteral("labels")};
    JoinToken token;
    // The key's fingerprint rides along: an agent given this token trusts no other key.
    token.token = Secrets::generateToken(QStringLiteral("kjt"));
    const QByteArray hash = Secrets::hash(token.token);
    if (!m_controlPlaneKeyHex.isEmpty()) {
        token.token += u'.' + m_controlPlaneKeyHex;
        token.controlPlaneKeySha256 = QStringLiteral("sha256:") + m_controlPlaneKeyHex;
    }
    token.region = region;
    token.uses = uses > 0 ? uses : 1;
    token.expires = now().addSecs(ttlSeconds > 0 ? ttlSeconds : 24 * 3600);
    token.site = site;
    token.labels = labels;
    try {
        JoinTokenRecord record{Secrets::newId(), hash, region, token.uses, token.expires, now(), site, labels};
        m_store.addJoinToken(record);
    } catch (const StoreError &error) {
        return storeFailure("creating a join token", error);
    }
    return token;
}

std::variant<Node, WireError> FleetService::labelNode(const QString &name, const Labels &set, const QStringList &remove)
{
    const auto it = m_nodes.find(name);
    if (it == m_nodes.end()) {
        return WireError{ErrorCode::NotFound, QStringLiteral("no node named \"%1\": see keelctl nodes list").arg(name.left(64)),
                         QStringLiteral("name")};
    }
    Labels labels = it->labels;
    for (auto l = set.cbegin(); l != set.cend(); ++l)
        labels.insert(l.key(), l.value());
    for (const QString &key : remove)
        labels.remove(key);
    if (auto error = FleetValidation::checkLabels(labels))
        return WireError{ErrorCode::BadRequest, *error, QStringLiteral("labels")};
    if (labels == it->labels)
        return *it;
    try {
        const auto stored = m_store.node(name);
        if (!stored)
            return WireError{ErrorCode::NotFound, QStringLiteral("node %1 is not in the store").arg(name), QStringLiteral("name")};
        NodeRecord record = *stored;
        record.node.labels = labels;
        m_store.upsertNode(record);
    } catch (const StoreError &error) {
        return storeFailure("labelling a node", error);
    }
    it->labels = labels;
    qCInfo(lcFleet, "node %s labels: %s", qPrintable(name), qPrintable(labelsText(labels)));
    emit nodeChanged({NodeChange::Kind::Updated, *it});
    emit nodeLabelsChanged(name);
    return *it;
}

std::optional<WireError> FleetService::checkHello(const AgentHello &hello) const
{
    if (auto error = FleetValidation::checkName(QStringLiteral("node"), hello.nodeName))
        return WireError{ErrorCode::BadRequest, *error, QStringLiteral("node_name")};
    if (auto error = FleetValidation::checkName(QStringLiteral("region"), hello.region))
        return WireError{ErrorCode::BadRequest, *error, QStringLiteral("region")};
    if (!hello.site.isEmpty()) {
        if (auto error = FleetValidation::checkName(QStringLiteral("site"), hello.site))
            return WireError{ErrorCode::BadRequest, *error, QStringLiteral("site")};
    }
    if (auto error = FleetValidation::checkLabels(hello.labels))
        return WireError{ErrorCode::BadRequest, *error, QStringLiteral("labels")};
    if (hello.publicKey.size() != Secrets::kPublicKeyBytes)
        return WireError{ErrorCode::BadRequest, QStringLiteral("public key has %1 bytes; an ed25519 key has 32").arg(hello.publicKey.size()), QStringLiteral("public_key")};
    if (hello.agentVersion.size() > 64 || hello.targetTriple.size() > 64 || hello.httpEndpoint.size() > 256 || hello.adminEndpoint.size() > 256)
        return WireError{ErrorCode::BadRequest, QStringLiteral("hello has an over-long version, target or endpoint"), {}};

    const auto region = m_regions.constFind(hello.region);
    if (region == m_regions.cend()) {
        return WireError{ErrorCode::BadRequest,
                         QStringLiteral("region \"%1\" is not in the control plane's topology: check --region, or apply a topology that defines it").arg(hello.region),
                         QStringLiteral("region")};
    }
    const bool known = m_keys.contains(hello.nodeName);
    // A known node's site is the operator's: what it says now is noted in admit(), not checked.
    if (!known && !hello.site.isEmpty() && !region->sites.contains(hello.site)) {
        return WireError{ErrorCode::BadRequest,
                         QStringLiteral("site \"%1\" is not in region %2 (its sites: %3): check --site or add the site to the topology")
                             .arg(hello.site, hello.region, region->sites.isEmpty() ? QStringLiteral("none") : region->sites.join(QStringLiteral(", "))),
                         QStringLiteral("site")};
    }

    const auto key = m_keys.constFind(hello.nodeName);
    if (key != m_keys.cend()) {
        if (*key != hello.publicKey) {
            return WireError{ErrorCode::Conflict,
                             QStringLiteral("node name \"%1\" is already enrolled with another key: choose another --name, or use the node's original data dir").arg(hello.nodeName),
                             QStringLiteral("node_name")};
        }
        const Node &known = m_nodes[hello.nodeName];
        if (known.region != hello.region) {
            return WireError{ErrorCode::Conflict,
                             QStringLiteral("node %1 is enrolled in region %2, not %3: start it with --region %2").arg(hello.nodeName, known.region, hello.region),
                             QStringLiteral("region")};
        }
        return std::nullopt;
    }
    if (hello.joinToken.isEmpty()) {
        return WireError{ErrorCode::JoinTokenInvalid,
                         QStringLiteral("node %1 is not enrolled and brought no join token: create one with keelctl join-token create --region %2 and pass it with --join-token").arg(hello.nodeName, hello.region),
                         QStringLiteral("join_token")};
    }
    return std::nullopt;
}

namespace {

WireError joinTokenRefusal(JoinTokenUse use, const QString &region)
{
    const QString create = QStringLiteral("keelctl join-token create --region %1").arg(region);
    switch (use) {
    case JoinTokenUse::Unknown:
        return {ErrorCode::JoinTokenInvalid, QStringLiteral("the join token is not known to this control plane: create one with %1").arg(create), QStringLiteral("join_token")};
    case JoinTokenUse::Expired:
        return {ErrorCode::JoinTokenInvalid, QStringLiteral("the join token has expired: create a new one with %1").arg(create), QStringLiteral("join_token")};
    case JoinTokenUse::UsedUp:
        return {ErrorCode::JoinTokenInvalid, QStringLiteral("the join token is used up: create a new one with %1").arg(create), QStringLiteral("join_token")};
    case JoinTokenUse::WrongRegion:
        return {ErrorCode::JoinTokenInvalid, QStringLiteral("the join token is for another region than %1: create one with %2").arg(region, create), QStringLiteral("join_token")};
    case JoinTokenUse::Consumed:
        break;
    }
    Q_UNREACHABLE();
}

} // namespace

std::variant<Node, WireError> FleetService::admit(const AgentHello &hello)
{
    if (auto error = checkHello(hello))
        return *error;
    const bool known = m_keys.contains(hello.nodeName);
    const QDateTime at = now();
    Node node = known ? m_nodes.value(hello.nodeName) : Node{};
    const bool wasReady = known && node.status == NodeStatus::Ready;
    node.name = hello.nodeName;
    node.region = hello.region;
    node.jurisdiction = m_regions.value(hello.region).jurisdiction;
    if (known) {
        // Site and labels are the operator's: what a known node says of them is noted, not believed.
        if (hello.site != node.site) {
            m_metrics.nodeClaimIgnored("site");
            qCWarning(lcFleet, "node %s claims site \"%s\"; it stays in site \"%s\" (set at enrollment)", qPrintable(node.name),
                      qPrintable(hello.site.left(64)), qPrintable(node.site));
        }
        if (hello.labels != node.labels) {
            m_metrics.nodeClaimIgnored("labels");
            qCWarning(lcFleet, "node %s claims labels {%s}; it keeps {%s} (change them with keelctl nodes label)",
                      qPrintable(node.name), qPrintable(labelsText(hello.labels).left(512)), qPrintable(labelsText(node.labels)));
        }
    } else {
        // Enrollment: the join token's scope when it names one, else what the node says.
        std::optional<JoinTokenRecord> token;
        try {
            token = m_store.joinToken(joinTokenHash(hello.joinToken));
        } catch (const StoreError &error) {
            return storeFailure("reading a join token", error);
        }
        node.site = token && !token->site.isEmpty() ? token->site : hello.site;
        node.labels = token && !token->labels.isEmpty() ? token->labels : hello.labels;
    }
    node.agentVersion = hello.agentVersion;
    node.tiers = hello.tiers;
    node.targetTriple = hello.targetTriple;
    node.httpEndpoint = hello.httpEndpoint;
    node.adminEndpoint = hello.adminEndpoint;
    node.lastSeen = at;
    if (!known)
        node.enrolled = at;
    try {
        if (known) {
            m_store.upsertNode({node, hello.publicKey});
        } else {
            // The token's use and the node's row land together or not at all.
            const JoinTokenUse use = m_store.enrollNode({node, hello.publicKey}, joinTokenHash(hello.joinToken), at);
            if (use != JoinTokenUse::Consumed)
                return joinTokenRefusal(use, hello.region);
        }
    } catch (const StoreError &error) {
        return storeFailure("admitting a node", error);
    }
    m_keys.insert(node.name, hello.publicKey);
    m_pendingLastSeen.remove(node.name);
    m_lastHeardMs.insert(node.name, monotonicMs());
    node.status = NodeStatus::Ready;
    m_nodes.insert(node.name, node);
    if (!known)
        emit nodeChanged({NodeChange::Kind::Joined, node});
    else
        emit nodeChanged({wasReady ? NodeChange::Kind::Updated : NodeChange::Kind::Ready, node});
    qCInfo(lcFleet, "node %s %s in region %s", qPrintable(node.name), known ? "reconnected" : "enrolled", qPrintable(node.region));
    return node;
}

void FleetService::heartbeat(const QString &nodeName)
{
    const auto it = m_nodes.find(nodeName);
    if (it == m_nodes.end())
        return;
    it->lastSeen = now();
    m_lastHeardMs.insert(nodeName, monotonicMs());
    m_pendingLastSeen.insert(nodeName, it->lastSeen);
    if (it->status != NodeStatus::Ready)
        setStatus(*it, NodeStatus::Ready);
}

void FleetService::setStatus(Node &node, NodeStatus status)
{
    node.status = status;
    qCInfo(lcFleet, "node %s is %s", qPrintable(node.name), qPrintable(toText(status)));
    emit nodeChanged({status == NodeStatus::Ready ? NodeChange::Kind::Ready : NodeChange::Kind::Unreachable, node});
}

void FleetService::sweep()
{
    const qint64 nowMs = monotonicMs();
    QHash<QString, std::pair<int, int>> perRegion; // ready, unreachable
    for (Node &node : m_nodes) {
        if (node.status == NodeStatus::Ready && nowMs - m_lastHeardMs.value(node.name) > m_options.graceMs)
            setStatus(node, NodeStatus::Unreachable);
        auto &counts = perRegion[node.region];
        node.status == NodeStatus::Ready ? ++counts.first : ++counts.second;
    }
    for (auto it = perRegion.cbegin(); it != perRegion.cend(); ++it) {
        m_metrics.setNodes(it.key().toStdString(), "ready", it->first);
        m_metrics.setNodes(it.key().toStdString(), "unreachable", it->second);
    }
}

void FleetService::flush()
{
    if (m_pendingLastSeen.isEmpty())
        return;
    try {
        m_store.recordLastSeen(m_pendingLastSeen);
        m_pendingLastSeen.clear();
    } catch (const StoreError &error) {
        // Kept pending: the next flush tries again.
        storeFailure("recording last-seen times", error);
    }
}

} // namespace Keel
