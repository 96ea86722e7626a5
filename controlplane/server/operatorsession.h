#pragma once

#include "operatormessages.h"
#include "store.h"
#include "websocketsession.h"

#include <QSet>

namespace Keel {

class EventHub;
class FleetService;

// The control plane's side of one authenticated /v1/operator connection: typed requests
// checked against the token's role, and watch events for the topics asked for.
class OperatorSession final : public WebSocketSession
{
    Q_OBJECT

public:
    OperatorSession(QWebSocket *socket, OperatorTokenRecord principal, FleetService &fleet,
                    EventHub &events, ServerMetrics &metrics, QObject *parent);

protected:
    void handleFrame(const QByteArray &frame) override;

private:
    OperatorResponseBody dispatch(const OperatorRequestBody &request, std::string *kind);
    OperatorResponseBody startWatch(const Op::Watch &watch);
    void forward(const WatchEvent &event);
    bool wants(const WatchEvent &event) const;

    OperatorTokenRecord m_principal;
    FleetService &m_fleet;
    EventHub &m_events;
    QSet<WatchTopic> m_topics;
    QMetaObject::Connection m_watch;
    QList<WatchEvent> m_replay;
};

} // namespace Keel
