#include "operatorsession.h"

#include "eventhub.h"
#include "fleetservice.h"
#include "keelversion.h"
#include "operatorcodec.h"
#include "overloaded.h"
#include "servermetrics.h"

namespace Keel {

namespace {


WireError denied(const OperatorTokenRecord &principal, const char *action, Role needed)
{
    return {ErrorCode::PermissionDenied,
            QStringLiteral("token %1 has role %2; %3 needs %4").arg(principal.name, toText(principal.role),
                                                                   QLatin1String(action), toText(needed)),
            {}};
}

} // namespace

OperatorSession::OperatorSession(QWebSocket *socket, OperatorTokenRecord principal, FleetService &fleet,
                                 EventHub &events, ServerMetrics &metrics, QObject *parent)
    : WebSocketSession(socket, "operator", metrics, parent)
    , m_principal(std::move(principal))
    , m_fleet(fleet)
    , m_events(events)
{
}

void OperatorSession::handleFrame(const QByteArray &frame)
{
    auto request = OperatorCodec::decodeRequest(frame);
    if (!request) {
        reject("garbled", request.error);
        return;
    }
    std::string kind;
    OperatorResponse response{request.value->id, dispatch(request.value->body, &kind)};
    const auto *error = std::get_if<WireError>(&response.body);
    metrics().request(kind, error ? toText(error->code).toStdString() : "ok");
    send(OperatorCodec::encodeResponse(response));
    const QList<WatchEvent> replay = std::exchange(m_replay, {});
    for (const WatchEvent &event : replay)
        forward(event);
}

OperatorResponseBody OperatorSession::dispatch(const OperatorRequestBody &request, std::string *kind)
{
    const Role role = m_principal.role;
    auto convert = [](auto &&result) -> OperatorResponseBody {
        return std::visit([](auto &&v) -> OperatorResponseBody { return v; }, std::move(result));
    };
    return std::visit(Overloaded{
        [&](const Op::ListRegions &) -> OperatorResponseBody {
            *kind = "list_regions";
            return Op::RegionList{m_fleet.regions()};
        },
        [&](const Op::ApplyTopology &r) -> OperatorResponseBody {
            *kind = "apply_topology";
            if (role < Role::Operator)
                return denied(m_principal, "applying a topology", Role::Operator);
            return convert(m_fleet.applyTopology(r.regions));
        },
        [&](const Op::ListNodes &r) -> OperatorResponseBody {
            *kind = "list_nodes";
            if (!r.selector.isEmpty() && r.selector != QLatin1String("all")) {
                return WireError{ErrorCode::Unimplemented,
                                 QStringLiteral("node selectors arrive with deployments; list all nodes and filter instead"),
                                 QStringLiteral("selector")};
            }
            return Op::NodeList{m_fleet.nodes()};
        },
        [&](const Op::GetNode &r) -> OperatorResponseBody {
            *kind = "get_node";
            if (auto node = m_fleet.node(r.name))
                return Op::NodeDetail{*node};
            return WireError{ErrorCode::NotFound, QStringLiteral("no node named \"%1\": see keelctl nodes list").arg(r.name), QStringLiteral("name")};
        },
        [&](const Op::CreateJoinToken &r) -> OperatorResponseBody {
            *kind = "create_join_token";
            if (role < Role::Operator)
                return denied(m_principal, "creating a join token", Role::Operator);
            return convert(m_fleet.createJoinToken(r.region, r.uses, r.ttlSeconds));
        },
        [&](const Op::Watch &r) -> OperatorResponseBody {
            *kind = "watch";
            return startWatch(r);
        },
        [&](const Op::Unsupported &r) -> OperatorResponseBody {
            *kind = "unsupported";
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
    QList<WatchEvent> missed;
    if (watch.resumeAfterSequence > 0) {
        const auto held = m_events.since(watch.resumeAfterSequence);
        if (!held) {
            return WireError{ErrorCode::FailedPrecondition,
                             QStringLiteral("events after sequence %1 are no longer held: list the current state again and watch from now").arg(watch.resumeAfterSequence),
                             QStringLiteral("resume_after_sequence")};
        }
        missed = *held;
    }
    m_topics = QSet<WatchTopic>(watch.topics.cbegin(), watch.topics.cend());
    if (!m_watch)
        m_watch = connect(&m_events, &EventHub::published, this, &OperatorSession::forward);
    // Sent right after the answer, before any live event can interleave.
    m_replay = std::move(missed);
    return Op::WatchStarted{m_events.currentSequence()};
}

bool OperatorSession::wants(const WatchEvent &event) const
{
    return std::visit(Overloaded{
        [&](const NodeChange &) { return m_topics.contains(WatchTopic::Nodes); },
        [&](const TopologyChange &) { return m_topics.contains(WatchTopic::Topology); },
    }, event.event);
}

void OperatorSession::forward(const WatchEvent &event)
{
    if (wants(event))
        send(OperatorCodec::encodeEvent(event));
}

} // namespace Keel
