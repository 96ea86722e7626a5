#include "keelctl.h"

#include "accesscommands.h"
#include "accesstypes.h"
#include "componentcommands.h"
#include "fleetcommands.h"
#include "keelclient.h"
#include "keelversion.h"
#include "outputformat.h"
#include "policycommands.h"
#include "rolloutcommands.h"
#include "timeargument.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <cstdio>

namespace Keel {

namespace {

const QList<QStringList> kCommands = {
    {QStringLiteral("nodes"), QStringLiteral("list")},
    {QStringLiteral("nodes"), QStringLiteral("show")},
    {QStringLiteral("nodes"), QStringLiteral("label")},
    {QStringLiteral("regions"), QStringLiteral("list")},
    {QStringLiteral("topology"), QStringLiteral("apply")},
    {QStringLiteral("join-token"), QStringLiteral("create")},
    {QStringLiteral("token"), QStringLiteral("create")},
    {QStringLiteral("token"), QStringLiteral("list")},
    {QStringLiteral("token"), QStringLiteral("revoke")},
    {QStringLiteral("audit"), QStringLiteral("list")},
    {QStringLiteral("component"), QStringLiteral("push")},
    {QStringLiteral("component"), QStringLiteral("list")},
    {QStringLiteral("component"), QStringLiteral("show")},
    {QStringLiteral("deploy")},
    {QStringLiteral("undeploy")},
    {QStringLiteral("metrics")},
    {QStringLiteral("whoami")},
    {QStringLiteral("deployments")},
    {QStringLiteral("rollout"), QStringLiteral("start")},
    {QStringLiteral("rollout"), QStringLiteral("status")},
    {QStringLiteral("rollout"), QStringLiteral("list")},
    {QStringLiteral("rollout"), QStringLiteral("pause")},
    {QStringLiteral("rollout"), QStringLiteral("resume")},
    {QStringLiteral("rollout"), QStringLiteral("abort")},
    {QStringLiteral("rollout"), QStringLiteral("rollback")},
    {QStringLiteral("policy"), QStringLiteral("apply")},
    {QStringLiteral("policy"), QStringLiteral("get")},
    {QStringLiteral("policy"), QStringLiteral("history")},
    {QStringLiteral("policy"), QStringLiteral("violations")},
    {QStringLiteral("policy"), QStringLiteral("check")},
};

// Commands that take one argument after the verb (NAME, ID).
const QList<QStringList> kCommandsWithArgument = {
    {QStringLiteral("nodes"), QStringLiteral("show")},
    {QStringLiteral("token"), QStringLiteral("revoke")},
    {QStringLiteral("component"), QStringLiteral("show")},
    {QStringLiteral("rollout"), QStringLiteral("start")},
    {QStringLiteral("rollout"), QStringLiteral("status")},
    {QStringLiteral("rollout"), QStringLiteral("pause")},
    {QStringLiteral("rollout"), QStringLiteral("resume")},
    {QStringLiteral("rollout"), QStringLiteral("abort")},
    {QStringLiteral("rollout"), QStringLiteral("rollback")},
};

// "k=v" items, each possibly a comma-separated list of them; an error names the bad one.
std::optional<QString> parseLabels(const QStringList &items, Labels *out)
{
    for (const QString &item : items) {
        for (const QString &pair : item.split(u',', Qt::SkipEmptyParts)) {
            const qsizetype eq = pair.indexOf(u'=');
            if (eq <= 0)
                return QStringLiteral("\"%1\" is not a label: write KEY=VALUE, e.g. tier=gold").arg(pair);
            out->insert(pair.left(eq), pair.mid(eq + 1));
        }
    }
    return std::nullopt;
}

template<typename T>
const WireError *errorOf(const Result<T> &result)
{
    return std::get_if<WireError>(&result);
}

} // namespace

QString KeelCtl::usage()
{
    return QStringLiteral(
        "Usage: keelctl [--server URL] [--token TOKEN] [-o table|json] COMMAND\n"
        "\n"
        "Commands:\n"
        "  nodes list                         the fleet's nodes, their region, jurisdiction and status\n"
        "  nodes show NAME                    one node in detail\n"
        "  nodes label NAME [K=V]... [--remove K]...\n"
        "                                     set or remove a node's labels (operator); a node's own\n"
        "                                     --labels count only when it enrolls\n"
        "  regions list                       regions with jurisdiction, coordinates and sites\n"
        "  topology apply -f FILE             create or update regions and sites from a YAML/JSON file\n"
        "  join-token create --region R [--uses N] [--ttl DURATION] [--site S] [--labels K=V,...]\n"
        "                                     a token that lets agents enroll in region R (with that\n"
        "                                     site and labels, whatever they claim); it carries the\n"
        "                                     control plane's key fingerprint, printed on stderr\n"
        "  token create --role viewer|operator|admin [--name NAME] [--ttl DURATION]\n"
        "                                     an operator token (admin); the secret is shown once\n"
        "  token list                         operator tokens: id, name, role, expiry, state (admin)\n"
        "  token revoke ID                    revoke a token and close its connections (admin)\n"
        "  audit list [--since WHEN]          the audit log, oldest first (operator)\n"
        "  component push FILE.wasm --name N --version V [--abi wagi|keel] [--data-class C]...\n"
        "                 [--grant log,kv,clock,config] [--memory-mb M] [--deadline-ms D]\n"
        "                 [--max-response-bytes B]\n"
        "  component push --manifest FILE     push what a component manifest describes (operator)\n"
        "  component list                     every pushed version: digest, size, ABI, AOT build state\n"
        "  component show NAME[@VERSION]      one component's versions in detail\n"
        "  deploy NAME@VERSION --to SELECTOR [--skip-disallowed]\n"
        "                                     run that version on every node the selector matches\n"
        "                                     (operator); refused if the residency policy forbids it on\n"
        "                                     some of them, unless --skip-disallowed leaves those out\n"
        "  undeploy NAME --from SELECTOR      stop running NAME on those nodes (operator)\n"
        "  deployments [--component C]        the deployment rules in the order they apply (later ones\n"
        "                                     win), who made each and how many nodes it matches now\n"
        "  nodes list [--selector SELECTOR]   only the nodes a selector matches\n"
        "  whoami                             the token in use: principal, role, expiry\n"
        "  metrics [--component C] [--region R | --node N] [--since WHEN]\n"
        "                                     latency percentiles and rates over time (default: last 10m)\n"
        "%1"
        "%2"
        "\n"
        "SELECTOR is all, or key=value terms that must all hold: region=eu-west,\n"
        "jurisdiction=EU,tier=edge (region, site, jurisdiction and name, or any label).\n"
        "\n"
        "DURATION is 90s, 10m, 12h, 30d or plain seconds; WHEN is a DURATION back from now or an\n"
        "ISO 8601 time such as 2026-11-27T10:00:00Z.\n"
        "\n"
        "Options:\n"
        "  --server URL      control plane, ws://HOST:PORT (default: $KEEL_SERVER, else ws://127.0.0.1:7070)\n"
        "  --token TOKEN     operator token (default: $KEEL_TOKEN)\n"
        "  --ca FILE         PEM CA certificate(s) to trust for wss:// (default: $KEEL_CA)\n"
        "  -o, --output FMT  table (default) or json\n"
        "  --timeout SECONDS give up after this long (default 15)\n"
        "  -h, --help        this text\n"
        "  -v, --version     keelctl's version\n").arg(RolloutCommands::usage(), PolicyCommands::usage());
}

std::variant<CtlInvocation, QString> KeelCtl::parse(const QStringList &arguments, const QProcessEnvironment &env)
{
    QCommandLineParser parser;
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    const QCommandLineOption server(QStringLiteral("server"), {}, QStringLiteral("URL"));
    const QCommandLineOption token(QStringLiteral("token"), {}, QStringLiteral("TOKEN"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, {}, QStringLiteral("FMT"));
    const QCommandLineOption file({QStringLiteral("f"), QStringLiteral("file")}, {}, QStringLiteral("FILE"));
    const QCommandLineOption region(QStringLiteral("region"), {}, QStringLiteral("R"));
    const QCommandLineOption uses(QStringLiteral("uses"), {}, QStringLiteral("N"));
    const QCommandLineOption ttl(QStringLiteral("ttl"), {}, QStringLiteral("DURATION"));
    const QCommandLineOption timeout(QStringLiteral("timeout"), {}, QStringLiteral("SECONDS"));
    const QCommandLineOption role(QStringLiteral("role"), {}, QStringLiteral("ROLE"));
    const QCommandLineOption name(QStringLiteral("name"), {}, QStringLiteral("NAME"));
    const QCommandLineOption since(QStringLiteral("since"), {}, QStringLiteral("WHEN"));
    const QCommandLineOption version(QStringLiteral("version"), {}, QStringLiteral("V"));
    const QCommandLineOption abi(QStringLiteral("abi"), {}, QStringLiteral("ABI"));
    const QCommandLineOption dataClass(QStringLiteral("data-class"), {}, QStringLiteral("C"));
    const QCommandLineOption grant(QStringLiteral("grant"), {}, QStringLiteral("G"));
    const QCommandLineOption memoryMb(QStringLiteral("memory-mb"), {}, QStringLiteral("M"));
    const QCommandLineOption deadlineMs(QStringLiteral("deadline-ms"), {}, QStringLiteral("D"));
    const QCommandLineOption maxResponse(QStringLiteral("max-response-bytes"), {}, QStringLiteral("B"));
    const QCommandLineOption manifest(QStringLiteral("manifest"), {}, QStringLiteral("FILE"));
    const QCommandLineOption to(QStringLiteral("to"), {}, QStringLiteral("SELECTOR"));
    const QCommandLineOption from(QStringLiteral("from"), {}, QStringLiteral("SELECTOR"));
    const QCommandLineOption selectorOption(QStringLiteral("selector"), {}, QStringLiteral("SELECTOR"));
    const QCommandLineOption ca(QStringLiteral("ca"), {}, QStringLiteral("FILE"));
    const QCommandLineOption componentOption(QStringLiteral("component"), {}, QStringLiteral("C"));
    const QCommandLineOption nodeOption(QStringLiteral("node"), {}, QStringLiteral("N"));
    const QCommandLineOption siteOption(QStringLiteral("site"), {}, QStringLiteral("S"));
    const QCommandLineOption labelsOption(QStringLiteral("labels"), {}, QStringLiteral("K=V,..."));
    const QCommandLineOption removeOption(QStringLiteral("remove"), {}, QStringLiteral("K"));
    const QCommandLineOption skipDisallowed(QStringLiteral("skip-disallowed"));
    parser.addOptions({server, token, output, file, region, uses, ttl, timeout, role, name, since, version, abi, dataClass,
                       grant, memoryMb, deadlineMs, maxResponse, manifest, to, from, selectorOption,
                       componentOption, nodeOption, ca, siteOption, labelsOption, removeOption, skipDisallowed});
    parser.addOptions(RolloutCommands::options());
    if (!parser.parse(arguments))
        return parser.errorText() + QStringLiteral(": see keelctl --help");

    CtlInvocation inv;
    inv.command = parser.positionalArguments();
    const bool deployVerb = !inv.command.isEmpty()
        && (inv.command.first() == QLatin1String("deploy") || inv.command.first() == QLatin1String("undeploy"));
    const bool oneWordVerb = !inv.command.isEmpty()
        && (inv.command.first() == QLatin1String("metrics") || inv.command.first() == QLatin1String("whoami")
            || inv.command.first() == QLatin1String("deployments"));
    const QStringList verb = inv.command.mid(0, deployVerb || oneWordVerb ? 1 : 2);
    if (!kCommands.contains(verb)) {
        return inv.command.isEmpty() ? QStringLiteral("no command given: see keelctl --help")
                                     : QStringLiteral("unknown command \"%1\": see keelctl --help").arg(inv.command.join(u' '));
    }
    const bool pushWithFlags = verb == QStringList{QStringLiteral("component"), QStringLiteral("push")} && !parser.isSet(manifest);
    const bool labelVerb = verb == QStringList{QStringLiteral("nodes"), QStringLiteral("label")};
    const bool policyVerb = verb.first() == QLatin1String("policy"); // PolicyCommands::read checks its arguments
    const qsizetype expectedArgs = oneWordVerb ? 1 : deployVerb ? 2 : kCommandsWithArgument.contains(verb) || pushWithFlags ? 3 : 2;
    if (labelVerb) {
        if (inv.command.size() < 3 || (inv.command.size() == 3 && !parser.isSet(removeOption)))
            return QStringLiteral("nodes label takes NAME and K=V labels to set and/or --remove K: see keelctl --help");
        if (auto error = parseLabels(inv.command.mid(3), &inv.labels))
            return *error;
        for (const QString &key : parser.values(removeOption))
            inv.removeLabels += key.split(u',', Qt::SkipEmptyParts);
    } else if (!policyVerb && inv.command.size() != expectedArgs) {
        return QStringLiteral("\"%1\" takes %2 argument(s): see keelctl --help").arg(verb.join(u' ')).arg(expectedArgs - 2);
    }

    const QString serverText = parser.isSet(server) ? parser.value(server)
        : env.value(QStringLiteral("KEEL_SERVER"), QStringLiteral("ws://127.0.0.1:7070"));
    inv.server = KeelClient::normalizeServer(serverText);
    if (!inv.server.isValid())
        return QStringLiteral("--server \"%1\" is not a control plane address: use ws://HOST:PORT").arg(serverText);
    inv.token = parser.isSet(token) ? parser.value(token) : env.value(QStringLiteral("KEEL_TOKEN"));
    inv.caFile = parser.isSet(ca) ? parser.value(ca) : env.value(QStringLiteral("KEEL_CA"));
    if (inv.token.isEmpty())
        return QStringLiteral("no operator token: pass --token or set KEEL_TOKEN (the first admin token is in the control plane's data dir, admin.token)");

    const QString format = parser.isSet(output) ? parser.value(output) : QStringLiteral("table");
    if (format != QLatin1String("table") && format != QLatin1String("json"))
        return QStringLiteral("-o \"%1\" is not an output format: use table or json").arg(format);
    inv.json = format == QLatin1String("json");

    auto positive = [&](const QCommandLineOption &option, int *out) -> std::optional<QString> {
        if (!parser.isSet(option))
            return std::nullopt;
        bool ok = false;
        const int value = parser.value(option).toInt(&ok);
        if (!ok || value <= 0)
            return QStringLiteral("--%1 \"%2\" is not a positive whole number").arg(option.names().constLast(), parser.value(option));
        *out = value;
        return std::nullopt;
    };
    for (auto [option, target] : {std::pair{&uses, &inv.uses}, {&timeout, &inv.timeoutSeconds}}) {
        if (auto error = positive(*option, target))
            return *error;
    }
    if (parser.isSet(ttl)) {
        const auto seconds = TimeArgument::seconds(parser.value(ttl));
        constexpr qint64 kTenYears = 10LL * 365 * 86400;
        if (!seconds || *seconds > kTenYears)
            return QStringLiteral("--ttl \"%1\" is not a duration: use 90s, 10m, 12h, 30d (at most ten years)").arg(parser.value(ttl));
        inv.ttlSeconds = int(*seconds);
    }

    if (policyVerb) {
        if (auto error = PolicyCommands::read(parser, inv))
            return *error;
    }
    inv.skipDisallowed = parser.isSet(skipDisallowed);
    if (verb.first() == QLatin1String("topology")) {
        if (!parser.isSet(file))
            return QStringLiteral("topology apply needs -f FILE");
        inv.file = parser.value(file);
    }
    if (verb.first() == QLatin1String("join-token")) {
        if (!parser.isSet(region))
            return QStringLiteral("join-token create needs --region R");
        inv.region = parser.value(region);
        inv.site = parser.value(siteOption);
        if (auto error = parseLabels(parser.values(labelsOption), &inv.labels))
            return QStringLiteral("--labels: ") + *error;
    }
    if (verb == QStringList{QStringLiteral("token"), QStringLiteral("create")}) {
        if (!parser.isSet(role))
            return QStringLiteral("token create needs --role viewer, operator or admin");
        const auto parsedRole = roleFromText(parser.value(role));
        if (!parsedRole)
            return QStringLiteral("--role \"%1\" is not a role: use viewer, operator or admin").arg(parser.value(role));
        inv.role = *parsedRole;
        inv.name = parser.isSet(name) ? parser.value(name)
                                      : toText(inv.role) + QDateTime::currentDateTimeUtc().toString(QStringLiteral("-yyyyMMdd-HHmmss"));
    }
    if (verb == QStringList{QStringLiteral("component"), QStringLiteral("push")}) {
        if (!pushWithFlags) {
            inv.manifestFile = parser.value(manifest);
        } else {
            inv.moduleFile = inv.command.at(2);
            if (!parser.isSet(name) || !parser.isSet(version))
                return QStringLiteral("component push FILE.wasm needs --name N and --version V (or use --manifest FILE)");
            Manifest &m = inv.manifest;
            m.name = parser.value(name);
            m.version = parser.value(version);
            const QString abiText = parser.isSet(abi) ? parser.value(abi) : QStringLiteral("wagi");
            const auto parsedAbi = componentAbiFromText(abiText);
            if (!parsedAbi)
                return QStringLiteral("--abi \"%1\" is not an ABI: use wagi or keel").arg(abiText);
            m.abi = *parsedAbi;
            m.dataClasses = parser.values(dataClass);
            for (const QString &value : parser.values(grant))
                m.grants += value.split(u',', Qt::SkipEmptyParts);
            for (auto [option, target] : {std::pair{&memoryMb, 0}, {&deadlineMs, 1}, {&maxResponse, 2}}) {
                if (!parser.isSet(*option))
                    continue;
                bool ok = false;
                const qulonglong value = parser.value(*option).toULongLong(&ok);
                if (!ok || value == 0)
                    return QStringLiteral("--%1 \"%2\" is not a positive whole number").arg(option->names().constLast(), parser.value(*option));
                if (target == 0)
                    m.limits.memoryMb = quint32(std::min<qulonglong>(value, UINT32_MAX));
                else if (target == 1)
                    m.limits.deadlineMs = quint32(std::min<qulonglong>(value, UINT32_MAX));
                else
                    m.limits.maxResponseBytes = value;
            }
        }
    }
    if (deployVerb) {
        const bool isDeploy = inv.command.first() == QLatin1String("deploy");
        const QCommandLineOption &where = isDeploy ? to : from;
        if (!parser.isSet(where))
            return QStringLiteral("%1 needs %2 SELECTOR (e.g. jurisdiction=EU, or all)").arg(inv.command.first(), isDeploy ? QStringLiteral("--to") : QStringLiteral("--from"));
        inv.selector = parser.value(where);
        const QString ref = inv.command.at(1);
        const qsizetype at = ref.indexOf(u'@');
        if (isDeploy && (at <= 0 || at == ref.size() - 1))
            return QStringLiteral("deploy takes NAME@VERSION, e.g. hash@1.2.0, not \"%1\"").arg(ref);
        if (!isDeploy && at >= 0)
            return QStringLiteral("undeploy takes a component NAME without a version, not \"%1\"").arg(ref);
        inv.manifest.name = isDeploy ? ref.left(at) : ref;
        inv.manifest.version = isDeploy ? ref.mid(at + 1) : QString();
    }
    if (oneWordVerb && inv.command.first() == QLatin1String("metrics")) {
        if (parser.isSet(region) && parser.isSet(nodeOption))
            return QStringLiteral("metrics takes --region or --node, not both");
        inv.manifest.name = parser.value(componentOption);
        inv.region = parser.value(region);
        inv.node = parser.value(nodeOption);
    }
    if (oneWordVerb && inv.command.first() == QLatin1String("deployments"))
        inv.manifest.name = parser.value(componentOption);
    if (verb.first() == QLatin1String("rollout")) {
        inv.manifest.name = parser.value(componentOption); // rollout list --component
        if (auto error = RolloutCommands::read(parser, inv))
            return *error;
        if (verb.at(1) == QLatin1String("start")) {
            const QString ref = inv.command.at(2);
            const qsizetype at = ref.indexOf(u'@');
            if (at <= 0 || at == ref.size() - 1)
                return QStringLiteral("rollout start takes NAME@VERSION, e.g. hash@2.0.0, not \"%1\"").arg(ref);
            inv.rollout.component = ref.left(at);
            inv.rollout.version = ref.mid(at + 1);
            if (!parser.isSet(to))
                return QStringLiteral("rollout start needs --to SELECTOR (all, or e.g. jurisdiction=EU)");
            inv.rollout.selector = parser.value(to);
            inv.rollout.skipDisallowed = inv.skipDisallowed;
        }
    }
    if (parser.isSet(selectorOption))
        inv.selector = parser.value(selectorOption);
    if (parser.isSet(since)) {
        const auto when = TimeArgument::since(parser.value(since), QDateTime::currentDateTimeUtc());
        if (!when)
            return QStringLiteral("--since \"%1\" is neither a duration (10m, 12h, 7d) nor an ISO 8601 time").arg(parser.value(since));
        inv.since = *when;
    }
    return inv;
}

KeelCtl::KeelCtl(QObject *parent)
    : QObject(parent)
    , m_client(new KeelClient(this))
{
}

KeelCtl::~KeelCtl() = default;

void KeelCtl::fail(const QString &message, int exitCode)
{
    if (m_done)
        return;
    m_done = true;
    std::fprintf(stderr, "keelctl: %s\n", qPrintable(QString(message).replace(u'\n', u' ')));
    emit finished(exitCode);
}

void KeelCtl::succeed(const QString &output)
{
    if (m_done)
        return;
    m_done = true;
    std::fputs(qPrintable(output), stdout);
    std::fflush(stdout);
    emit finished(0);
}

void KeelCtl::run(const CtlInvocation &invocation)
{
    m_invocation = invocation;
    // A watch lasts as long as what it watches; the connection's loss still ends it.
    if (!invocation.watch) {
        QTimer::singleShot(invocation.timeoutSeconds * 1000, this, [this] {
            fail(QStringLiteral("no answer from %1 within %2 s: is the control plane running there?")
                     .arg(m_invocation.server.toString()).arg(m_invocation.timeoutSeconds));
        });
    }
    connect(m_client, &KeelClient::disconnected, this, [this](const QString &reason) { fail(reason); });
    if (!invocation.caFile.isEmpty()) {
        const QList<QSslCertificate> ca = QSslCertificate::fromPath(invocation.caFile, QSsl::Pem);
        if (ca.isEmpty())
            return fail(QStringLiteral("--ca %1: no PEM certificate in it (or it cannot be read)").arg(invocation.caFile), 2);
        m_client->setCaCertificates(ca);
    }

    const QString noun = invocation.command.at(0);
    const QString verb = invocation.command.value(1);
    if (noun == QLatin1String("topology")) {
        m_fleet = std::make_unique<FleetCommands>(
            *m_client, m_invocation, [this](const QString &output) { succeed(output); },
            [this](const QString &message) { fail(message); });
        m_fleet->applyTopology();
        return;
    }
    if (noun == QLatin1String("whoami")) {
        m_client->open(invocation.server, invocation.token);
        m_client->whoAmI([this](const Result<Op::Identity> &result) {
            if (auto *error = errorOf(result))
                return fail(error->message);
            const auto &identity = std::get<Op::Identity>(result);
            const OperatorToken &t = identity.token;
            if (m_invocation.json) {
                return succeed(OutputFormat::jsonText(QJsonObject{
                    {QStringLiteral("principal"), identity.principal},
                    {QStringLiteral("id"), t.id},
                    {QStringLiteral("name"), t.name},
                    {QStringLiteral("role"), toText(t.role)},
                    {QStringLiteral("expires"), t.expires.isValid() ? t.expires.toUTC().toString(Qt::ISODateWithMs) : QString()}}));
            }
            succeed(QStringLiteral("%1 (role %2, %3)\n")
                        .arg(identity.principal, toText(t.role),
                             t.expires.isValid() ? QStringLiteral("expires ") + t.expires.toUTC().toString(Qt::ISODate)
                                                 : QStringLiteral("never expires")));
        });
        return;
    }
    if (noun == QLatin1String("metrics")) {
        m_client->open(invocation.server, invocation.token);
        m_client->queryMetrics(invocation.manifest.name, invocation.region, invocation.node, invocation.since,
                               [this](const Result<QList<MetricsWindow>> &result) {
            if (auto *error = errorOf(result))
                return fail(error->message);
            const auto &windows = std::get<QList<MetricsWindow>>(result);
            if (!m_invocation.json)
                return succeed(OutputFormat::metricsTable(windows));
            QJsonArray array;
            for (const MetricsWindow &w : windows)
                array.append(OutputFormat::toJson(w));
            succeed(OutputFormat::jsonText(array));
        });
        return;
    }
    if (noun == QLatin1String("policy")) {
        m_policies = std::make_unique<PolicyCommands>(
            *m_client, m_invocation, [this](const QString &output) { succeed(output); },
            [this](const QString &message) { fail(message); });
        if (verb == QLatin1String("apply"))
            m_policies->apply();
        else if (verb == QLatin1String("get"))
            m_policies->get();
        else if (verb == QLatin1String("history"))
            m_policies->history();
        else if (verb == QLatin1String("violations"))
            m_policies->violations();
        else
            m_policies->check();
        return;
    }
    if (noun == QLatin1String("rollout")) {
        m_rollouts = std::make_unique<RolloutCommands>(
            *m_client, m_invocation, [this](const QString &output) { succeed(output); },
            [this](const QString &message) { fail(message); });
        if (verb == QLatin1String("start"))
            m_rollouts->start();
        else if (verb == QLatin1String("status"))
            m_rollouts->status();
        else if (verb == QLatin1String("list"))
            m_rollouts->list();
        else if (verb == QLatin1String("pause"))
            m_rollouts->control(RolloutAction::Pause);
        else if (verb == QLatin1String("resume"))
            m_rollouts->control(RolloutAction::Resume);
        else if (verb == QLatin1String("abort"))
            m_rollouts->control(RolloutAction::Abort);
        else
            m_rollouts->control(RolloutAction::Rollback);
        return;
    }
    if (noun == QLatin1String("component") || noun == QLatin1String("deployments") || noun == QLatin1String("deploy")
        || noun == QLatin1String("undeploy")) {
        m_components = std::make_unique<ComponentCommands>(
            *m_client, m_invocation, [this](const QString &output) { succeed(output); },
            [this](const QString &message) { fail(message); });
        if (noun == QLatin1String("deployments"))
            m_components->listDeployments();
        else if (noun == QLatin1String("deploy"))
            m_components->deploy();
        else if (noun == QLatin1String("undeploy"))
            m_components->undeploy();
        else if (verb == QLatin1String("push"))
            m_components->push();
        else if (verb == QLatin1String("list"))
            m_components->list();
        else
            m_components->show();
        return;
    }
    if (noun == QLatin1String("nodes") || noun == QLatin1String("regions") || noun == QLatin1String("join-token")) {
        m_fleet = std::make_unique<FleetCommands>(
            *m_client, m_invocation, [this](const QString &output) { succeed(output); },
            [this](const QString &message) { fail(message); });
        if (noun == QLatin1String("regions"))
            m_fleet->listRegions();
        else if (noun == QLatin1String("join-token"))
            m_fleet->createJoinToken();
        else if (verb == QLatin1String("list"))
            m_fleet->listNodes();
        else if (verb == QLatin1String("show"))
            m_fleet->showNode();
        else
            m_fleet->labelNode();
        return;
    }
    m_client->open(invocation.server, invocation.token);
    if (noun == QLatin1String("token") || noun == QLatin1String("audit")) {
        m_access = std::make_unique<AccessCommands>(
            *m_client, m_invocation, [this](const QString &output) { succeed(output); },
            [this](const QString &message) { fail(message); });
        if (noun == QLatin1String("audit"))
            m_access->listAudit();
        else if (verb == QLatin1String("create"))
            m_access->createToken();
        else if (verb == QLatin1String("list"))
            m_access->listTokens();
        else
            m_access->revokeToken();
    }
}

} // namespace Keel
