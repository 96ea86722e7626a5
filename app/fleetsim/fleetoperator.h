#pragma once

#include "keelclient.h"

#include <QMap>
#include <QObject>
#include <QStringList>

#include <functional>

namespace keel::fleetsim {

// The simulator's operator side, over the real operator API (KeelClient): the regions it
// needs, a multi-use join token per region scoped to the label fleetsim=PREFIX, the watch
// (metrics and rollouts), and the changes the scenarios make and wait for. Main thread.
class FleetOperator final : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(const QString &error)>; // empty error: done

    FleetOperator(QString server, QString token, QString caFile, QString prefix, QObject *parent = nullptr);

    QString selector() const { return QStringLiteral("fleetsim=") + m_prefix; }
    Keel::KeelClient &client() { return m_client; }

    // Regions first (applying a topology with those missing), then one join token per
    // region for `agentsPerRegion` nodes, then the watch. `tokens` by region.
    void prepare(const QMap<QString, int> &agentsPerRegion,
                 std::function<void(const QString &error, const QMap<QString, QString> &tokens)> done);
    // Until component@version is in the registry and its AOT build is over (ready, failed
    // or unsupported): a build finishing later would move every node's generation again.
    void waitForBuild(const QString &component, const QString &version, qint64 deadlineMs, Done done);
    void deploy(const QString &component, const QString &version, Done done);
    void startRollout(const QString &component, const QString &version, int waves, int bakeSeconds,
                      std::function<void(const QString &error, const Keel::Rollout &rollout)> done);
    // How many of the sim's nodes the control plane shows ready, with their acknowledged
    // generation at the desired one and component@version running.
    void converged(const QString &component, const QString &version,
                   std::function<void(const QString &error, int converged, int total)> done);

signals:
    void metricsWindow(const Keel::MetricsWindow &window);
    void rolloutProgressed(const Keel::RolloutEvent &event);

private:
    void createTokens(QStringList regions, const QMap<QString, int> &agentsPerRegion, QMap<QString, QString> tokens,
                      std::function<void(const QString &, const QMap<QString, QString> &)> done);

    Keel::KeelClient m_client;
    QString m_prefix;
};

} // namespace keel::fleetsim
