#include "policycommands.h"

#include "keelctl.h"
#include "outputformat.h"
#include "policyfile.h"
#include "policyjson.h"

#include <QFile>
#include <QJsonArray>

namespace Keel {

namespace {

QString modeText(ResidencyMode mode)
{
    return QString::fromLatin1(keel::residency::modeName(mode));
}

QString time(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate) : QString();
}

QJsonObject toJson(const PlacementDecision &d)
{
    QJsonObject o{{QStringLiteral("node"), d.node},
                  {QStringLiteral("region"), d.region},
                  {QStringLiteral("jurisdiction"), d.jurisdiction},
                  {QStringLiteral("allowed"), d.allowed}};
    if (!d.rule.isEmpty()) {
        o.insert(QStringLiteral("rule"), d.rule);
        o.insert(QStringLiteral("mode"), modeText(d.mode));
        o.insert(QStringLiteral("reason"), d.reason);
    }
    return o;
}

} // namespace

QString PolicyCommands::usage()
{
    return QStringLiteral(
        "  policy apply -f FILE               check and apply a residency policy (YAML or JSON, see\n"
        "                                     docs/residency.md); prints what changed and what nodes\n"
        "                                     lose (operator)\n"
        "  policy get [--version N]           the policy in force (or version N) in the file format\n"
        "  policy history                     every version: who applied it, when, what changed\n"
        "  policy violations                  placements the policy does not allow: removed (enforce)\n"
        "                                     or flagged (audit)\n"
        "  policy check -f FILE               what applying FILE would do, applying nothing\n"
        "  policy check NAME@VERSION --to SELECTOR\n"
        "                                     where that version may and may not be placed\n");
}

std::optional<QString> PolicyCommands::read(const QCommandLineParser &parser, CtlInvocation &inv)
{
    const QString verb = inv.command.value(1);
    const qsizetype args = inv.command.size();
    const bool hasFile = parser.isSet(QStringLiteral("f"));
    if (verb == QLatin1String("apply") || (verb == QLatin1String("check") && args == 2)) {
        if (args != 2 || !hasFile)
            return QStringLiteral("policy %1 needs -f FILE (YAML or JSON, see docs/residency.md)").arg(verb);
        inv.file = parser.value(QStringLiteral("f"));
        return std::nullopt;
    }
    if (verb == QLatin1String("check")) {
        const QString ref = inv.command.value(2);
        const qsizetype at = ref.indexOf(u'@');
        if (args != 3 || at <= 0 || at == ref.size() - 1)
            return QStringLiteral("policy check takes -f FILE, or NAME@VERSION --to SELECTOR (e.g. profile@1.0.0 --to all)");
        if (!parser.isSet(QStringLiteral("to")))
            return QStringLiteral("policy check %1 needs --to SELECTOR (all, or e.g. jurisdiction=EU)").arg(ref);
        inv.manifest.name = ref.left(at);
        inv.manifest.version = ref.mid(at + 1);
        inv.selector = parser.value(QStringLiteral("to"));
        return std::nullopt;
    }
    if (args != 2)
        return QStringLiteral("policy %1 takes no argument: see keelctl --help").arg(verb);
    if (verb == QLatin1String("get") && parser.isSet(QStringLiteral("version"))) {
        bool ok = false;
        inv.policyVersion = parser.value(QStringLiteral("version")).toULongLong(&ok);
        if (!ok || inv.policyVersion == 0)
            return QStringLiteral("--version \"%1\" is not a policy version: see keelctl policy history").arg(parser.value(QStringLiteral("version")));
    }
    return std::nullopt;
}

PolicyCommands::PolicyCommands(KeelClient &client, const CtlInvocation &invocation, Succeed succeed, Fail fail)
    : m_client(client)
    , m_invocation(invocation)
    , m_succeed(std::move(succeed))
    , m_fail(std::move(fail))
{
}

std::optional<ResidencyPolicy> PolicyCommands::load()
{
    QFile file(m_invocation.file);
    if (!file.open(QIODevice::ReadOnly)) {
        m_fail(QStringLiteral("%1: %2: pass the policy file (YAML or JSON)").arg(m_invocation.file, file.errorString()));
        return std::nullopt;
    }
    const QByteArray text = file.read(4 << 20);
    if (!file.atEnd()) {
        m_fail(QStringLiteral("%1: larger than 4 MiB: is it a policy file?").arg(m_invocation.file));
        return std::nullopt;
    }
    const std::string name = m_invocation.file.toStdString();
    auto parsed = keel::residency::PolicyFile::parse(std::string_view(text.constData(), size_t(text.size())), name);
    if (auto *problems = std::get_if<std::vector<keel::residency::PolicyFile::Problem>>(&parsed)) {
        m_fail(QString::fromStdString(keel::residency::PolicyFile::describe(*problems, name)).trimmed()
               + QStringLiteral(" (nothing was applied)"));
        return std::nullopt;
    }
    return std::get<ResidencyPolicy>(std::move(parsed));
}

void PolicyCommands::apply()
{
    const auto policy = load();
    if (!policy)
        return;
    const bool dryRun = m_invocation.command.value(1) == QLatin1String("check");
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.setPolicy(*policy, dryRun, 0, [this, dryRun](const Result<Op::PolicySet> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const auto &set = std::get<Op::PolicySet>(result);
        if (m_invocation.json) {
            QJsonObject o = toJson(set.impact);
            o.insert(QStringLiteral("policy"), toJson(set.policy));
            o.insert(QStringLiteral("applied"), !dryRun);
            return m_succeed(OutputFormat::jsonText(o));
        }
        const QString name = set.policy.name.empty() ? QStringLiteral("policy") : QString::fromStdString(set.policy.name);
        const QString head = dryRun ? QStringLiteral("%1 from %2 would be version %3: %4\n")
                                          .arg(name, m_invocation.file).arg(set.policy.version).arg(set.impact.diff)
                                    : QStringLiteral("%1 version %2 applied from %3: %4\n")
                                          .arg(name).arg(set.policy.version).arg(m_invocation.file, set.impact.diff);
        m_succeed(head + impactText(set.impact, !dryRun));
    });
}

void PolicyCommands::get()
{
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.getPolicy(m_invocation.policyVersion, [this](const Result<ResidencyPolicy> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const auto &policy = std::get<ResidencyPolicy>(result);
        if (m_invocation.json)
            return m_succeed(OutputFormat::jsonText(toJson(policy)));
        if (policy.version == 0)
            return m_succeed(QStringLiteral("# no residency policy applied yet: keelctl policy apply -f FILE\nrules: []\n"));
        m_succeed(QStringLiteral("# version %1, applied by %2 at %3\n")
                      .arg(policy.version)
                      .arg(QString::fromStdString(policy.appliedBy), time(policy.appliedUnixMs))
                  + QString::fromStdString(keel::residency::PolicyFile::toYaml(policy)));
    });
}

void PolicyCommands::history()
{
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.listPolicyHistory([this](const Result<QList<PolicyRevision>> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const auto &revisions = std::get<QList<PolicyRevision>>(result);
        if (m_invocation.json) {
            QJsonArray out;
            for (const PolicyRevision &r : revisions) {
                out.append(QJsonObject{{QStringLiteral("version"), qint64(r.version)},
                                       {QStringLiteral("applied"), r.applied.toUTC().toString(Qt::ISODateWithMs)},
                                       {QStringLiteral("applied_by"), r.appliedBy},
                                       {QStringLiteral("rules"), r.rules},
                                       {QStringLiteral("diff"), r.diff}});
            }
            return m_succeed(OutputFormat::jsonText(out));
        }
        if (revisions.isEmpty())
            return m_succeed(QStringLiteral("no residency policy applied yet: keelctl policy apply -f FILE\n"));
        QList<QStringList> rows;
        for (const PolicyRevision &r : revisions)
            rows.append({QString::number(r.version), r.applied.toUTC().toString(Qt::ISODate), r.appliedBy,
                         QString::number(r.rules), r.diff});
        m_succeed(OutputFormat::table({QStringLiteral("VERSION"), QStringLiteral("APPLIED"), QStringLiteral("BY"),
                                       QStringLiteral("RULES"), QStringLiteral("CHANGE")},
                                      rows));
    });
}

void PolicyCommands::violations()
{
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.listViolations([this](const Result<Op::ViolationList> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const auto &list = std::get<Op::ViolationList>(result);
        if (m_invocation.json) {
            QJsonArray out;
            for (const ResidencyViolation &v : list.violations)
                out.append(toJson(v));
            return m_succeed(OutputFormat::jsonText(QJsonObject{{QStringLiteral("policy_version"), qint64(list.policyVersion)},
                                                                {QStringLiteral("violations"), out}}));
        }
        if (list.violations.isEmpty())
            return m_succeed(QStringLiteral("no violations: every placement is allowed by policy version %1\n").arg(list.policyVersion));
        m_succeed(violationsTable(list.violations));
    });
}

void PolicyCommands::check()
{
    if (m_invocation.command.size() == 2)
        return apply(); // -f FILE: a dry run of apply
    checkPlacement();
}

void PolicyCommands::checkPlacement()
{
    const Manifest &m = m_invocation.manifest;
    m_client.open(m_invocation.server, m_invocation.token);
    m_client.checkPlacement(m.name, m.version, m_invocation.selector, [this](const Result<QList<PlacementDecision>> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const auto &decisions = std::get<QList<PlacementDecision>>(result);
        const Manifest &m = m_invocation.manifest;
        if (m_invocation.json) {
            QJsonArray allowed, refused;
            for (const PlacementDecision &d : decisions)
                (d.allowed ? allowed : refused).append(Keel::toJson(d));
            return m_succeed(OutputFormat::jsonText(QJsonObject{{QStringLiteral("component"), m.name},
                                                                {QStringLiteral("version"), m.version},
                                                                {QStringLiteral("selector"), m_invocation.selector},
                                                                {QStringLiteral("allowed"), allowed},
                                                                {QStringLiteral("refused"), refused}}));
        }
        if (decisions.isEmpty())
            return m_succeed(QStringLiteral("%1 matches no node\n").arg(m_invocation.selector));
        QList<QStringList> rows;
        int refused = 0;
        for (const PlacementDecision &d : decisions) {
            refused += d.allowed ? 0 : 1;
            const QString decision = !d.allowed ? QStringLiteral("refused")
                                     : d.rule.isEmpty() ? QStringLiteral("allowed")
                                                        : QStringLiteral("allowed (flagged, audit)");
            rows.append({d.node, d.region, d.jurisdiction, decision, d.rule.isEmpty() ? QStringLiteral("-") : d.rule});
        }
        m_succeed(QStringLiteral("%1@%2 to %3: allowed on %4 of %5 node(s)\n")
                      .arg(m.name, m.version, m_invocation.selector)
                      .arg(decisions.size() - refused)
                      .arg(decisions.size())
                  + OutputFormat::table({QStringLiteral("NODE"), QStringLiteral("REGION"), QStringLiteral("JURISDICTION"),
                                         QStringLiteral("DECISION"), QStringLiteral("RULE")},
                                        rows));
    });
}

QJsonObject PolicyCommands::toJson(const ResidencyPolicy &policy)
{
    QJsonObject o{{QStringLiteral("version"), qint64(policy.version)}, {QStringLiteral("rules"), PolicyJson::toJson(policy.rules)}};
    if (!policy.name.empty())
        o.insert(QStringLiteral("name"), QString::fromStdString(policy.name));
    if (!policy.defaultSubject.empty())
        o.insert(QStringLiteral("default_subject"), QString::fromStdString(policy.defaultSubject));
    if (policy.appliedUnixMs > 0) {
        o.insert(QStringLiteral("applied"), time(policy.appliedUnixMs));
        o.insert(QStringLiteral("applied_by"), QString::fromStdString(policy.appliedBy));
    }
    return o;
}

QJsonObject PolicyCommands::toJson(const ResidencyViolation &v)
{
    return QJsonObject{{QStringLiteral("node"), v.node},
                       {QStringLiteral("component"), v.component},
                       {QStringLiteral("version"), v.version},
                       {QStringLiteral("rule"), v.rule},
                       {QStringLiteral("mode"), modeText(v.mode)},
                       {QStringLiteral("data_class"), v.dataClass},
                       {QStringLiteral("region"), v.region},
                       {QStringLiteral("jurisdiction"), v.nodeJurisdiction},
                       {QStringLiteral("removed"), v.removed},
                       {QStringLiteral("reason"), v.reason}};
}

QJsonObject PolicyCommands::toJson(const PolicyImpact &impact)
{
    QJsonArray violations, losses;
    for (const ResidencyViolation &v : impact.violations)
        violations.append(toJson(v));
    for (const NodeLoss &loss : impact.losses)
        losses.append(QJsonObject{{QStringLiteral("node"), loss.node}, {QStringLiteral("components"), QJsonArray::fromStringList(loss.components)}});
    return QJsonObject{{QStringLiteral("violations"), violations},
                       {QStringLiteral("losses"), losses},
                       {QStringLiteral("diff"), impact.diff}};
}

QString PolicyCommands::violationsTable(const QList<ResidencyViolation> &violations)
{
    QList<QStringList> rows;
    for (const ResidencyViolation &v : violations) {
        rows.append({v.node, v.nodeJurisdiction, v.component + u'@' + v.version, v.rule,
                     v.removed ? QStringLiteral("removed (enforce)") : QStringLiteral("flagged (audit)")});
    }
    return OutputFormat::table({QStringLiteral("NODE"), QStringLiteral("JURISDICTION"), QStringLiteral("COMPONENT"),
                                QStringLiteral("RULE"), QStringLiteral("STATE")},
                               rows);
}

QString PolicyCommands::impactText(const PolicyImpact &impact, bool applied)
{
    if (impact.violations.isEmpty())
        return applied ? QStringLiteral("no placement violates it\n") : QStringLiteral("no placement would violate it\n");
    QString out = QString::fromLatin1(applied ? "%1 placement(s) violate it:\n" : "%1 placement(s) would violate it:\n")
                      .arg(impact.violations.size())
                  + violationsTable(impact.violations);
    if (impact.losses.isEmpty())
        return out + (applied ? QStringLiteral("no node lost a component\n") : QStringLiteral("no node would lose a component\n"));
    out += applied ? QStringLiteral("removed from nodes:\n") : QStringLiteral("nodes that would lose components:\n");
    for (const NodeLoss &loss : impact.losses)
        out += QStringLiteral("  %1: %2\n").arg(loss.node, loss.components.join(QStringLiteral(", ")));
    return out;
}

} // namespace Keel
