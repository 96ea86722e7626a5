#pragma once

#include "operatormessages.h"

#include <QDeadlineTimer>
#include <QObject>
#include <QSslCertificate>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <chrono>

namespace Keel {

class KeelClient;
class NodeTableModel;
class RegionListModel;

// Keeps the console's models in step with one control plane through a KeelClient: lists
// what exists, applies the events that follow, and reconnects with a capped backoff when
// the connection drops, resuming the watch where it left off (or listing again when the
// control plane restarted in between: sequences belong to an epoch). While it is down
// the models keep the last known rows, marked stale, so that an operator still sees the
// fleet as it was. A refused token is final:
// retrying it cannot succeed (and each try would be one more audit record), so the feed
// stops and says a token is needed.
class FleetFeed final : public QObject
{
    Q_OBJECT

public:
    enum class Phase {
        Idle,       // never started, or stopped on purpose
        Connecting, // opening the connection, or waiting for the first list
        Live,       // listed and watching: the models are current
        Retrying,   // the connection dropped; the next attempt is scheduled
        TokenRefused, // the server refused the token; nothing is retried until start()
    };
    Q_ENUM(Phase)

    static constexpr std::chrono::milliseconds kInitialBackoff{250};
    static constexpr std::chrono::milliseconds kMaxBackoff{10000};

    FleetFeed(KeelClient *client, NodeTableModel *nodes, RegionListModel *regions, QObject *parent = nullptr);
    ~FleetFeed() override;

    // Connects (or reconnects elsewhere) and keeps connected until stop().
    void start(const QUrl &server, const QString &token);
    // For wss://: CA certificates to trust besides the system's, from the next start().
    void setCaCertificates(const QList<QSslCertificate> &certificates);
    void stop();

    Phase phase() const { return m_phase; }
    QUrl server() const { return m_server; }
    // True when the rows shown are the last known state rather than the live one.
    bool isStale() const { return m_stale; }
    // Why the last attempt or request failed; empty while all is well.
    QString lastError() const { return m_lastError; }
    // While Retrying: how long until the next attempt.
    std::chrono::milliseconds retryRemaining() const;
    // Who the connection's token is (principal, role, expiry); empty principal until the
    // control plane said, and after a stop or a move to another server.
    Op::Identity identity() const { return m_identity; }

signals:
    void phaseChanged(Keel::FleetFeed::Phase phase);
    void staleChanged(bool stale);
    void lastErrorChanged(const QString &message);
    // The server refused the token (lastError() says why): ask the operator for another.
    void tokenRefused(const QString &reason);
    void identityChanged(const Keel::Op::Identity &identity);

private:
    void onConnected();
    void watchAndList();
    void onDisconnected(const QString &reason);
    void reconnect();
    void setPhase(Phase phase);
    void setStale(bool stale);
    void setLastError(const QString &message);

    KeelClient *m_client;
    NodeTableModel *m_nodes;
    RegionListModel *m_regions;
    QUrl m_server;
    QString m_token;
    Phase m_phase = Phase::Idle;
    bool m_stale = false;
    QString m_lastError;
    // Answers from an earlier connection must not land in the models of a later one.
    quint64 m_session = 0;
    bool m_reopenWhenClosed = false;
    // Listed on this control plane before: a reconnect resumes the watch instead.
    bool m_resumable = false;
    Op::Identity m_identity;
    void setIdentity(Op::Identity identity);
    void askIdentity();
    std::chrono::milliseconds m_backoff = kInitialBackoff;
    QTimer m_retryTimer;
    QDeadlineTimer m_retryDeadline;
};

} // namespace Keel
