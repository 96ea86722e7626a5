#include "rolloutfeed.h"

#include "gatehistory.h"
#include "keelclient.h"
#include "rolloutlistmodel.h"

#include <QPointer>

namespace Keel {

RolloutFeed::RolloutFeed(KeelClient *client, RolloutListModel *rollouts, GateHistory *history, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_rollouts(rollouts)
    , m_history(history)
{
    Q_ASSERT(client && rollouts && history);
    connect(m_client, &KeelClient::connected, this, &RolloutFeed::refresh);
    connect(m_client, &KeelClient::disconnected, this, [this] {
        ++m_session;
        setListed(false);
    });
    connect(m_client, &KeelClient::rolloutProgressed, this, [this](const RolloutEvent &event) {
        m_history->record(event);
        m_rollouts->apply(event.rollout);
    });
}

void RolloutFeed::refresh()
{
    if (m_client->state() == KeelClient::State::Disconnected)
        return;
    const quint64 session = ++m_session;
    const QPointer<RolloutFeed> self(this);
    m_client->listRollouts({}, [self, session](const Result<QList<Rollout>> &result) {
        if (!self || self->m_session != session)
            return;
        if (const auto *error = std::get_if<WireError>(&result)) {
            if (error->code == ErrorCode::Unimplemented)
                self->setLastError(tr("This control plane is older than the console and has no rollouts."));
            else if (error->code != ErrorCode::Unavailable) // a dropped connection: FleetFeed says so
                self->setLastError(tr("Cannot list the rollouts: %1").arg(error->message));
            return;
        }
        const QList<Rollout> &rollouts = std::get<QList<Rollout>>(result);
        // The gate values the listing carries are a point of each wave's history too
        // (the only one for a rollout that ended before the console started).
        for (const Rollout &rollout : rollouts)
            self->m_history->record({rollout, {}});
        self->m_rollouts->setRollouts(rollouts);
        self->setLastError({});
        self->setListed(true);
    });
}

void RolloutFeed::apply(const Rollout &rollout)
{
    m_history->record({rollout, {}});
    m_rollouts->apply(rollout);
}

void RolloutFeed::setListed(bool listed)
{
    if (m_listed == listed)
        return;
    m_listed = listed;
    emit listedChanged(listed);
}

void RolloutFeed::setLastError(const QString &message)
{
    if (m_lastError == message)
        return;
    m_lastError = message;
    emit lastErrorChanged(message);
}

} // namespace Keel
