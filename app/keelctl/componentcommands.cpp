#include "componentcommands.h"

#include "keelctl.h"
#include "manifestfile.h"
#include "outputformat.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace Keel {

ComponentCommands::ComponentCommands(KeelClient &client, const CtlInvocation &invocation, Succeed succeed, Fail fail)
    : m_client(client)
    , m_invocation(invocation)
    , m_succeed(std::move(succeed))
    , m_fail(std::move(fail))
{
}

void ComponentCommands::push()
{
    Manifest manifest = m_invocation.manifest;
    QString modulePath = m_invocation.moduleFile;
    if (!m_invocation.manifestFile.isEmpty()) {
        const auto loaded = ManifestFile::load(m_invocation.manifestFile);
        if (const auto *error = std::get_if<QString>(&loaded))
            return m_fail(*error);
        manifest = std::get<ManifestFile::Loaded>(loaded).manifest;
        modulePath = std::get<ManifestFile::Loaded>(loaded).modulePath;
    }
    QFile file(modulePath);
    if (!file.open(QIODevice::ReadOnly))
        return m_fail(QStringLiteral("cannot read the module %1: %2").arg(modulePath, file.errorString()));
    constexpr qint64 kMaxModuleBytes = 64 * 1024 * 1024; // the connection's frame limit
    if (file.size() > kMaxModuleBytes)
        return m_fail(QStringLiteral("the module %1 is %2 bytes, over the %3 a push can carry").arg(modulePath).arg(file.size()).arg(kMaxModuleBytes));
    const QByteArray module = file.readAll();
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.pushComponent(manifest, module, [this](const Result<PushedComponent> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const auto &pushed = std::get<PushedComponent>(result);
        const ComponentVersion &v = pushed.version;
        if (m_invocation.json) {
            QJsonObject object = OutputFormat::toJson(v);
            object.insert(QStringLiteral("created"), pushed.created);
            return m_succeed(OutputFormat::jsonText(object));
        }
        const QString id = v.manifest.name + u'@' + v.manifest.version;
        if (!pushed.created)
            return m_succeed(QStringLiteral("%1 already holds these bytes (%2); nothing changed\n").arg(id, v.moduleDigest));
        if (v.aotState == AotState::Unsupported) {
            return m_succeed(QStringLiteral("pushed %1: %2, %3 bytes; AOT: unsupported, interpreter only: %4\n")
                                 .arg(id, v.moduleDigest).arg(v.moduleSize).arg(v.aotError));
        }
        m_succeed(QStringLiteral("pushed %1: %2, %3 bytes; AOT object for %4: %5\n")
                      .arg(id, v.moduleDigest).arg(v.moduleSize).arg(v.aotTarget, toText(v.aotState)));
    });
}

void ComponentCommands::list()
{
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.listComponents({}, [this](const Result<QList<ComponentVersion>> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const auto &versions = std::get<QList<ComponentVersion>>(result);
        if (!m_invocation.json)
            return m_succeed(OutputFormat::componentsTable(versions));
        QJsonArray array;
        for (const ComponentVersion &v : versions)
            array.append(OutputFormat::toJson(v));
        m_succeed(OutputFormat::jsonText(array));
    });
}

void ComponentCommands::show()
{
    const QString ref = m_invocation.command.at(2);
    const qsizetype at = ref.indexOf(u'@');
    const QString name = at < 0 ? ref : ref.left(at);
    const QString version = at < 0 ? QString() : ref.mid(at + 1);
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.listComponents(name, [this, name, version](const Result<QList<ComponentVersion>> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        QList<ComponentVersion> versions = std::get<QList<ComponentVersion>>(result);
        if (!version.isEmpty()) {
            versions.removeIf([&](const ComponentVersion &v) { return v.manifest.version != version; });
            if (versions.isEmpty())
                return m_fail(QStringLiteral("component %1 has no version %2: see keelctl component show %1").arg(name, version));
        }
        if (m_invocation.json) {
            if (!version.isEmpty())
                return m_succeed(OutputFormat::jsonText(OutputFormat::toJson(versions.first())));
            QJsonArray array;
            for (const ComponentVersion &v : versions)
                array.append(OutputFormat::toJson(v));
            return m_succeed(OutputFormat::jsonText(array));
        }
        QString out;
        for (const ComponentVersion &v : versions)
            out += (out.isEmpty() ? QString() : QStringLiteral("\n")) + OutputFormat::detailTable(OutputFormat::toJson(v));
        m_succeed(out);
    });
}

void ComponentCommands::listDeployments()
{
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.listDeployments(m_invocation.manifest.name, [this](const Result<QList<DeploymentRule>> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const auto &rules = std::get<QList<DeploymentRule>>(result);
        if (!m_invocation.json)
            return m_succeed(OutputFormat::deploymentsTable(rules));
        QJsonArray array;
        int order = 0;
        for (const DeploymentRule &rule : rules)
            array.append(OutputFormat::toJson(rule, ++order));
        m_succeed(OutputFormat::jsonText(array));
    });
}

void ComponentCommands::deploy()
{
    const Manifest &m = m_invocation.manifest;
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.deploy(m.name, m.version, m_invocation.selector, m_invocation.skipDisallowed, [this](const Result<Op::Deployed> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const auto &deployed = std::get<Op::Deployed>(result);
        if (m_invocation.json) {
            QJsonArray skipped;
            for (const PlacementDecision &d : deployed.skipped)
                skipped.append(QJsonObject{{QStringLiteral("node"), d.node}, {QStringLiteral("region"), d.region},
                                           {QStringLiteral("jurisdiction"), d.jurisdiction}, {QStringLiteral("rule"), d.rule},
                                           {QStringLiteral("reason"), d.reason}});
            return m_succeed(OutputFormat::jsonText(QJsonObject{{QStringLiteral("nodes_matched"), deployed.nodesMatched},
                                                                {QStringLiteral("skipped"), skipped}}));
        }
        const Manifest &m = m_invocation.manifest;
        QString out = QStringLiteral("deployed %1@%2 to %3: %4 node(s) match now; nodes that join later and match get it too\n")
                          .arg(m.name, m.version, m_invocation.selector)
                          .arg(deployed.nodesMatched);
        if (!deployed.skipped.isEmpty()) {
            QStringList nodes;
            for (const PlacementDecision &d : deployed.skipped)
                nodes.append(QStringLiteral("%1 (%2, rule %3)").arg(d.node, d.jurisdiction, d.rule));
            out += QStringLiteral("skipped %1 node(s) the residency policy forbids: %2\n")
                       .arg(deployed.skipped.size())
                       .arg(nodes.join(QStringLiteral(", ")));
        }
        m_succeed(out);
    });
}

void ComponentCommands::undeploy()
{
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.undeploy(m_invocation.manifest.name, m_invocation.selector, [this](const Result<int> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const int matched = std::get<int>(result);
        if (m_invocation.json)
            return m_succeed(OutputFormat::jsonText(QJsonObject{{QStringLiteral("nodes_matched"), matched}}));
        m_succeed(QStringLiteral("undeployed %1 from %2: %3 node(s) match now\n")
                      .arg(m_invocation.manifest.name, m_invocation.selector)
                      .arg(matched));
    });
}

} // namespace Keel
