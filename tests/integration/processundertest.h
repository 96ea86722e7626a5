#pragma once

#include <QProcess>
#include <QRegularExpression>
#include <QStringList>

// A daemon started by a test: collects its output and waits for lines in it with a
// deadline (never a fixed sleep). Killed on destruction so no test leaves one behind.
class ProcessUnderTest final
{
public:
    explicit ProcessUnderTest(QString name);
    ~ProcessUnderTest();

    void start(const QString &program, const QStringList &arguments);
    // The first match of `pattern` in stdout, waiting up to `timeoutMs` for it.
    QRegularExpressionMatch waitForOutput(const QRegularExpression &pattern, int timeoutMs = 10000);
    // The exit code once the process ends within `timeoutMs`, else -1.
    int waitForExit(int timeoutMs = 10000);
    void kill();
    void terminate();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    QString output() const { return m_stdout; }
    QString errors() const { return m_stderr; }
    // Everything the process printed, for failure messages.
    QString transcript() const;

private:
    void collect();

    QString m_name;
    QProcess m_process;
    QString m_stdout;
    QString m_stderr;
};
