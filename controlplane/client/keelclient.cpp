#include "keelclient.h"

#include "operatorcodec.h"
#include "overloaded.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QNetworkRequest>

Q_LOGGING_CATEGORY(lcClient, "keel.client")

namespace Keel {

namespace {
constexpr qint64 kMaxServerMessageBytes = 64 * 1024 * 1024;
} // namespace

KeelClient::KeelClient(QObject *parent)
    : QObject(parent)
{
}

KeelClient::~KeelClient()
{
    // No callbacks into a half-destroyed owner.
    m_pending.clear();
    dropSocket();
}

void KeelClient::dropSocket()
{
    if (!m_socket)
        return;
    m_socket->disconnect(this);
    m_socket->abort();
    m_socket.release()->deleteLater();
}

QUrl KeelClient::normalizeServer(const QString &server)
{
    QString text = server.trimmed();
    if (!text.contains(QLatin1String("://")))
        text.prepend(QLatin1String("ws://"));
    QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || url.port() <= 0
        || (url.scheme() != QLatin1String("ws") && url.scheme() != QLatin1String("wss")))
        return {};
    if (url.path().isEmpty() || url.path() == QLatin1String("/"))
        url.setPath(QStringLiteral("/v1/operator"));
    return url;
}

void KeelClient::open(const QUrl &server, const QString &token)
{
    if (m_socket) {
        dropSocket();
        setState(State::Disconnected);
        failAll({ErrorCode::Unavailable, QStringLiteral("the connection to %1 was replaced by a new one").arg(m_url.toString()), {}});
    }
    m_url = server;
    m_refusal.clear();
    m_tokenRefused = false;
    m_socket = std::make_unique<QWebSocket>();
    QWebSocket *socket = m_socket.get();
    socket->setMaxAllowedIncomingMessageSize(kMaxServerMessageBytes);
    socket->setMaxAllowedIncomingFrameSize(kMaxServerMessageBytes);
    connect(socket, &QWebSocket::connected, this, [this] {
        setState(State::Connected);
        for (const QByteArray &frame : std::exchange(m_queued, {}))
            m_socket->sendBinaryMessage(frame);
        emit connected();
    });
    connect(socket, &QWebSocket::disconnected, this, &KeelClient::onDisconnected);
    // A connection that never came up emits only an error (Qt 6.4 names the signal error()).
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this] {
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            onDisconnected();
    });
    connect(socket, &QWebSocket::binaryMessageReceived, this, &KeelClient::onFrame);
    if (!m_caCertificates.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(m_caCertificates);
        socket->setSslConfiguration(tls);
    }
    connect(socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        QStringList reasons;
        for (const QSslError &e : errors)
            reasons.append(e.errorString());
        m_refusal = QStringLiteral("TLS: %1 does not present a certificate this client trusts (%2): pass --ca with the CA that signed it")
                        .arg(m_url.toString(), reasons.join(QStringLiteral("; ")));
    });
    connect(socket, &QWebSocket::textMessageReceived, this, [this](const QString &) {
        m_refusal = QStringLiteral("the server sent a text frame; is %1 a Keel control plane?").arg(m_url.toString());
        m_socket->abort();
    });

    QNetworkRequest request(server);
    request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    setState(State::Connecting);
    socket->open(request);
}

void KeelClient::close()
{
    if (m_socket && m_state != State::Disconnected)
        m_socket->close();
}

void KeelClient::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void KeelClient::failAll(const WireError &error)
{
    m_queued.clear();
    const auto pending = std::exchange(m_pending, {});
    for (const Handler &handler : pending)
        handler(error);
}

void KeelClient::onDisconnected()
{
    if (m_state == State::Disconnected)
        return;
    QString reason = m_refusal;
    if (reason.isEmpty() && !m_socket->closeReason().isEmpty())
        reason = m_socket->closeReason();
    if (reason.isEmpty())
        reason = m_socket->error() != QAbstractSocket::UnknownSocketError
            ? QStringLiteral("%1: %2").arg(m_url.toString(), m_socket->errorString())
            : QStringLiteral("the connection to %1 closed").arg(m_url.toString());
    setState(State::Disconnected);
    failAll({ErrorCode::Unavailable, reason, {}});
    emit disconnected(reason);
}

void KeelClient::send(OperatorRequestBody body, Handler handler)
{
    if (m_state == State::Disconnected) {
        handler(WireError{ErrorCode::Unavailable, QStringLiteral("not connected to a control plane"), {}});
        return;
    }
    const quint64 id = m_nextId++;
    m_pending.insert(id, std::move(handler));
    const QByteArray frame = OperatorCodec::encodeRequest({id, std::move(body)});
    if (m_state == State::Connected)
        m_socket->sendBinaryMessage(frame);
    else
        m_queued.append(frame);
}

void KeelClient::onFrame(const QByteArray &frame)
{
    auto message = OperatorCodec::decodeServerMessage(frame);
    if (!message) {
        qCWarning(lcClient, "dropping the connection to %s: %s", qPrintable(m_url.toString()), qPrintable(message.error));
        m_refusal = QStringLiteral("the server sent a frame this client cannot read (%1)").arg(message.error);
        m_socket->abort();
        return;
    }
    std::visit(Overloaded{
        [&](const OperatorResponse &response) {
            if (response.id == 0) {
                // A connection-level error, e.g. a refused token, sent just before the close.
                if (const auto *error = std::get_if<WireError>(&response.body)) {
                    m_refusal = error->message;
                    m_tokenRefused = error->code == ErrorCode::Unauthenticated;
                }
                return;
            }
            const Handler handler = m_pending.take(response.id);
            if (handler)
                handler(response.body);
        },
        [&](const WatchEvent &event) {
            if (event.sequence > 0) // 0: a metrics window, which is not replayed
                m_lastSequence = event.sequence;
            std::visit(Overloaded{
                [&](const NodeChange &change) { emit nodeChanged(change); },
                [&](const TopologyChange &change) { emit topologyChanged(change.regions); },
                [&](const AuditRecord &record) { emit auditRecorded(record); },
                [&](const AotBuildFinished &finished) { emit aotBuildFinished(finished); },
                [&](const DeploymentChange &change) { emit deploymentChanged(change); },
                [&](const StateAckRecord &record) { emit stateAckRecorded(record); },
                [&](const MetricsWindow &window) { emit metricsWindow(window); },
                [&](const RolloutEvent &rollout) { emit rolloutProgressed(rollout); },
                [&](const ResidencyViolation &violation) { emit violationChanged(violation); },
                [&](const PolicyChange &change) { emit policyChanged(change); },
            }, event.event);
        },
    }, *message.value);
}

template<typename T, typename Done>
KeelClient::Handler KeelClient::expect(Done done)
{
    return [done = std::move(done)](const OperatorResponseBody &body) {
        if (const auto *error = std::get_if<WireError>(&body))
            done(*error);
        else if (const auto *value = std::get_if<T>(&body))
            done(*value);
        else
            done(WireError{ErrorCode::Internal, QStringLiteral("the server answered with another kind of response than asked for"), {}});
    };
}

void KeelClient::listRegions(std::function<void(const Result<QList<Region>> &)> done)
{
    send(Op::ListRegions{}, expect<Op::RegionList>([done](const Result<Op::RegionList> &r) {
        if (const auto *list = std::get_if<Op::RegionList>(&r)) done(list->regions); else done(std::get<WireError>(r));
    }));
}

void KeelClient::applyTopology(const QList<Region> &regions, std::function<void(const Result<TopologyApplied> &)> done)
{
    send(Op::ApplyTopology{regions}, expect<TopologyApplied>(std::move(done)));
}

void KeelClient::listNodes(std::function<void(const Result<QList<Node>> &)> done)
{
    listNodes({}, std::move(done));
}

void KeelClient::listNodes(const QString &selector, std::function<void(const Result<QList<Node>> &)> done)
{
    send(Op::ListNodes{selector}, expect<Op::NodeList>([done](const Result<Op::NodeList> &r) {
        if (const auto *list = std::get_if<Op::NodeList>(&r)) done(list->nodes); else done(std::get<WireError>(r));
    }));
}

void KeelClient::getNode(const QString &name, std::function<void(const Result<Node> &)> done)
{
    send(Op::GetNode{name}, expect<Op::NodeDetail>([done](const Result<Op::NodeDetail> &r) {
        if (const auto *d = std::get_if<Op::NodeDetail>(&r)) done(d->node); else done(std::get<WireError>(r));
    }));
}

void KeelClient::createJoinToken(const QString &region, int uses, int ttlSeconds, const QString &site, const Labels &labels,
                                 std::function<void(const Result<JoinToken> &)> done)
{
    send(Op::CreateJoinToken{region, uses, ttlSeconds, site, labels}, expect<JoinToken>(std::move(done)));
}

void KeelClient::whoAmI(std::function<void(const Result<Op::Identity> &)> done)
{
    send(Op::WhoAmI{}, expect<Op::Identity>(std::move(done)));
}

void KeelClient::labelNode(const QString &name, const Labels &labels, const QStringList &remove,
                           std::function<void(const Result<Node> &)> done)
{
    send(Op::LabelNode{name, labels, remove}, expect<Op::NodeLabeled>([done](const Result<Op::NodeLabeled> &r) {
        if (const auto *labeled = std::get_if<Op::NodeLabeled>(&r)) done(labeled->node); else done(std::get<WireError>(r));
    }));
}

void KeelClient::watch(const QList<WatchTopic> &topics, quint64 resumeAfter, std::function<void(const Result<quint64> &)> done)
{
    // A resumed watch names the epoch its sequences came from, so a restarted control
    // plane (sequences from 1 again) says "list again" instead of replaying the wrong events.
    const QString epoch = resumeAfter > 0 ? m_epoch : QString();
    const QPointer<KeelClient> self(this);
    send(Op::Watch{topics, resumeAfter, epoch}, expect<Op::WatchStarted>([self, resumeAfter, done](const Result<Op::WatchStarted> &r) {
        if (const auto *w = std::get_if<Op::WatchStarted>(&r)) {
            if (self) {
                self->m_epoch = w->epoch;
                // Resumed: the replayed events that follow move it on, one by one.
                if (resumeAfter == 0)
                    self->m_lastSequence = w->currentSequence;
            }
            done(w->currentSequence);
        } else {
            done(std::get<WireError>(r));
        }
    }));
}

void KeelClient::createToken(Role role, const QString &name, int ttlSeconds,
                             std::function<void(const Result<CreatedToken> &)> done)
{
    send(Op::CreateToken{role, name, ttlSeconds}, expect<CreatedToken>(std::move(done)));
}

void KeelClient::listTokens(std::function<void(const Result<QList<OperatorToken>> &)> done)
{
    send(Op::ListTokens{}, expect<Op::TokenList>([done](const Result<Op::TokenList> &r) {
        if (const auto *list = std::get_if<Op::TokenList>(&r)) done(list->tokens); else done(std::get<WireError>(r));
    }));
}

void KeelClient::revokeToken(const QString &id, std::function<void(const Result<std::monostate> &)> done)
{
    send(Op::RevokeToken{id}, expect<Op::TokenRevoked>([done](const Result<Op::TokenRevoked> &r) {
        if (std::holds_alternative<Op::TokenRevoked>(r)) done(std::monostate{}); else done(std::get<WireError>(r));
    }));
}

void KeelClient::listAudit(const QDateTime &since, quint64 afterSequence, int limit,
                           std::function<void(const Result<Op::AuditList> &)> done)
{
    send(Op::ListAudit{since, limit, afterSequence}, expect<Op::AuditList>(std::move(done)));
}

void KeelClient::pushComponent(const Manifest &manifest, const QByteArray &module,
                               std::function<void(const Result<PushedComponent> &)> done)
{
    send(Op::PushComponent{manifest, module}, expect<PushedComponent>(std::move(done)));
}

void KeelClient::listComponents(const QString &name, std::function<void(const Result<QList<ComponentVersion>> &)> done)
{
    send(Op::ListComponents{name}, expect<Op::ComponentList>([done](const Result<Op::ComponentList> &r) {
        if (const auto *list = std::get_if<Op::ComponentList>(&r)) done(list->versions); else done(std::get<WireError>(r));
    }));
}

void KeelClient::deploy(const QString &component, const QString &version, const QString &selector,
                        std::function<void(const Result<int> &)> done)
{
    send(Op::Deploy{component, version, selector}, expect<Op::Deployed>([done](const Result<Op::Deployed> &r) {
        if (const auto *d = std::get_if<Op::Deployed>(&r)) done(d->nodesMatched); else done(std::get<WireError>(r));
    }));
}

void KeelClient::deploy(const QString &component, const QString &version, const QString &selector, bool skipDisallowed,
                        std::function<void(const Result<Op::Deployed> &)> done)
{
    send(Op::Deploy{component, version, selector, skipDisallowed}, expect<Op::Deployed>(std::move(done)));
}

void KeelClient::undeploy(const QString &component, const QString &selector, std::function<void(const Result<int> &)> done)
{
    send(Op::Undeploy{component, selector}, expect<Op::Undeployed>([done](const Result<Op::Undeployed> &r) {
        if (const auto *u = std::get_if<Op::Undeployed>(&r)) done(u->nodesMatched); else done(std::get<WireError>(r));
    }));
}

void KeelClient::listDeployments(const QString &component, std::function<void(const Result<QList<DeploymentRule>> &)> done)
{
    send(Op::ListDeployments{component}, expect<Op::DeploymentList>([done](const Result<Op::DeploymentList> &r) {
        if (const auto *list = std::get_if<Op::DeploymentList>(&r)) done(list->deployments); else done(std::get<WireError>(r));
    }));
}

void KeelClient::queryMetrics(const QString &component, const QString &region, const QString &node, const QDateTime &since,
                              std::function<void(const Result<QList<MetricsWindow>> &)> done)
{
    send(Op::QueryMetrics{component, region, node, since}, expect<Op::MetricsWindows>([done](const Result<Op::MetricsWindows> &r) {
        if (const auto *w = std::get_if<Op::MetricsWindows>(&r)) done(w->windows); else done(std::get<WireError>(r));
    }));
}

} // namespace Keel

namespace Keel {

void KeelClient::startRollout(const RolloutSpec &spec, std::function<void(const Result<Rollout> &)> done)
{
    send(Op::StartRollout{spec}, expect<Op::RolloutStarted>([done](const Result<Op::RolloutStarted> &r) {
        if (const auto *d = std::get_if<Op::RolloutStarted>(&r)) done(d->rollout); else done(std::get<WireError>(r));
    }));
}

void KeelClient::getRollout(const QString &id, std::function<void(const Result<Rollout> &)> done)
{
    send(Op::GetRollout{id}, expect<Op::RolloutDetail>([done](const Result<Op::RolloutDetail> &r) {
        if (const auto *d = std::get_if<Op::RolloutDetail>(&r)) done(d->rollout); else done(std::get<WireError>(r));
    }));
}

void KeelClient::listRollouts(const QString &component, std::function<void(const Result<QList<Rollout>> &)> done)
{
    send(Op::ListRollouts{component}, expect<Op::RolloutList>([done](const Result<Op::RolloutList> &r) {
        if (const auto *d = std::get_if<Op::RolloutList>(&r)) done(d->rollouts); else done(std::get<WireError>(r));
    }));
}

void KeelClient::controlRollout(const QString &id, RolloutAction action, std::function<void(const Result<Rollout> &)> done)
{
    send(Op::ControlRollout{id, action}, expect<Op::RolloutControlled>([done](const Result<Op::RolloutControlled> &r) {
        if (const auto *d = std::get_if<Op::RolloutControlled>(&r)) done(d->rollout); else done(std::get<WireError>(r));
    }));
}

void KeelClient::setPolicy(const ResidencyPolicy &policy, bool dryRun, quint64 expectedVersion,
                           std::function<void(const Result<Op::PolicySet> &)> done)
{
    send(Op::SetPolicy{policy, dryRun, expectedVersion}, expect<Op::PolicySet>(std::move(done)));
}

void KeelClient::getPolicy(quint64 version, std::function<void(const Result<ResidencyPolicy> &)> done)
{
    send(Op::GetPolicy{version}, expect<Op::PolicyDetail>([done](const Result<Op::PolicyDetail> &r) {
        if (const auto *d = std::get_if<Op::PolicyDetail>(&r)) done(d->policy); else done(std::get<WireError>(r));
    }));
}

void KeelClient::listPolicyHistory(std::function<void(const Result<QList<PolicyRevision>> &)> done)
{
    send(Op::ListPolicyHistory{}, expect<Op::PolicyHistory>([done](const Result<Op::PolicyHistory> &r) {
        if (const auto *d = std::get_if<Op::PolicyHistory>(&r)) done(d->revisions); else done(std::get<WireError>(r));
    }));
}

void KeelClient::listViolations(std::function<void(const Result<Op::ViolationList> &)> done)
{
    send(Op::ListViolations{}, expect<Op::ViolationList>(std::move(done)));
}

void KeelClient::checkPlacement(const QString &component, const QString &version, const QString &selector,
                                std::function<void(const Result<QList<PlacementDecision>> &)> done)
{
    send(Op::CheckPlacement{component, version, selector}, expect<Op::PlacementCheck>([done](const Result<Op::PlacementCheck> &r) {
        if (const auto *d = std::get_if<Op::PlacementCheck>(&r)) done(d->decisions); else done(std::get<WireError>(r));
    }));
}

} // namespace Keel
