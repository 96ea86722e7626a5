#pragma once

#include "residencytypes.h"
#include "wireerror.h"

#include <QObject>

namespace Keel {

class KeelClient;
class PolicyHistoryModel;
class PolicyRulesModel;
class ViolationListModel;

// Keeps the Policies pane's models in step with the control plane through a KeelClient:
// on every connect (and F5) it reads the policy applied now, its history and the
// violations; then the violations topic (watched by FleetFeed) brings each violation found
// or resolved and each policy applied, by this console or any other. An edit in progress
// is kept when another policy is applied; the rules model then knows the new one.
class PolicyFeed final : public QObject
{
    Q_OBJECT

public:
    PolicyFeed(KeelClient *client, PolicyRulesModel *rules, ViolationListModel *violations, PolicyHistoryModel *history,
               QObject *parent = nullptr);

    // True once the policy was read on the current connection.
    bool isListed() const { return m_listed; }
    QString lastError() const { return m_lastError; }
    // The policy the control plane applies now (version 0: none yet).
    const ResidencyPolicy &applied() const;

public slots:
    void refresh();
    // A policy as the control plane answered an apply: shown at once, before its event.
    void apply(const Keel::ResidencyPolicy &policy, const QString &diff);

signals:
    void listedChanged(bool listed);
    void lastErrorChanged(const QString &message);
    // Another version was applied: `edited` when it arrived while an edit was in progress
    // (which is kept).
    void appliedChanged(quint64 version, const QString &by, bool edited);

private:
    void setListed(bool listed);
    void setLastError(const QString &message);
    void adopt(const ResidencyPolicy &policy, bool replaceEdit);
    void failed(const WireError &error, const QString &what);

    KeelClient *m_client;
    PolicyRulesModel *m_rules;
    ViolationListModel *m_violations;
    PolicyHistoryModel *m_history;
    bool m_listed = false;
    QString m_lastError;
    quint64 m_session = 0; // answers of an earlier connection are dropped
};

} // namespace Keel
