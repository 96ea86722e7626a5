#pragma once

#include "operatormessages.h"

#include <QHash>
#include <QObject>
#include <QUrl>
#include <QSslCertificate>
#include <QWebSocket>

#include <functional>
#include <memory>
#include <variant>

namespace Keel {

template<typename T>
using Result = std::variant<T, WireError>;

// The typed operator API over /v1/operator, used by keelctl and keel-console. Requests
// made before the connection is up are queued; every callback runs exactly once, with the
// answer or an error (a refused token, a dropped connection, an unexpected answer).
class KeelClient final : public QObject
{
    Q_OBJECT

public:
    enum class State { Disconnected, Connecting, Connected };
    Q_ENUM(State)

    explicit KeelClient(QObject *parent = nullptr);
    ~KeelClient() override;

    // `server` is ws://HOST:PORT (or wss://); /v1/operator is used when it has no path.
    void open(const QUrl &server, const QString &token);
    // For wss://: trust these CA certificates (besides the system's) for the next open().
    void setCaCertificates(const QList<QSslCertificate> &certificates) { m_caCertificates = certificates; }
    void close();
    State state() const { return m_state; }
    QUrl url() const { return m_url; }
    // True when the last connection ended because the server refused the token (expired,
    // revoked, unknown): trying again with the same token cannot succeed.
    bool tokenRefused() const { return m_tokenRefused; }
    // The last watch event's sequence, for resuming after a reconnect, and the epoch of
    // the control plane run it belongs to (sent along by watch() when it resumes).
    quint64 lastSequence() const { return m_lastSequence; }
    QString epoch() const { return m_epoch; }

    // Accepts "host:port", "ws://host:port" or "wss://host:port"; an invalid QUrl if not.
    static QUrl normalizeServer(const QString &server);

    void listRegions(std::function<void(const Result<QList<Region>> &)> done);
    void applyTopology(const QList<Region> &regions, std::function<void(const Result<TopologyApplied> &)> done);
    void listNodes(std::function<void(const Result<QList<Node>> &)> done);
    void getNode(const QString &name, std::function<void(const Result<Node> &)> done);
    void createJoinToken(const QString &region, int uses, int ttlSeconds, std::function<void(const Result<JoinToken> &)> done)
    {
        createJoinToken(region, uses, ttlSeconds, {}, {}, std::move(done));
    }
    // With a scope: nodes enrolling with the token get this site and these labels.
    void createJoinToken(const QString &region, int uses, int ttlSeconds, const QString &site, const Labels &labels,
                         std::function<void(const Result<JoinToken> &)> done);
    void labelNode(const QString &name, const Labels &labels, const QStringList &remove,
                   std::function<void(const Result<Node> &)> done);
    // The connection's token: principal, role, expiry.
    void whoAmI(std::function<void(const Result<Op::Identity> &)> done);
    void watch(const QList<WatchTopic> &topics, quint64 resumeAfter, std::function<void(const Result<quint64> &)> done);
    // Operator tokens (admin) and the audit log (operator).
    void createToken(Role role, const QString &name, int ttlSeconds, std::function<void(const Result<CreatedToken> &)> done);
    void listTokens(std::function<void(const Result<QList<OperatorToken>> &)> done);
    void revokeToken(const QString &id, std::function<void(const Result<std::monostate> &)> done);
    void listAudit(const QDateTime &since, quint64 afterSequence, int limit,
                   std::function<void(const Result<Op::AuditList> &)> done);
    // The component registry: push (operator), list (viewer; empty name: all).
    void pushComponent(const Manifest &manifest, const QByteArray &module,
                       std::function<void(const Result<PushedComponent> &)> done);
    void listComponents(const QString &name, std::function<void(const Result<QList<ComponentVersion>> &)> done);
    // Deployments (operator): the number of nodes the selector matches now.
    void deploy(const QString &component, const QString &version, const QString &selector,
                std::function<void(const Result<int> &)> done);
    // With skipDisallowed: deploys to the nodes the residency policy allows and answers the
    // ones it skipped; without, a selector covering forbidden nodes is refused naming them.
    void deploy(const QString &component, const QString &version, const QString &selector, bool skipDisallowed,
                std::function<void(const Result<Op::Deployed> &)> done);
    void undeploy(const QString &component, const QString &selector, std::function<void(const Result<int> &)> done);
    // The deployment rules (viewer; empty component: all) in the order they apply.
    void listDeployments(const QString &component, std::function<void(const Result<QList<DeploymentRule>> &)> done);
    void listNodes(const QString &selector, std::function<void(const Result<QList<Node>> &)> done);
    // Fleet metrics of one component: a node's, a region's, or (neither) the fleet's.
    void queryMetrics(const QString &component, const QString &region, const QString &node, const QDateTime &since,
                      std::function<void(const Result<QList<MetricsWindow>> &)> done);

    // Rollouts: start and control (operator), read (viewer; empty component: all, newest first).
    void startRollout(const RolloutSpec &spec, std::function<void(const Result<Rollout> &)> done);
    void getRollout(const QString &id, std::function<void(const Result<Rollout> &)> done);
    void listRollouts(const QString &component, std::function<void(const Result<QList<Rollout>> &)> done);
    void controlRollout(const QString &id, RolloutAction action, std::function<void(const Result<Rollout> &)> done);

    // Residency (docs/residency.md): apply (operator) or, with dryRun, only preview the
    // impact; expectedVersion (0: any) refuses the apply with CONFLICT if another version
    // was applied since. Reads are for any role.
    void setPolicy(const ResidencyPolicy &policy, bool dryRun, quint64 expectedVersion,
                   std::function<void(const Result<Op::PolicySet> &)> done);
    void getPolicy(quint64 version, std::function<void(const Result<ResidencyPolicy> &)> done); // 0: current
    void listPolicyHistory(std::function<void(const Result<QList<PolicyRevision>> &)> done);     // newest first
    void listViolations(std::function<void(const Result<Op::ViolationList> &)> done);
    // Where component@version may be placed among the nodes the selector matches.
    void checkPlacement(const QString &component, const QString &version, const QString &selector,
                        std::function<void(const Result<QList<PlacementDecision>> &)> done);

signals:
    void stateChanged(Keel::KeelClient::State state);
    void connected();
    // `reason` says why, e.g. the server's refusal of the token or the socket error.
    void disconnected(const QString &reason);
    void nodeChanged(const Keel::NodeChange &change);
    void topologyChanged(const QList<Keel::Region> &regions);
    void auditRecorded(const Keel::AuditRecord &record);
    void aotBuildFinished(const Keel::AotBuildFinished &event);
    void deploymentChanged(const Keel::DeploymentChange &change);
    void stateAckRecorded(const Keel::StateAckRecord &record);
    void metricsWindow(const Keel::MetricsWindow &window);
    void rolloutProgressed(const Keel::RolloutEvent &event);
    // Topic violations: a violation found (or, with resolved set, gone), a policy applied.
    void violationChanged(const Keel::ResidencyViolation &violation);
    void policyChanged(const Keel::PolicyChange &change);

private:
    using Handler = std::function<void(const OperatorResponseBody &)>;
    void send(OperatorRequestBody body, Handler handler);
    void onFrame(const QByteArray &frame);
    void onDisconnected();
    void setState(State state);
    void dropSocket();
    void failAll(const WireError &error);

    template<typename T, typename Done>
    static Handler expect(Done done);

    // One socket per connection attempt: a replaced connection's late signals cannot
    // reach the new one.
    std::unique_ptr<QWebSocket> m_socket;
    QUrl m_url;
    State m_state = State::Disconnected;
    quint64 m_nextId = 1;
    quint64 m_lastSequence = 0;
    QString m_epoch; // of the last watch answered
    QHash<quint64, Handler> m_pending;
    QList<QByteArray> m_queued;
    QString m_refusal;
    bool m_tokenRefused = false;
    QList<QSslCertificate> m_caCertificates;
};

} // namespace Keel
