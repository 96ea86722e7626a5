#pragma once

#include <QByteArray>
#include <QObject>
#include <QThreadPool>

namespace Keel {

// Builds AOT objects off the event loop, one at a time (a compiler run uses a core for
// about a second; the control plane keeps the other for its connections). Jobs report
// back on the thread that owns the queue.
class AotBuildQueue final : public QObject
{
    Q_OBJECT

public:
    struct Job
    {
        QString component;
        QString version;
        QString moduleDigest;
        QByteArray module;
    };

    // `workDir` holds objects until the registry adopts them; `target` empty: this host's.
    AotBuildQueue(QString workDir, QString target, QString compiler, QObject *parent = nullptr);
    ~AotBuildQueue() override;

    QString target() const { return m_target; }
    void enqueue(Job job);
    // Waits for the running build (tests, shutdown).
    void waitForIdle();

signals:
    void started(const QString &component, const QString &version);
    // `objectPath` is a finished object in the work dir when `error` is empty.
    void finished(const QString &component, const QString &version, const QString &moduleDigest,
                  const QString &objectPath, const QString &error);

private:
    QString m_workDir;
    QString m_target;
    QString m_compiler;
    QThreadPool m_pool;
};

} // namespace Keel
