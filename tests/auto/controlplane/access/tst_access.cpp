// Operator access end to end: the real control plane in-process on an ephemeral port,
// real SQLite, real WebSockets. Tokens by role, the role matrix against every mutating
// request, revocation and expiry, and the audit log's completeness.
#include "clientcalls.h"
#include "controlplane.h"
#include "keelclient.h"

#include "keel/v1/keel.pb.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

using namespace Keel;
using namespace Keel::Testing;

namespace {

// Requests the typed client cannot send (a missing role), framed by the test itself.
QByteArray rawRequest(quint64 id, const char *kind)
{
    keel::v1::Envelope envelope;
    envelope.set_request_id(id);
    auto *request = envelope.mutable_operator_request();
    const QByteArrayView k(kind);
    if (k == "create_token_without_role") {
        request->mutable_create_token()->set_name("ci");
    } else if (k == "list_regions") {
        request->mutable_list_regions();
    }
    std::string bytes;
    envelope.SerializeToString(&bytes);
    return QByteArray::fromStdString(bytes);
}

// The smallest valid module: magic and version, no sections.
const QByteArray kEmptyModule = QByteArray::fromHex("0061736d01000000");

Manifest emptyComponent(const QString &name)
{
    Manifest m;
    m.name = name;
    m.version = QStringLiteral("1.0.0");
    m.abi = ComponentAbi::Keel;
    return m;
}

} // namespace

class tst_Access : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ControlPlane> m_cp;
    QString m_adminToken;

    ControlPlaneOptions options() const
    {
        ControlPlaneOptions o;
        o.dataDir = m_dir.filePath(QStringLiteral("cp"));
        o.listenPort = 0;
        return o;
    }

    QUrl operatorUrl() const { return QUrl(m_cp->url() + QStringLiteral("/v1/operator")); }

    std::unique_ptr<KeelClient> client(const QString &token)
    {
        auto c = std::make_unique<KeelClient>();
        c->open(operatorUrl(), token);
        return c;
    }

    CreatedToken createToken(Role role, const QString &name, int ttlSeconds = 0)
    {
        auto admin = client(m_adminToken);
        const auto created = await<CreatedToken>([&](auto done) { admin->createToken(role, name, ttlSeconds, done); });
        if (!created || errorOf(*created))
            qFatal("cannot create a %s token: %s", qPrintable(toText(role)), created ? qPrintable(errorOf(*created)->message) : "no answer");
        return std::get<CreatedToken>(*created);
    }

    QList<AuditRecord> audit(quint64 after = 0)
    {
        auto admin = client(m_adminToken);
        const auto list = await<Op::AuditList>([&](auto done) { admin->listAudit({}, after, 0, done); });
        if (!list || errorOf(*list))
            return {};
        return std::get<Op::AuditList>(*list).records;
    }

    // The code of the answer to one raw request (or UNSPECIFIED for a success).
    keel::v1::ErrorCode rawCall(const QString &token, const char *kind)
    {
        QWebSocket socket;
        QNetworkRequest request(operatorUrl());
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(request);
        if (!connected.wait(5000))
            return keel::v1::ERROR_CODE_UNAVAILABLE;
        std::optional<keel::v1::Envelope> answer;
        connect(&socket, &QWebSocket::binaryMessageReceived, &socket, [&](const QByteArray &frame) {
            keel::v1::Envelope envelope;
            if (envelope.ParseFromArray(frame.constData(), int(frame.size())))
                answer = envelope;
        });
        socket.sendBinaryMessage(rawRequest(7, kind));
        (void)QTest::qWaitFor([&] { return answer.has_value(); }, 5000);
        if (!answer)
            return keel::v1::ERROR_CODE_UNAVAILABLE;
        return answer->has_error() ? answer->error().code() : keel::v1::ERROR_CODE_UNSPECIFIED;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        m_cp = ControlPlane::start(options(), &error);
        QVERIFY2(m_cp, qPrintable(error));
        QFile tokenFile(m_cp->adminTokenPath());
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        m_adminToken = QString::fromUtf8(tokenFile.readAll().trimmed());
    }

    void roleMatrixIsEnforcedAndEveryMutationAuditedOnce()
    {
        const QMap<Role, CreatedToken> tokens = {
            {Role::Viewer, createToken(Role::Viewer, QStringLiteral("matrix-viewer"))},
            {Role::Operator, createToken(Role::Operator, QStringLiteral("matrix-operator"))},
            {Role::Admin, createToken(Role::Admin, QStringLiteral("matrix-admin"))},
        };
        // A spare token for each role's revoke attempt to aim at.
        const CreatedToken target = createToken(Role::Viewer, QStringLiteral("revoke-target"));
        const quint64 before = audit().isEmpty() ? 0 : audit().constLast().sequence;

        struct Expectation { QString action; Role needed; };
        const QList<Expectation> typed = {
            {QStringLiteral("apply_topology"), Role::Operator},
            {QStringLiteral("create_join_token"), Role::Operator},
            {QStringLiteral("create_token"), Role::Admin},
            {QStringLiteral("revoke_token"), Role::Admin},
            {QStringLiteral("push_component"), Role::Operator},
            {QStringLiteral("deploy"), Role::Operator},
            {QStringLiteral("undeploy"), Role::Operator},
            {QStringLiteral("start_rollout"), Role::Operator},
            {QStringLiteral("control_rollout"), Role::Operator},
            {QStringLiteral("set_policy"), Role::Operator},
        };

        QList<std::tuple<QString, QString, bool>> expectedAudit; // principal, action, denied
        for (auto it = tokens.cbegin(); it != tokens.cend(); ++it) {
            const Role role = it.key();
            const QString principal = QStringLiteral("token:") + it.value().token.name;
            auto c = client(it.value().secret);
            for (const Expectation &e : typed) {
                std::optional<WireError> error;
                bool answered = false;
                auto record = [&](const auto &result) {
                    answered = true;
                    if (const auto *err = std::get_if<WireError>(&result))
                        error = *err;
                };
                if (e.action == QLatin1String("apply_topology"))
                    c->applyTopology({Region{QStringLiteral("eu-west"), QStringLiteral("EU"), 53.3, -6.2, {}}}, record);
                else if (e.action == QLatin1String("create_join_token"))
                    c->createJoinToken(QStringLiteral("eu-west"), 1, 60, record);
                else if (e.action == QLatin1String("push_component"))
                    c->pushComponent(emptyComponent(QStringLiteral("by-") + toText(role)), kEmptyModule, record);
                else if (e.action == QLatin1String("deploy"))
                    c->deploy(QStringLiteral("no-such-component"), QStringLiteral("1.0.0"), QStringLiteral("all"), record);
                else if (e.action == QLatin1String("undeploy"))
                    c->undeploy(QStringLiteral("no-such-component"), QStringLiteral("all"), record);
                else if (e.action == QLatin1String("start_rollout"))
                    {
                    RolloutSpec spec;
                    spec.component = QStringLiteral("no-such-component");
                    spec.version = QStringLiteral("1.0.0");
                    c->startRollout(spec, record);
                }
                else if (e.action == QLatin1String("control_rollout"))
                    c->controlRollout(QStringLiteral("r-000000"), RolloutAction::Abort, record);
                else if (e.action == QLatin1String("set_policy"))
                    c->setPolicy(ResidencyPolicy{}, false, 0, record);
                else if (e.action == QLatin1String("create_token"))
                    c->createToken(Role::Viewer, QStringLiteral("made-by-") + toText(role), 0, record);
                else
                    c->revokeToken(target.token.id + (role == Role::Admin ? QString() : QStringLiteral("-nope")), record);
                QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
                const bool denied = error && error->code == ErrorCode::PermissionDenied;
                QVERIFY2(denied == (role < e.needed),
                         qPrintable(QStringLiteral("%1 by %2: %3").arg(e.action, toText(role), error ? error->message : QStringLiteral("ok"))));
                if (denied)
                    QVERIFY2(error->message.contains(toText(e.needed)), qPrintable(error->message));
                expectedAudit.append({principal, e.action, denied});
            }
        }

        // Exactly one record per request, in order, with who, what and how it ended.
        const QList<AuditRecord> records = audit(before);
        QCOMPARE(records.size(), expectedAudit.size());
        for (qsizetype i = 0; i < records.size(); ++i) {
            const auto &[principal, action, denied] = expectedAudit.at(i);
            const AuditRecord &r = records.at(i);
            QCOMPARE(r.sequence, before + quint64(i) + 1);
            QCOMPARE(r.principal, principal);
            QCOMPARE(r.action, action);
            QVERIFY2(r.result.startsWith(denied ? QLatin1String("denied: ") : QLatin1String("ok"))
                         || (!denied && r.result.startsWith(QLatin1String("error: "))),
                     qPrintable(r.action + u' ' + r.result));
        }
        // Reads are not audited, and a viewer cannot read the log or the tokens.
        auto viewer = client(tokens.value(Role::Viewer).secret);
        const auto nodes = await<QList<Node>>([&](auto done) { viewer->listNodes(done); });
        QVERIFY(nodes && !errorOf(*nodes));
        const auto rules = await<QList<DeploymentRule>>([&](auto done) { viewer->listDeployments({}, done); });
        QVERIFY2(rules && !errorOf(*rules), qPrintable(why(rules)));
        const auto auditByViewer = await<Op::AuditList>([&](auto done) { viewer->listAudit({}, 0, 0, done); });
        QVERIFY(auditByViewer && errorOf(*auditByViewer));
        QCOMPARE(errorOf(*auditByViewer)->code, ErrorCode::PermissionDenied);
        const auto tokensByViewer = await<QList<OperatorToken>>([&](auto done) { viewer->listTokens(done); });
        QVERIFY(tokensByViewer && errorOf(*tokensByViewer));
        QCOMPARE(audit(before).size(), expectedAudit.size());
    }

    void revokedTokenIsCutOffRefusedAndAudited()
    {
        const CreatedToken ci = createToken(Role::Operator, QStringLiteral("ci-deployer"));
        auto session = client(ci.secret);
        const auto regions = await<QList<Region>>([&](auto done) { session->listRegions(done); });
        QVERIFY(regions && !errorOf(*regions));
        QSignalSpy dropped(session.get(), &KeelClient::disconnected);

        auto admin = client(m_adminToken);
        const auto revoked = await<std::monostate>([&](auto done) { admin->revokeToken(ci.token.id, done); });
        QVERIFY(revoked && !errorOf(*revoked));
        // The open session is closed at once, not at its next request.
        QTRY_COMPARE_WITH_TIMEOUT(dropped.size(), 1, 5000);
        QVERIFY2(dropped.first().first().toString().contains(QLatin1String("revoked")), qPrintable(dropped.first().first().toString()));

        auto again = client(ci.secret);
        QSignalSpy refused(again.get(), &KeelClient::disconnected);
        QTRY_COMPARE_WITH_TIMEOUT(refused.size(), 1, 5000);
        QVERIFY(refused.first().first().toString().contains(QLatin1String("revoked")));

        const auto tokens = await<QList<OperatorToken>>([&](auto done) { admin->listTokens(done); });
        QVERIFY(tokens && !errorOf(*tokens));
        bool listedRevoked = false;
        for (const OperatorToken &t : std::get<QList<OperatorToken>>(*tokens))
            listedRevoked |= t.id == ci.token.id && t.revoked;
        QVERIFY(listedRevoked);

        const QList<AuditRecord> records = audit();
        QVERIFY(!records.isEmpty());
        const AuditRecord &last = records.constLast();
        QCOMPARE(last.action, QStringLiteral("authenticate"));
        QCOMPARE(last.principal, QStringLiteral("token:ci-deployer"));
        QCOMPARE(last.principalId, ci.token.id);
        QVERIFY(last.result.startsWith(QLatin1String("denied: ")));
    }

    void expiredAndUnknownTokensAreRefusedAndAudited()
    {
        const CreatedToken shortLived = createToken(Role::Viewer, QStringLiteral("short-lived"), 1);
        QVERIFY(shortLived.token.expires.isValid());
        // Poll until the control plane refuses it (expiry is its clock's decision).
        QString reason;
        QVERIFY(QTest::qWaitFor([&] {
            auto c = client(shortLived.secret);
            QSignalSpy gone(c.get(), &KeelClient::disconnected);
            const auto r = await<QList<Region>>([&](auto done) { c->listRegions(done); });
            if (r && !errorOf(*r))
                return false;
            reason = r ? errorOf(*r)->message : QString();
            return true;
        }, 10000));
        QVERIFY2(reason.contains(QLatin1String("expired")), qPrintable(reason));

        auto stranger = client(QStringLiteral("kop_not-a-token"));
        QSignalSpy refused(stranger.get(), &KeelClient::disconnected);
        QTRY_COMPARE_WITH_TIMEOUT(refused.size(), 1, 5000);

        const QList<AuditRecord> records = audit();
        QVERIFY(records.size() >= 2);
        const AuditRecord &expired = records.at(records.size() - 2);
        QCOMPARE(expired.principal, QStringLiteral("token:short-lived"));
        QVERIFY2(expired.result.contains(QLatin1String("expired")), qPrintable(expired.result));
        QCOMPARE(records.constLast().principal, QStringLiteral("unknown"));
        QCOMPARE(records.constLast().action, QStringLiteral("authenticate"));
    }

    void theLastAdminTokenCannotBeRevoked()
    {
        auto admin = client(m_adminToken);
        const auto tokens = await<QList<OperatorToken>>([&](auto done) { admin->listTokens(done); });
        QVERIFY(tokens && !errorOf(*tokens));
        // Revoke every other usable admin first, then try the bootstrap token itself.
        QString bootstrapId;
        for (const OperatorToken &t : std::get<QList<OperatorToken>>(*tokens)) {
            if (t.role != Role::Admin || t.revoked)
                continue;
            if (t.name == QLatin1String("bootstrap-admin")) {
                bootstrapId = t.id;
                continue;
            }
            const auto r = await<std::monostate>([&](auto done) { admin->revokeToken(t.id, done); });
            QVERIFY(r && !errorOf(*r));
        }
        QVERIFY(!bootstrapId.isEmpty());
        const auto last = await<std::monostate>([&](auto done) { admin->revokeToken(bootstrapId, done); });
        QVERIFY(last && errorOf(*last));
        QCOMPARE(errorOf(*last)->code, ErrorCode::FailedPrecondition);
        QVERIFY(errorOf(*last)->message.contains(QLatin1String("last usable admin")));
    }

    void badTokenRequestsAreRefusedWithReasons()
    {
        auto admin = client(m_adminToken);
        const auto badName = await<CreatedToken>([&](auto done) { admin->createToken(Role::Viewer, QStringLiteral("Not A Name"), 0, done); });
        QVERIFY(badName && errorOf(*badName));
        QCOMPARE(errorOf(*badName)->code, ErrorCode::BadRequest);
        QCOMPARE(errorOf(*badName)->field, QStringLiteral("name"));
        const auto unknown = await<std::monostate>([&](auto done) { admin->revokeToken(QStringLiteral("no-such-id"), done); });
        QVERIFY(unknown && errorOf(*unknown));
        QCOMPARE(errorOf(*unknown)->code, ErrorCode::NotFound);
    }

    // An unspecified enum used to close the connection as garbled; it is a bad request,
    // answered with the field it is about, and the connection goes on.
    void anUnspecifiedEnumIsABadRequestAndTheConnectionStays()
    {
        QWebSocket socket;
        QNetworkRequest request(operatorUrl());
        request.setRawHeader("Authorization", "Bearer " + m_adminToken.toUtf8());
        QSignalSpy connected(&socket, &QWebSocket::connected);
        QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
        socket.open(request);
        QVERIFY(connected.wait(5000));
        QList<keel::v1::Envelope> answers;
        connect(&socket, &QWebSocket::binaryMessageReceived, &socket, [&](const QByteArray &frame) {
            keel::v1::Envelope envelope;
            if (envelope.ParseFromArray(frame.constData(), int(frame.size())))
                answers.append(envelope);
        });
        const auto before = audit();
        socket.sendBinaryMessage(rawRequest(7, "create_token_without_role"));
        QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, 5000);
        QCOMPARE(answers.first().request_id(), 7u);
        QVERIFY(answers.first().has_error());
        QCOMPARE(answers.first().error().code(), keel::v1::ERROR_CODE_BAD_REQUEST);
        QCOMPARE(answers.first().error().field(), std::string("role"));
        QVERIFY2(QString::fromStdString(answers.first().error().message()).contains(QLatin1String("viewer, operator or admin")),
                 answers.first().error().message().c_str());
        socket.sendBinaryMessage(rawRequest(8, "list_regions"));
        QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 2, 5000);
        QCOMPARE(answers.last().request_id(), 8u);
        QVERIFY(answers.last().has_operator_response());
        QCOMPARE(disconnected.size(), 0);
        QCOMPARE(audit(before.isEmpty() ? 0 : before.last().sequence).size(), 0); // nothing happened to audit
    }

    // Any role may ask who it is; the answer names the token, never its secret.
    void whoAmIAnswersEveryRole()
    {
        for (Role role : {Role::Viewer, Role::Operator, Role::Admin}) {
            const CreatedToken created = createToken(role, QStringLiteral("who-") + toText(role));
            auto c = client(created.secret);
            const auto identity = await<Op::Identity>([&](auto done) { c->whoAmI(done); });
            QVERIFY(identity && !errorOf(*identity));
            const auto &id = std::get<Op::Identity>(*identity);
            QCOMPARE(id.principal, QStringLiteral("token:who-") + toText(role));
            QCOMPARE(id.token.role, role);
            QCOMPARE(id.token.id, created.token.id);
        }
    }

    void auditSurvivesARestartAndContinuesItsSequence()
    {
        const QList<AuditRecord> before = audit();
        QVERIFY(!before.isEmpty());
        m_cp.reset();
        QString error;
        m_cp = ControlPlane::start(options(), &error);
        QVERIFY2(m_cp, qPrintable(error));
        createToken(Role::Viewer, QStringLiteral("after-restart"));
        const QList<AuditRecord> after = audit();
        QCOMPARE(after.size(), before.size() + 1);
        QCOMPARE(after.mid(0, before.size()), before);
        QCOMPARE(after.constLast().sequence, before.constLast().sequence + 1);
        QCOMPARE(after.constLast().action, QStringLiteral("create_token"));
    }
};

QTEST_GUILESS_MAIN(tst_Access)
#include "tst_access.moc"
