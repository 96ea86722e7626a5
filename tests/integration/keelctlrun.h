#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

// One keelctl invocation as a test runs it: the real binary, its exit code and output.
struct KeelctlRun
{
    int exitCode = -1;
    QString out;
    QString err;

    // Runs `keelctl --server SERVER --token TOKEN ARGS...` and waits up to 30 s.
    static KeelctlRun run(const QString &binary, const QString &server, const QString &token, const QStringList &arguments)
    {
        QProcess process;
        process.start(binary, QStringList{QStringLiteral("--server"), server, QStringLiteral("--token"), token} + arguments);
        KeelctlRun result;
        if (!process.waitForFinished(30000)) {
            process.kill();
            process.waitForFinished();
            result.err = QStringLiteral("keelctl did not finish");
            return result;
        }
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        result.out = QString::fromUtf8(process.readAllStandardOutput());
        result.err = QString::fromUtf8(process.readAllStandardError());
        return result;
    }
};
