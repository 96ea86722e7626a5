#pragma once

#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QStringList>
#include <QTimer>

// Steady HTTP traffic to one path on several nodes, recorded per node: how many answers,
// which version answered (X-Hash-Version, "1.0.0" without it), and every failure with
// its status and body. Runs in the test's event loop (QTRY_* keeps it going).
class TrafficGenerator final : public QObject
{
    Q_OBJECT

public:
    struct Failure
    {
        QString node;
        int status = 0; // 0: no HTTP answer at all
        QString body;
    };

    explicit TrafficGenerator(QObject *parent = nullptr);

    void addTarget(const QString &node, const QString &baseUrl);
    // One request per target every intervalMs, at most `inFlight` unanswered per target.
    void start(const QString &path, int intervalMs, int inFlight = 4);
    void stop();

    int answers(const QString &node) const { return m_answers.value(node); }
    // The version of the last answer from the node.
    QString lastVersion(const QString &node) const { return m_lastVersion.value(node); }
    QList<Failure> failures() const { return m_failures; }
    // Failures other than deliberate 500s whose body contains `allowedBody`.
    QList<Failure> unexpectedFailures(const QString &allowedBody) const;

private:
    void fire();

    QNetworkAccessManager m_manager;
    QTimer m_timer;
    QString m_path;
    int m_inFlightLimit = 4;
    QHash<QString, QString> m_targets; // node -> base URL
    QHash<QString, int> m_inFlight;
    QHash<QString, int> m_answers;
    QHash<QString, QString> m_lastVersion;
    QList<Failure> m_failures;
};
