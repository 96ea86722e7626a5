#include "operatorsession.h"

#include "auditlog.h"
#include "deploymentservice.h"
#include "eventhub.h"
#include "fleetmetrics.h"
#include "fleetservice.h"
#include "keelversion.h"
#include "operatorcodec.h"
#include "nodeselector.h"
#include "overloaded.h"
#include "registryservice.h"
#include "residencyservice.h"
#include "rolloutengine.h"
#include "servermetrics.h"
#include "storeerror.h"
#include "tokenauthority.h"

#include <QLoggingCategory>

namespace Keel {

Q_LOGGING_CATEGORY(lcOperator, "keel.operator")

namespace {

QString auditResult(const OperatorResponseBody &response)
{
    if (const auto *error = std::get_if<WireError>(&response)) {
        if (error->code == ErrorCode::PermissionDenied)
            return QStringLiteral("denied: ") + error->message;
        return QStringLiteral("error: %1: %2").arg(toText(error->code), error->message);
    }
    return QStringLiteral("ok");
}

} // namespace

OperatorSession::OperatorSession(WsConnection *socket, OperatorTokenRecord principal, OperatorServices services,
                                 ServerMetrics &metrics, QObject *parent)
    : WebSocketSession(socket, "operator", metrics, parent)
    , m_principal(std::move(principal))
    , m_services(services)
{
    connect(&m_services.tokens, &TokenAuthority::revoked, this, [this](const QString &id) {
        if (id == m_principal.id)
            reject("token_revoked", QStringLiteral("operator token %1 was revoked").arg(m_principal.name),
                   QWebSocketProtocol::CloseCodePolicyViolated);
    });
}

void OperatorSession::handleFrame(const QByteArray &frame)
{
    auto request = OperatorCodec::decodeRequest(frame);
    if (!request) {
        reject("garbled", request.error);
        return;
    }
    const RequestAccess access = AccessPolicy::of(request.value->body);
    OperatorResponse response{request.value->id, authorizeAndServe(request.value->body, access)};
    const auto *error = std::get_if<WireError>(&response.body);
    metrics().request(access.action.toStdString(), error ? toText(error->code).toStdString() : "ok");
    if (access.mutates) {
        const QString note = std::exchange(m_auditNote, {});
        m_services.audit.record(TokenAuthority::principalOf(m_principal), m_principal.id, access.action,
                                note.isEmpty() ? access.target : access.target + QStringLiteral(", ") + note,
                                auditResult(response.body));
    }
    send(OperatorCodec::encodeResponse(response));
    const QList<WatchEvent> replay = std::exchange(m_replay, {});
    for (const WatchEvent &event : replay)
        forward(event);
}

OperatorResponseBody OperatorSession::authorizeAndServe(const OperatorRequestBody &request, const RequestAccess &access)
{
    if (m_principal.role < access.needed) {
        return WireError{ErrorCode::PermissionDenied,
                         QStringLiteral("token %1 has role %2; %3 needs role %4 or higher")
                             .arg(m_principal.name, toText(m_principal.role), access.action, toText(access.needed)),
                         {}};
    }
    try {
        return serve(request);
    } catch (const StoreError &error) {
        metrics().storeError();
        qCCritical(lcOperator, "store failure serving %s: %s", qPrintable(access.action), error.what());
        return WireError{ErrorCode::Internal, QStringLiteral("the control plane's store failed; see its log"), {}};
    }
}

OperatorResponseBody OperatorSession::serve(const OperatorRequestBody &request)
{
    FleetService &fleet = m_services.fleet;
    TokenAuthority &tokens = m_services.tokens;
    auto convert = [](auto &&result) -> OperatorResponseBody {
        return std::visit([](auto &&v) -> OperatorResponseBody { return v; }, std::move(result));
    };
    return std::visit(Overloaded{
        [&](const Op::ListRegions &) -> OperatorResponseBody { return Op::RegionList{fleet.regions()}; },
        [&](const Op::ApplyTopology &r) -> OperatorResponseBody { return convert(fleet.applyTopology(r.regions)); },
        [&](const Op::ListNodes &r) -> OperatorResponseBody {
            auto selector = NodeSelector::parse(r.selector.isEmpty() ? QStringLiteral("all") : r.selector);
            if (const auto *error = std::get_if<QString>(&selector))
                return WireError{ErrorCode::BadRequest, *error, QStringLiteral("selector")};
            QList<Node> nodes;
            for (const Node &node : fleet.nodes()) {
                if (std::get<NodeSelector>(selector).matches(node))
                    nodes.append(m_services.deployments.withState(node));
            }
            return Op::NodeList{nodes};
        },
        [&](const Op::GetNode &r) -> OperatorResponseBody {
            if (auto node = fleet.node(r.name))
                return Op::NodeDetail{m_services.deployments.withState(*node)};
            return WireError{ErrorCode::NotFound, QStringLiteral("no node named \"%1\": see keelctl nodes list").arg(r.name), QStringLiteral("name")};
        },
        [&](const Op::CreateJoinToken &r) -> OperatorResponseBody {
            return convert(fleet.createJoinToken(r.region, r.uses, r.ttlSeconds, r.site, r.labels));
        },
        [&](const Op::WhoAmI &) -> OperatorResponseBody {
            return Op::Identity{TokenAuthority::principalOf(m_principal), m_principal.info()};
        },
        [&](const Op::LabelNode &r) -> OperatorResponseBody {
            auto labelled = fleet.labelNode(r.name, r.labels, r.remove);
            if (auto *error = std::get_if<WireError>(&labelled))
                return *error;
            return Op::NodeLabeled{m_services.deployments.withState(std::get<Node>(labelled))};
        },
        [&](const Op::Watch &r) -> OperatorResponseBody { return startWatch(r); },
        [&](const Op::CreateToken &r) -> OperatorResponseBody { return convert(tokens.create(r.role, r.name, r.ttlSeconds)); },
        [&](const Op::ListTokens &) -> OperatorResponseBody { return Op::TokenList{tokens.list()}; },
        [&](const Op::RevokeToken &r) -> OperatorResponseBody {
            auto revoked = tokens.revoke(r.id);
            if (auto *error = std::get_if<WireError>(&revoked))
                return *error;
            return Op::TokenRevoked{};
        },
        [&](const Op::ListAudit &r) -> OperatorResponseBody {
            constexpr int kDefaultLimit = 1000;
            const int limit = r.limit > 0 ? r.limit : kDefaultLimit;
            Op::AuditList list;
            // One more than asked tells whether the answer is complete.
            list.records = m_services.audit.read(r.since, r.afterSequence, limit + 1);
            if (list.records.size() > limit) {
                list.records.resize(limit);
                list.truncated = true;
            }
            return list;
        },
        [&](const Op::PushComponent &r) -> OperatorResponseBody {
            return convert(m_services.registry.push(r.manifest, r.module, TokenAuthority::principalOf(m_principal)));
        },
        [&](const Op::ListComponents &r) -> OperatorResponseBody {
            auto listed = m_services.registry.list(r.name);
            if (auto *error = std::get_if<WireError>(&listed))
                return *error;
            return Op::ComponentList{std::get<QList<ComponentVersion>>(std::move(listed))};
        },
        [&](const Op::Deploy &r) -> OperatorResponseBody {
            auto result = m_services.deployments.deploy(r.component, r.version, r.selector,
                                                        TokenAuthority::principalOf(m_principal), r.skipDisallowed);
            if (auto *error = std::get_if<WireError>(&result))
                return *error;
            auto &deployed = std::get<DeploymentService::Deployed>(result);
            if (!deployed.skipped.isEmpty()) {
                QStringList nodes;
                for (const PlacementDecision &d : std::as_const(deployed.skipped))
                    nodes.append(d.node);
                m_auditNote = QStringLiteral("skipped %1 (residency)").arg(nodes.join(u' '));
            }
            return Op::Deployed{deployed.nodesMatched, std::move(deployed.skipped)};
        },
        [&](const Op::Undeploy &r) -> OperatorResponseBody {
            auto result = m_services.deployments.undeploy(r.component, r.selector, TokenAuthority::principalOf(m_principal));
            if (auto *error = std::get_if<WireError>(&result))
                return *error;
            return Op::Undeployed{std::get<int>(result)};
        },
        [&](const Op::ListDeployments &r) -> OperatorResponseBody {
            return Op::DeploymentList{m_services.deployments.rules(r.component)};
        },
        [&](const Op::QueryMetrics &r) -> OperatorResponseBody {
            auto windows = m_services.metrics.query(r.component, r.region, r.node, r.since);
            if (auto *error = std::get_if<WireError>(&windows))
                return *error;
            return Op::MetricsWindows{std::get<QList<MetricsWindow>>(std::move(windows))};
        },
        [&](const Op::StartRollout &r) -> OperatorResponseBody {
            auto started = m_services.rollouts.start(r.spec, TokenAuthority::principalOf(m_principal));
            if (auto *error = std::get_if<WireError>(&started))
                return *error;
            return Op::RolloutStarted{std::get<Rollout>(std::move(started))};
        },
        [&](const Op::GetRollout &r) -> OperatorResponseBody {
            if (auto rollout = m_services.rollouts.rollout(r.id))
                return Op::RolloutDetail{*rollout};
            return WireError{ErrorCode::NotFound, QStringLiteral("no rollout %1: see keelctl rollout list").arg(r.id.left(64)),
                             QStringLiteral("id")};
        },
        [&](const Op::ListRollouts &r) -> OperatorResponseBody { return Op::RolloutList{m_services.rollouts.rollouts(r.component)}; },
        [&](const Op::ControlRollout &r) -> OperatorResponseBody {
            auto done = m_services.rollouts.control(r.id, r.action, TokenAuthority::principalOf(m_principal));
            if (auto *error = std::get_if<WireError>(&done))
                return *error;
            return Op::RolloutControlled{std::get<Rollout>(std::move(done))};
        },
        [&](const Op::SetPolicy &r) -> OperatorResponseBody {
            ResidencyService &residency = m_services.residency;
            const quint64 before = residency.version();
            auto applied = residency.apply(r.policy, r.dryRun, r.expectedVersion, TokenAuthority::principalOf(m_principal));
            if (auto *error = std::get_if<WireError>(&applied))
                return *error;
            auto &a = std::get<ResidencyService::Applied>(applied);
            // The audit record says what changed, not only that something did.
            if (!r.dryRun)
                m_auditNote = a.policy.version == before ? QStringLiteral("unchanged at version %1").arg(before)
                                                         : QStringLiteral("version %1: %2").arg(a.policy.version).arg(a.impact.diff);
            return Op::PolicySet{std::move(a.policy), std::move(a.impact)};
        },
        [&](const Op::GetPolicy &r) -> OperatorResponseBody {
            auto policy = m_services.residency.policy(r.version);
            if (auto *error = std::get_if<WireError>(&policy))
                return *error;
            return Op::PolicyDetail{std::get<ResidencyPolicy>(std::move(policy))};
        },
        [&](const Op::ListPolicyHistory &) -> OperatorResponseBody { return Op::PolicyHistory{m_services.residency.history()}; },
        [&](const Op::ListViolations &) -> OperatorResponseBody {
            return Op::ViolationList{m_services.residency.violations(), m_services.residency.version()};
        },
        [&](const Op::CheckPlacement &r) -> OperatorResponseBody {
            auto decisions = m_services.deployments.placements(r.component, r.version, r.selector.isEmpty() ? QStringLiteral("all") : r.selector);
            if (auto *error = std::get_if<WireError>(&decisions))
                return *error;
            return Op::PlacementCheck{std::get<QList<PlacementDecision>>(std::move(decisions))};
        },
        [&](const Op::Invalid &r) -> OperatorResponseBody {
            return WireError{ErrorCode::BadRequest, QStringLiteral("%1: %2").arg(r.request, r.message), r.field};
        },
        [&](const Op::Unsupported &r) -> OperatorResponseBody {
            return WireError{ErrorCode::Unimplemented,
                             QStringLiteral("%1 is part of keel.v1 but this control plane (%2) does not serve it yet").arg(r.name, QStringLiteral(KEEL_VERSION)),
                             {}};
        },
    }, request);
}

OperatorResponseBody OperatorSession::startWatch(const Op::Watch &watch)
{
    if (watch.topics.isEmpty())
        return WireError{ErrorCode::BadRequest, QStringLiteral("a watch needs at least one topic"), QStringLiteral("topics")};
    EventHub &events = m_services.events;
    QList<WatchEvent> missed;
    if (watch.resumeAfterSequence > 0) {
        if (!watch.resumeEpoch.isEmpty() && watch.resumeEpoch != events.epoch()) {
            return WireError{ErrorCode::FailedPrecondition,
                             QStringLiteral("the control plane restarted since sequence %1 (epoch %2, now %3): list the current "
                                            "state again and watch from now")
                                 .arg(watch.resumeAfterSequence)
                                 .arg(watch.resumeEpoch, events.epoch()),
                             QStringLiteral("resume_epoch")};
        }
        const auto held = events.since(watch.resumeAfterSequence);
        if (!held) {
            return WireError{ErrorCode::FailedPrecondition,
                             QStringLiteral("events after sequence %1 are no longer held: list the current state again and watch from now").arg(watch.resumeAfterSequence),
                             QStringLiteral("resume_after_sequence")};
        }
        missed = *held;
    }
    // The audit stream is for those who may read the audit log.
    if (watch.topics.contains(WatchTopic::Audit) && m_principal.role < Role::Operator) {
        return WireError{ErrorCode::PermissionDenied,
                         QStringLiteral("token %1 has role %2; watching the audit topic needs role operator or higher")
                             .arg(m_principal.name, toText(m_principal.role)),
                         QStringLiteral("topics")};
    }
    m_topics = QSet<WatchTopic>(watch.topics.cbegin(), watch.topics.cend());
    if (!m_watch)
        m_watch = connect(&events, &EventHub::published, this, &OperatorSession::forward);
    // Sent right after the answer, before any live event can interleave.
    m_replay = std::move(missed);
    return Op::WatchStarted{events.currentSequence(), events.epoch()};
}

bool OperatorSession::wants(const WatchEvent &event) const
{
    return std::visit(Overloaded{
        [&](const NodeChange &) { return m_topics.contains(WatchTopic::Nodes); },
        [&](const TopologyChange &) { return m_topics.contains(WatchTopic::Topology); },
        [&](const AuditRecord &) { return m_topics.contains(WatchTopic::Audit); },
        [&](const AotBuildFinished &) { return m_topics.contains(WatchTopic::Deployments); },
        [&](const DeploymentChange &) { return m_topics.contains(WatchTopic::Deployments); },
        [&](const StateAckRecord &) { return m_topics.contains(WatchTopic::Deployments); },
        [&](const MetricsWindow &) { return m_topics.contains(WatchTopic::Metrics); },
        [&](const RolloutEvent &) { return m_topics.contains(WatchTopic::Rollouts); },
        [&](const ResidencyViolation &) { return m_topics.contains(WatchTopic::Violations); },
        [&](const PolicyChange &) { return m_topics.contains(WatchTopic::Violations); },
    }, event.event);
}

void OperatorSession::forward(const WatchEvent &event)
{
    if (wants(event))
        send(OperatorCodec::encodeEvent(event));
}

} // namespace Keel
