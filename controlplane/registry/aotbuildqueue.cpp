#include "aotbuildqueue.h"

#include "aotbuilder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>
#include <QUuid>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <sys/resource.h>
#include <unistd.h>

namespace Keel {

Q_LOGGING_CATEGORY(lcAotBuild, "keel.aot")

namespace {

constexpr qsizetype kMaxOutput = 16 * 1024;
constexpr int kExitUnsupported = 3; // keel-aot: the module uses what the AOT tier cannot translate

// Never above the limit inherited: lowering always works, raising would fail unnoticed.
void setLimit(int resource, rlim_t soft, rlim_t hard)
{
    rlimit current{};
    if (getrlimit(resource, &current) == 0 && current.rlim_max != RLIM_INFINITY) {
        hard = std::min(hard, current.rlim_max);
        soft = std::min(soft, hard);
    }
    const rlimit limit{soft, hard};
    setrlimit(resource, &limit);
}

QString signalName(int signal)
{
    switch (signal) {
    case SIGKILL: return QStringLiteral("SIGKILL");
    case SIGABRT: return QStringLiteral("SIGABRT");
    case SIGSEGV: return QStringLiteral("SIGSEGV");
    case SIGXCPU: return QStringLiteral("SIGXCPU");
    case SIGXFSZ: return QStringLiteral("SIGXFSZ");
    case SIGBUS: return QStringLiteral("SIGBUS");
    default: return QStringLiteral("signal %1").arg(signal);
    }
}

} // namespace

AotBuildQueue::AotBuildQueue(QString workDir, QString tool, QString target, QString compiler, AotBuildLimits limits,
                             QObject *parent)
    : QObject(parent)
    , m_workDir(std::move(workDir))
    , m_tool(tool.isEmpty() ? defaultTool() : std::move(tool))
    , m_target(target.isEmpty() ? QString::fromStdString(keel::aot::AotBuilder::hostTarget()) : std::move(target))
    , m_compiler(std::move(compiler))
    , m_limits(limits)
{
    // A build dir left by a run that stopped mid-build holds nothing the registry needs:
    // that version is still "building" in the store and is built again.
    QDir(m_workDir).removeRecursively();
    QDir().mkpath(m_workDir);
}

AotBuildQueue::~AotBuildQueue()
{
    m_pending.clear();
    if (m_process) {
        m_process->disconnect(this);
        killGroup();
        m_process->waitForFinished(5000);
        delete m_process;
        m_process = nullptr;
    }
    if (!m_jobDir.isEmpty())
        QDir(m_jobDir).removeRecursively();
}

QString AotBuildQueue::defaultTool()
{
    const QString beside = QCoreApplication::applicationDirPath() + QStringLiteral("/keel-aot");
    if (QFileInfo(beside).isExecutable())
        return beside;
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("keel-aot"));
    return onPath.isEmpty() ? beside : onPath;
}

void AotBuildQueue::enqueue(Job job)
{
    m_pending.enqueue(std::move(job));
    if (!m_process)
        startNext();
}

void AotBuildQueue::startNext()
{
    while (!m_process && !m_pending.isEmpty()) {
        m_job = m_pending.dequeue();
        m_jobDir = m_workDir + QStringLiteral("/") + QUuid::createUuid().toString(QUuid::Id128);
        const QString modulePath = m_jobDir + QStringLiteral("/module.wasm");
        const QString scratch = m_jobDir + QStringLiteral("/tmp");
        QFile module(modulePath);
        if (!QDir().mkpath(scratch) || !module.open(QIODevice::WriteOnly) || module.write(m_job.module) != m_job.module.size()) {
            const QString error = QStringLiteral("cannot write the module to %1: %2").arg(modulePath, module.errorString());
            QDir(m_jobDir).removeRecursively();
            m_jobDir.clear();
            emit finished(m_job.component, m_job.version, m_job.moduleDigest, {}, error, false);
            continue;
        }
        module.close();

        QStringList args{modulePath, QStringLiteral("-o"), m_jobDir + QStringLiteral("/object.so"),
                         QStringLiteral("--target"), m_target, QStringLiteral("--expect-digest"), m_job.moduleDigest};
        if (!m_compiler.isEmpty())
            args << QStringLiteral("--cc") << m_compiler;
        m_process = new QProcess(this);
        m_process->setProgram(m_tool);
        m_process->setArguments(args);
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TMPDIR"), scratch); // the generated C goes here, and goes with the dir
        m_process->setProcessEnvironment(env);
        const AotBuildLimits limits = m_limits;
        m_process->setChildProcessModifier([limits] {
            // In the child between fork and exec: async-signal-safe calls only.
            setpgid(0, 0);
            const rlim_t cpu = rlim_t(limits.cpuSeconds);
            setLimit(RLIMIT_CPU, cpu, cpu + 5);
            const rlim_t memory = rlim_t(limits.memoryMb) * 1024 * 1024;
            setLimit(RLIMIT_AS, memory, memory);
            const rlim_t output = rlim_t(limits.outputMb) * 1024 * 1024;
            setLimit(RLIMIT_FSIZE, output, output);
            setLimit(RLIMIT_CORE, 0, 0);
        });
        m_output.clear();
        m_timedOut = false;
        connect(m_process, &QProcess::readyRead, this, [this] {
            const QByteArray chunk = m_process->readAll();
            if (m_output.size() < kMaxOutput)
                m_output.append(chunk.left(kMaxOutput - m_output.size()));
        });
        connect(m_process, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
            onProcessEnded(exitCode, status == QProcess::CrashExit);
        });
        connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
            if (error == QProcess::FailedToStart) {
                m_output = QStringLiteral("cannot run %1: %2; install keel-aot beside keel-controlplane or pass --aot-tool")
                               .arg(m_tool, m_process->errorString())
                               .toUtf8();
                onProcessEnded(-1, false);
            }
        });
        m_timeout = new QTimer(m_process);
        m_timeout->setSingleShot(true);
        connect(m_timeout, &QTimer::timeout, this, [this] {
            m_timedOut = true;
            killGroup();
        });
        emit started(m_job.component, m_job.version);
        QProcess *process = m_process;
        process->start();
        if (m_process != process)
            return; // it could not start, and that was handled (and the next one started)
        m_pid = process->processId();
        m_timeout->start(m_limits.timeoutMs);
    }
}

void AotBuildQueue::killGroup()
{
    // The compiler keel-aot runs is in the same group: it goes too.
    if (m_pid > 0)
        ::kill(-pid_t(m_pid), SIGKILL);
    else if (m_process)
        m_process->kill();
}

QString AotBuildQueue::describeAbnormalEnd(int exitCode, bool crashed) const
{
    if (m_timedOut) {
        return QStringLiteral("the build took longer than its %1 s limit and was stopped (keel-controlplane --aot-build-timeout)")
            .arg(m_limits.timeoutMs / 1000.0);
    }
    if (crashed) {
        // Qt reports the terminating signal as the exit code of a crashed process.
        if (exitCode == SIGXCPU || exitCode == SIGKILL) {
            return QStringLiteral("keel-aot ended with %1: over its CPU-time limit of %2 s (keel-controlplane --aot-build-cpu)")
                .arg(signalName(exitCode))
                .arg(m_limits.cpuSeconds);
        }
        if (exitCode == SIGXFSZ) {
            return QStringLiteral("keel-aot ended with SIGXFSZ: its output is over the %1 MiB limit").arg(m_limits.outputMb);
        }
        return QStringLiteral("keel-aot ended with %1: it crashed, or ran out of memory under its %2 MiB limit "
                              "(keel-controlplane --aot-build-memory)")
            .arg(signalName(exitCode))
            .arg(m_limits.memoryMb);
    }
    return {};
}

void AotBuildQueue::onProcessEnded(int exitCode, bool crashed)
{
    if (!m_process)
        return;
    if (m_process->bytesAvailable() && m_output.size() < kMaxOutput)
        m_output.append(m_process->readAll().left(kMaxOutput - m_output.size()));
    QString error = describeAbnormalEnd(exitCode, crashed);
    const bool unsupported = error.isEmpty() && exitCode == kExitUnsupported;
    QString output = QString::fromUtf8(m_output).trimmed();
    output.remove(QStringLiteral("keel-aot: ") + m_jobDir + QStringLiteral("/module.wasm: "));
    if (error.isEmpty() && exitCode != 0)
        error = output.isEmpty() ? QStringLiteral("keel-aot exited with %1").arg(exitCode) : output;
    else if (!error.isEmpty() && !output.isEmpty())
        error += QStringLiteral(": ") + output;
    const QString object = m_jobDir + QStringLiteral("/object.so");
    if (error.isEmpty() && !QFileInfo::exists(object))
        error = QStringLiteral("keel-aot succeeded but wrote no object");

    // Whatever keel-aot ended with, the compiler it started may still run in its group.
    killGroup();
    QProcess *process = m_process;
    m_process = nullptr;
    m_pid = 0;
    process->disconnect(this);
    m_timeout->stop();
    m_timeout = nullptr; // a child of the process
    process->deleteLater();
    const Job job = std::move(m_job);
    const QString jobDir = std::exchange(m_jobDir, QString());
    emit finished(job.component, job.version, job.moduleDigest, error.isEmpty() ? object : QString(), error, unsupported);
    QDir(jobDir).removeRecursively();
    startNext();
}

} // namespace Keel
