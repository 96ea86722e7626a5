#pragma once

#include <QByteArray>
#include <QObject>
#include <QQueue>

class QProcess;
class QTimer;

namespace Keel {

// What one AOT build may use. A build runs `keel-aot` in a child process of its own
// (and process group), so nothing a module holds can stop the control plane: a crash,
// an abort in wabt's C writer or an exhausted limit ends the child and fails the build.
struct AotBuildLimits
{
    int cpuSeconds = 300;            // RLIMIT_CPU of keel-aot and of each compiler it runs
    quint64 memoryMb = 4096;         // RLIMIT_AS, address space per process
    quint64 outputMb = 512;          // RLIMIT_FSIZE: the generated C and the object
    int timeoutMs = 10 * 60 * 1000;  // wall clock for the whole build, then SIGKILL to the group
};

// Builds AOT objects one at a time (a compiler run uses a core for about a second; the
// control plane keeps the other for its connections) in child processes, asynchronously
// on the owning thread's event loop. Every build gets a directory under the work dir
// that is removed when it ends, whatever the outcome: failed builds leave no files.
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

    // `tool`: the keel-aot executable; `target` empty: this host's; `compiler` empty:
    // keel-aot's default. Leftovers of an earlier run in `workDir` are removed.
    AotBuildQueue(QString workDir, QString tool, QString target, QString compiler, AotBuildLimits limits = {},
                  QObject *parent = nullptr);
    ~AotBuildQueue() override;

    QString target() const { return m_target; }
    const AotBuildLimits &limits() const { return m_limits; }
    void enqueue(Job job);
    bool isIdle() const { return !m_process && m_pending.isEmpty(); }

    // The keel-aot beside this program, else the one on PATH.
    static QString defaultTool();

signals:
    void started(const QString &component, const QString &version);
    // `objectPath` is a finished object when `error` is empty; it is deleted when the
    // receivers return, so adopt (move) it in the slot. `unsupported`: the module uses a
    // feature the AOT tier cannot translate (it runs on the interpreter).
    void finished(const QString &component, const QString &version, const QString &moduleDigest,
                  const QString &objectPath, const QString &error, bool unsupported);

private:
    void startNext();
    void onProcessEnded(int exitCode, bool crashed);
    QString describeAbnormalEnd(int exitCode, bool crashed) const;
    void killGroup();

    QString m_workDir;
    QString m_tool;
    QString m_target;
    QString m_compiler;
    AotBuildLimits m_limits;
    QQueue<Job> m_pending;

    // The running build.
    Job m_job;
    QString m_jobDir;
    QProcess *m_process = nullptr;
    QTimer *m_timeout = nullptr;
    QByteArray m_output;
    qint64 m_pid = 0;
    bool m_timedOut = false;
};

} // namespace Keel
