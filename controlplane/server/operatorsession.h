#pragma once

#include "accesspolicy.h"
#include "accessstore.h"
#include "operatormessages.h"
#include "operatorservices.h"
#include "websocketsession.h"

#include <QSet>

namespace Keel {

// The control plane's side of one authenticated /v1/operator connection: typed requests
// checked against the token's role (AccessPolicy), every mutating one audited, and watch
// events for the topics asked for. Closes when its token is revoked.
class OperatorSession final : public WebSocketSession
{
    Q_OBJECT

public:
    OperatorSession(WsConnection *socket, OperatorTokenRecord principal, OperatorServices services,
                    ServerMetrics &metrics, QObject *parent);

protected:
    void handleFrame(const QByteArray &frame) override;

private:
    OperatorResponseBody authorizeAndServe(const OperatorRequestBody &request, const RequestAccess &access);
    OperatorResponseBody serve(const OperatorRequestBody &request);
    OperatorResponseBody startWatch(const Op::Watch &watch);
    void forward(const WatchEvent &event);
    bool wants(const WatchEvent &event) const;

    OperatorTokenRecord m_principal;
    OperatorServices m_services;
    QSet<WatchTopic> m_topics;
    QMetaObject::Connection m_watch;
    QList<WatchEvent> m_replay;
    QString m_auditNote; // appended to the audit record's target of the request being served
};

} // namespace Keel
