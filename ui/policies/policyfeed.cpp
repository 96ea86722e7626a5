#include "policyfeed.h"

#include "keelclient.h"
#include "policyhistorymodel.h"
#include "policyrulesmodel.h"
#include "violationlistmodel.h"

#include <QPointer>

namespace Keel {

PolicyFeed::PolicyFeed(KeelClient *client, PolicyRulesModel *rules, ViolationListModel *violations, PolicyHistoryModel *history,
                       QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_rules(rules)
    , m_violations(violations)
    , m_history(history)
{
    Q_ASSERT(client && rules && violations && history);
    connect(m_client, &KeelClient::connected, this, &PolicyFeed::refresh);
    connect(m_client, &KeelClient::disconnected, this, [this] {
        ++m_session;
        setListed(false);
    });
    connect(m_client, &KeelClient::violationChanged, m_violations, &ViolationListModel::apply);
    connect(m_client, &KeelClient::policyChanged, this, [this](const PolicyChange &change) {
        apply(change.policy, change.diff);
    });
}

const ResidencyPolicy &PolicyFeed::applied() const
{
    return m_rules->applied();
}

void PolicyFeed::failed(const WireError &error, const QString &what)
{
    if (error.code == ErrorCode::Unimplemented)
        setLastError(tr("This control plane is older than the console and keeps no residency policy."));
    else if (error.code != ErrorCode::Unavailable) // a dropped connection: FleetFeed says so
        setLastError(tr("Cannot read %1: %2").arg(what, error.message));
}

void PolicyFeed::refresh()
{
    if (m_client->state() == KeelClient::State::Disconnected)
        return;
    const quint64 session = ++m_session;
    const QPointer<PolicyFeed> self(this);
    m_client->getPolicy(0, [self, session](const Result<ResidencyPolicy> &result) {
        if (!self || self->m_session != session)
            return;
        if (const auto *error = std::get_if<WireError>(&result); error && error->code != ErrorCode::NotFound) {
            self->failed(*error, tr("the residency policy"));
            return;
        }
        // NOT_FOUND: no policy was ever applied, which is an empty one.
        const auto *policy = std::get_if<ResidencyPolicy>(&result);
        self->adopt(policy ? *policy : ResidencyPolicy{}, false);
        self->setLastError({});
        self->setListed(true);
    });
    m_client->listViolations([self, session](const Result<Op::ViolationList> &result) {
        if (!self || self->m_session != session)
            return;
        if (const auto *error = std::get_if<WireError>(&result)) {
            self->failed(*error, tr("the violations"));
            return;
        }
        self->m_violations->setViolations(std::get<Op::ViolationList>(result).violations);
    });
    m_client->listPolicyHistory([self, session](const Result<QList<PolicyRevision>> &result) {
        if (!self || self->m_session != session)
            return;
        if (const auto *error = std::get_if<WireError>(&result)) {
            if (error->code != ErrorCode::NotFound)
                self->failed(*error, tr("the policy history"));
            return;
        }
        self->m_history->setRevisions(std::get<QList<PolicyRevision>>(result));
    });
}

void PolicyFeed::apply(const ResidencyPolicy &policy, const QString &diff)
{
    // An apply's answer and its event both come: the older of the two never wins.
    if (policy.version != 0 && policy.version < m_rules->applied().version)
        return;
    const bool fresh = policy.version != m_rules->applied().version;
    const bool edited = m_rules->isModified() && !policy.sameRules(m_rules->policy());
    adopt(policy, false);
    if (policy.version != 0)
        m_history->add(PolicyHistoryModel::revisionOf({policy, diff}));
    if (fresh)
        emit appliedChanged(policy.version, QString::fromStdString(policy.appliedBy), edited);
}

void PolicyFeed::adopt(const ResidencyPolicy &policy, bool replaceEdit)
{
    m_rules->setApplied(policy, replaceEdit);
}

void PolicyFeed::setListed(bool listed)
{
    if (m_listed == listed)
        return;
    m_listed = listed;
    emit listedChanged(listed);
}

void PolicyFeed::setLastError(const QString &message)
{
    if (m_lastError == message)
        return;
    m_lastError = message;
    emit lastErrorChanged(message);
}

} // namespace Keel
