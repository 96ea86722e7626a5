#include "fleetfeed.h"

#include "keelclient.h"
#include "nodes/nodetablemodel.h"
#include "regions/regionlistmodel.h"

#include <QLoggingCategory>
#include <QPointer>

#include <algorithm>
#include <utility>

Q_LOGGING_CATEGORY(lcFeed, "keel.ui.feed")

namespace Keel {

FleetFeed::FleetFeed(KeelClient *client, NodeTableModel *nodes, RegionListModel *regions, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_nodes(nodes)
    , m_regions(regions)
{
    Q_ASSERT(client && nodes && regions);
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &FleetFeed::reconnect);
    connect(m_client, &KeelClient::connected, this, &FleetFeed::onConnected);
    connect(m_client, &KeelClient::disconnected, this, &FleetFeed::onDisconnected);
    connect(m_client, &KeelClient::nodeChanged, m_nodes, &NodeTableModel::applyChange);
    connect(m_client, &KeelClient::topologyChanged, m_regions, &RegionListModel::upsertRegions);
}

FleetFeed::~FleetFeed() = default;

void FleetFeed::start(const QUrl &server, const QString &token)
{
    m_server = server;
    m_token = token;
    m_backoff = kInitialBackoff;
    m_retryTimer.stop();
    setIdentity({}); // asked again once connected: the token may be another one
    // Rows of another control plane would be wrong, not merely stale.
    if (m_client->url() != server) {
        m_resumable = false;
        m_nodes->clear();
        m_regions->clear();
        setStale(false);
    }
    setLastError({});
    if (m_client->state() == KeelClient::State::Disconnected) {
        reconnect();
        return;
    }
    // Reopening a live socket would let the old connection's close arrive after the new
    // one started and be taken for its failure; open once the old one is gone instead.
    ++m_session;
    m_reopenWhenClosed = true;
    setPhase(Phase::Connecting);
    m_client->close();
}

void FleetFeed::stop()
{
    ++m_session;
    setIdentity({});
    m_reopenWhenClosed = false;
    m_retryTimer.stop();
    setPhase(Phase::Idle);
    if (m_nodes->nodeCount() > 0)
        setStale(true);
    m_client->close();
}

std::chrono::milliseconds FleetFeed::retryRemaining() const
{
    if (m_phase != Phase::Retrying)
        return std::chrono::milliseconds::zero();
    using namespace std::chrono;
    return std::max(milliseconds::zero(), duration_cast<milliseconds>(m_retryDeadline.remainingTimeAsDuration()));
}

void FleetFeed::setCaCertificates(const QList<QSslCertificate> &certificates)
{
    m_client->setCaCertificates(certificates);
}

void FleetFeed::reconnect()
{
    ++m_session;
    setPhase(Phase::Connecting);
    m_client->open(m_server, m_token);
}

namespace {

// Deployments: AOT builds finishing and deployment rules changing, for the Components pane;
// Rollouts: every transition and gate evaluation, for the Rollouts pane and the map;
// Violations: residency violations found and resolved and policies applied, for the
// Policies pane and the map.
const QList<WatchTopic> kTopics{WatchTopic::Nodes, WatchTopic::Topology, WatchTopic::Deployments, WatchTopic::Metrics,
                                WatchTopic::Rollouts, WatchTopic::Violations};

// A request failing because the connection dropped is reported by onDisconnected().
bool dropped(const WireError &error)
{
    return error.code == ErrorCode::Unavailable;
}

} // namespace

void FleetFeed::onConnected()
{
    if (m_phase == Phase::Idle)
        return;
    setLastError({});
    askIdentity();
    const quint64 resumeAfter = m_resumable ? m_client->lastSequence() : 0;
    if (resumeAfter == 0) {
        watchAndList();
        return;
    }
    // Back on the same control plane: the events missed while away are replayed after
    // the answer, and the rows need no new list. A control plane that restarted since
    // (another epoch) or no longer holds them says so; then everything is listed again.
    const quint64 session = m_session;
    const QPointer<FleetFeed> self(this);
    m_client->watch(kTopics, resumeAfter, [self, session](const Result<quint64> &result) {
        if (!self || self->m_session != session)
            return;
        if (const auto *error = std::get_if<WireError>(&result)) {
            if (dropped(*error))
                return;
            qCInfo(lcFeed, "cannot resume after sequence %llu (%s): listing again", qulonglong(self->m_client->lastSequence()),
                   qPrintable(error->message));
            self->watchAndList();
            return;
        }
        self->m_backoff = kInitialBackoff;
        self->setStale(false);
        self->setPhase(Phase::Live);
    });
}

void FleetFeed::watchAndList()
{
    const quint64 session = m_session;
    const QPointer<FleetFeed> self(this);
    const auto current = [self, session] { return self && self->m_session == session; };

    // Watch before listing: the server answers in order, so the list reflects every
    // change up to its answer and the events after it apply on top.
    m_client->watch(kTopics, 0, [self, current](const Result<quint64> &result) {
        if (!current())
            return;
        if (const auto *error = std::get_if<WireError>(&result); error && !dropped(*error))
            self->setLastError(tr("Cannot watch the fleet: %1").arg(error->message));
    });
    m_client->listNodes([self, current](const Result<QList<Node>> &result) {
        if (!current())
            return;
        if (const auto *error = std::get_if<WireError>(&result)) {
            if (!dropped(*error))
                self->setLastError(tr("Cannot list nodes: %1").arg(error->message));
            return;
        }
        self->m_nodes->setNodes(std::get<QList<Node>>(result));
        // Reset the backoff only now: a server that accepts the socket and then refuses
        // the token must not be hammered every 250 ms.
        self->m_backoff = kInitialBackoff;
        self->setStale(false);
        self->m_resumable = true;
        self->setPhase(Phase::Live);
    });
    m_client->listRegions([self, current](const Result<QList<Region>> &result) {
        if (!current())
            return;
        if (const auto *error = std::get_if<WireError>(&result)) {
            if (dropped(*error))
                return;
            // The nodes are still useful without the topology; say so, keep going.
            qCWarning(lcFeed, "listing regions failed: %s", qPrintable(error->message));
            self->setLastError(tr("Cannot list regions: %1").arg(error->message));
            return;
        }
        self->m_regions->setRegions(std::get<QList<Region>>(result));
    });
}

void FleetFeed::onDisconnected(const QString &reason)
{
    if (m_phase == Phase::Idle)
        return;
    ++m_session;
    if (std::exchange(m_reopenWhenClosed, false)) {
        reconnect();
        return;
    }
    if (m_client->tokenRefused()) {
        qCWarning(lcFeed, "%s refused the token: %s; not retrying", qPrintable(m_server.toString()), qPrintable(reason));
        setLastError(reason);
        if (m_nodes->nodeCount() > 0)
            setStale(true);
        m_backoff = kInitialBackoff;
        setPhase(Phase::TokenRefused);
        emit tokenRefused(reason);
        return;
    }
    qCInfo(lcFeed, "disconnected from %s: %s; retrying in %lld ms", qPrintable(m_server.toString()),
           qPrintable(reason), static_cast<long long>(m_backoff.count()));
    setLastError(reason);
    if (m_nodes->nodeCount() > 0)
        setStale(true);
    m_retryDeadline.setRemainingTime(m_backoff);
    m_retryTimer.start(m_backoff);
    m_backoff = std::min(m_backoff * 2, kMaxBackoff);
    setPhase(Phase::Retrying);
}

void FleetFeed::askIdentity()
{
    const quint64 session = m_session;
    const QPointer<FleetFeed> self(this);
    m_client->whoAmI([self, session](const Result<Op::Identity> &result) {
        if (!self || self->m_session != session)
            return;
        if (const auto *identity = std::get_if<Op::Identity>(&result))
            self->setIdentity(*identity);
        // An older control plane answers UNIMPLEMENTED: the role stays unknown, not wrong.
    });
}

void FleetFeed::setIdentity(Op::Identity identity)
{
    if (identity.principal == m_identity.principal && identity.token == m_identity.token)
        return;
    m_identity = std::move(identity);
    emit identityChanged(m_identity);
}

void FleetFeed::setPhase(Phase phase)
{
    if (m_phase == phase)
        return;
    m_phase = phase;
    emit phaseChanged(phase);
}

void FleetFeed::setStale(bool stale)
{
    if (m_stale == stale)
        return;
    m_stale = stale;
    emit staleChanged(stale);
}

void FleetFeed::setLastError(const QString &message)
{
    if (m_lastError == message)
        return;
    m_lastError = message;
    emit lastErrorChanged(message);
}

} // namespace Keel
