#pragma once

#include "rollouttypes.h"

#include <QObject>

namespace Keel {

class GateHistory;
class KeelClient;
class RolloutListModel;

// Keeps the rollout list and the gate history in step with the control plane through a
// KeelClient: lists the rollouts whenever the connection comes up (the watch that brings
// their events is FleetFeed's) and applies every RolloutEvent to the rollout's row and
// to the history of its gates.
class RolloutFeed final : public QObject
{
    Q_OBJECT

public:
    RolloutFeed(KeelClient *client, RolloutListModel *rollouts, GateHistory *history, QObject *parent = nullptr);

    // True once the rollouts were listed on the current connection.
    bool isListed() const { return m_listed; }
    // Why the last listing failed, in words; empty while all is well.
    QString lastError() const { return m_lastError; }

public slots:
    // Lists the rollouts again (F5; also on every connect).
    void refresh();
    // A rollout as the control plane answered it (a start, a control): shown at once,
    // before its event arrives.
    void apply(const Keel::Rollout &rollout);

signals:
    void listedChanged(bool listed);
    void lastErrorChanged(const QString &message);

private:
    void setListed(bool listed);
    void setLastError(const QString &message);

    KeelClient *m_client;
    RolloutListModel *m_rollouts;
    GateHistory *m_history;
    bool m_listed = false;
    QString m_lastError;
    // Answers from an earlier connection must not land in the model of a later one.
    quint64 m_session = 0;
};

} // namespace Keel
