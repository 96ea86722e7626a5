#include "accesscommands.h"

#include "keelctl.h"
#include "outputformat.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>

namespace Keel {

namespace {

// Enough for years of a busy fleet; a bigger export belongs to the store's own tools.
constexpr int kAuditPage = 1000;
constexpr int kMaxAuditRecords = 100000;

} // namespace

AccessCommands::AccessCommands(KeelClient &client, const CtlInvocation &invocation, Succeed succeed, Fail fail)
    : m_client(client)
    , m_invocation(invocation)
    , m_succeed(std::move(succeed))
    , m_fail(std::move(fail))
{
}

void AccessCommands::createToken()
{
    m_client.createToken(m_invocation.role, m_invocation.name, int(m_invocation.ttlSeconds), [this](const Result<CreatedToken> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const auto &created = std::get<CreatedToken>(result);
        if (m_invocation.json) {
            QJsonObject object = OutputFormat::toJson(created.token, QDateTime::currentDateTimeUtc());
            object.insert(QStringLiteral("token"), created.secret);
            return m_succeed(OutputFormat::jsonText(object));
        }
        // The bare secret on stdout so that $(keelctl token create ...) works; the rest for people.
        std::fprintf(stderr, "keelctl: %s token %s (id %s), expires %s; it is shown only now\n",
                     qPrintable(toText(created.token.role)), qPrintable(created.token.name), qPrintable(created.token.id),
                     created.token.expires.isValid() ? qPrintable(created.token.expires.toString(Qt::ISODate)) : "never");
        m_succeed(created.secret + u'\n');
    });
}

void AccessCommands::listTokens()
{
    m_client.listTokens([this](const Result<QList<OperatorToken>> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const auto &tokens = std::get<QList<OperatorToken>>(result);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (!m_invocation.json)
            return m_succeed(OutputFormat::tokensTable(tokens, now));
        QJsonArray array;
        for (const OperatorToken &token : tokens)
            array.append(OutputFormat::toJson(token, now));
        m_succeed(OutputFormat::jsonText(array));
    });
}

void AccessCommands::revokeToken()
{
    const QString id = m_invocation.command.at(2);
    m_client.revokeToken(id, [this, id](const Result<std::monostate> &result) {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        if (m_invocation.json)
            return m_succeed(OutputFormat::jsonText(QJsonObject{{QStringLiteral("revoked"), id}}));
        m_succeed(QStringLiteral("token %1 revoked; its open connections are closed\n").arg(id));
    });
}

void AccessCommands::listAudit()
{
    fetchAudit(0, {});
}

void AccessCommands::fetchAudit(quint64 afterSequence, QList<AuditRecord> collected)
{
    m_client.listAudit(m_invocation.since, afterSequence, kAuditPage,
                       [this, collected = std::move(collected)](const Result<Op::AuditList> &result) mutable {
        if (const auto *error = std::get_if<WireError>(&result))
            return m_fail(error->message);
        const auto &page = std::get<Op::AuditList>(result);
        collected.append(page.records);
        if (page.truncated && !page.records.isEmpty() && collected.size() < kMaxAuditRecords)
            return fetchAudit(page.records.constLast().sequence, std::move(collected));
        if (!m_invocation.json)
            return m_succeed(OutputFormat::auditTable(collected));
        QJsonArray array;
        for (const AuditRecord &record : collected)
            array.append(OutputFormat::toJson(record));
        m_succeed(OutputFormat::jsonText(array));
    });
}

} // namespace Keel
