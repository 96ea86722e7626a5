#include "processundertest.h"

#include <QTest>

ProcessUnderTest::ProcessUnderTest(QString name)
    : m_name(std::move(name))
{
    QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process, [this] { collect(); });
    QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process, [this] { collect(); });
}

ProcessUnderTest::~ProcessUnderTest()
{
    kill();
}

void ProcessUnderTest::start(const QString &program, const QStringList &arguments)
{
    m_stdout.clear();
    m_stderr.clear();
    m_process.start(program, arguments);
}

void ProcessUnderTest::collect()
{
    m_stdout += QString::fromUtf8(m_process.readAllStandardOutput());
    m_stderr += QString::fromUtf8(m_process.readAllStandardError());
}

QRegularExpressionMatch ProcessUnderTest::waitForOutput(const QRegularExpression &pattern, int timeoutMs)
{
    QRegularExpressionMatch match;
    (void)QTest::qWaitFor([&] {
        collect();
        match = pattern.match(m_stdout);
        return match.hasMatch() || m_process.state() == QProcess::NotRunning;
    }, timeoutMs);
    collect();
    return pattern.match(m_stdout);
}

int ProcessUnderTest::waitForExit(int timeoutMs)
{
    if (m_process.state() != QProcess::NotRunning && !m_process.waitForFinished(timeoutMs))
        return -1;
    collect();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

void ProcessUnderTest::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(5000);
    collect();
}

void ProcessUnderTest::terminate()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    m_process.waitForFinished(5000);
    collect();
}

QString ProcessUnderTest::transcript() const
{
    return QStringLiteral("--- %1 stdout ---\n%2--- %1 stderr ---\n%3").arg(m_name, m_stdout, m_stderr);
}
