#pragma once

#include "processundertest.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QTemporaryDir>

#include <memory>

// A fleet for integration tests, on real processes: a keel-controlplane in a temporary
// directory (ephemeral port, then the same one across restarts), its admin token, keelctl
// runs that keep the event loop turning (so a test's own clients and traffic go on), and
// keel-agents enrolled with join tokens on ephemeral ports. Everything it starts stops
// when it goes. Calls that can fail say why in `*why`, for QVERIFY2.
class TestFleet final
{
public:
    struct Ctl
    {
        int exitCode = -1;
        QString out;
        QString err;
        QJsonObject json() const;
        QJsonArray array() const;
    };

    struct Agent
    {
        QString name;
        QString region;
        std::shared_ptr<ProcessUnderTest> process;
        QString http;  // base URL of the data port, e.g. http://127.0.0.1:41234
        QString admin; // base URL of the admin port
    };

    // `binDir` holds keel-controlplane, keel-agent and keelctl.
    explicit TestFleet(QString binDir);
    ~TestFleet();

    bool isValid() const { return m_dir.isValid(); }
    QString path(const QString &name) const { return m_dir.filePath(name); }
    // Writes `text` to `name` in the fleet's directory; its full path.
    QString write(const QString &name, const QByteArray &text) const;
    QString bin(const char *name) const { return m_binDir + u'/' + QLatin1String(name); }

    // Starts (or restarts, on the same data dir and port) the control plane.
    bool startControlPlane(const QStringList &extraArguments, QString *why);
    void killControlPlane();
    QString server() const { return m_server; }
    QString token() const { return m_token; }
    ProcessUnderTest *controlPlane() const { return m_cp.get(); }

    // keelctl --server --token (the admin's unless `token` is given) ARGS.
    Ctl ctl(const QStringList &arguments, int timeoutMs = 30000, const QString &token = {}) const;

    // Enrolls (with a fresh join token for `region`) or restarts the agent `name`.
    bool startAgent(const QString &name, const QString &region, const QStringList &extraArguments, QString *why);
    const QMap<QString, Agent> &agents() const { return m_agents; }
    Agent agent(const QString &name) const { return m_agents.value(name); }
    void stopAgents();

private:
    QString m_binDir;
    QTemporaryDir m_dir;
    std::unique_ptr<ProcessUnderTest> m_cp;
    QString m_server;
    QString m_token;
    QMap<QString, Agent> m_agents;
};
