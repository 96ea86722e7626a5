#include "testfleet.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

QJsonObject TestFleet::Ctl::json() const
{
    return QJsonDocument::fromJson(out.toUtf8()).object();
}

QJsonArray TestFleet::Ctl::array() const
{
    return QJsonDocument::fromJson(out.toUtf8()).array();
}

TestFleet::TestFleet(QString binDir)
    : m_binDir(std::move(binDir))
{
}

TestFleet::~TestFleet()
{
    stopAgents();
    if (m_cp)
        m_cp->terminate();
}

QString TestFleet::write(const QString &name, const QByteArray &text) const
{
    QFile file(m_dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(text);
    return file.fileName();
}

bool TestFleet::startControlPlane(const QStringList &extraArguments, QString *why)
{
    m_cp = std::make_unique<ProcessUnderTest>(QStringLiteral("keel-controlplane"));
    const QString listen = m_server.isEmpty() ? QStringLiteral("127.0.0.1:0") : m_server.mid(int(qstrlen("ws://")));
    m_cp->start(bin("keel-controlplane"), QStringList{QStringLiteral("--data-dir"), path(QStringLiteral("cp")),
                                                      QStringLiteral("--listen"), listen}
                                              + extraArguments);
    const auto match = m_cp->waitForOutput(QRegularExpression(QStringLiteral("listening on (ws://\\S+)")));
    if (!match.hasMatch()) {
        *why = m_cp->transcript();
        return false;
    }
    m_server = match.captured(1);
    QFile tokenFile(path(QStringLiteral("cp/admin.token")));
    if (!tokenFile.open(QIODevice::ReadOnly)) {
        *why = QStringLiteral("no admin token: ") + tokenFile.errorString();
        return false;
    }
    m_token = QString::fromUtf8(tokenFile.readAll().trimmed());
    return true;
}

void TestFleet::killControlPlane()
{
    if (m_cp)
        m_cp->kill();
}

TestFleet::Ctl TestFleet::ctl(const QStringList &arguments, int timeoutMs, const QString &token) const
{
    QProcess process;
    process.start(bin("keelctl"), QStringList{QStringLiteral("--server"), m_server, QStringLiteral("--token"),
                                              token.isEmpty() ? m_token : token}
                                      + arguments);
    Ctl result;
    if (!QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = QStringLiteral("keelctl did not finish within %1 ms; ").arg(timeoutMs);
    } else {
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err += QString::fromUtf8(process.readAllStandardError());
    return result;
}

bool TestFleet::startAgent(const QString &name, const QString &region, const QStringList &extraArguments, QString *why)
{
    QStringList arguments{QStringLiteral("--controlplane"), m_server,          QStringLiteral("--name"), name,
                          QStringLiteral("--region"),       region,            QStringLiteral("--data-dir"), path(name),
                          QStringLiteral("--http"),         QStringLiteral("127.0.0.1:0"),
                          QStringLiteral("--admin"),        QStringLiteral("127.0.0.1:0")};
    if (!m_agents.contains(name)) { // a known node proves its key; a new one needs a token
        const Ctl token = ctl({QStringLiteral("join-token"), QStringLiteral("create"), QStringLiteral("--region"), region});
        if (token.exitCode != 0) {
            *why = QStringLiteral("join-token create: ") + token.err;
            return false;
        }
        arguments << QStringLiteral("--join-token") << token.out.trimmed();
    }
    if (const auto old = m_agents.value(name).process) // its data dir is the new one's
        old->kill();
    Agent agent{name, region, std::make_shared<ProcessUnderTest>(name), {}, {}};
    agent.process->start(bin("keel-agent"), arguments + extraArguments);
    const auto http = agent.process->waitForOutput(QRegularExpression(QStringLiteral("http listening on (\\S+)")));
    const auto admin = agent.process->waitForOutput(QRegularExpression(QStringLiteral("admin listening on (\\S+)")));
    if (!http.hasMatch() || !admin.hasMatch()) {
        *why = agent.process->transcript();
        return false;
    }
    auto url = [](QString endpoint) { return endpoint.startsWith(QLatin1String("http")) ? endpoint : QStringLiteral("http://") + endpoint; };
    agent.http = url(http.captured(1));
    agent.admin = url(admin.captured(1));
    m_agents.insert(name, agent);
    return true;
}

void TestFleet::stopAgents()
{
    for (const Agent &agent : std::as_const(m_agents))
        agent.process->kill();
}
