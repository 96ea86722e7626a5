#include "agentchannelcodec.h"
#include "agentsession.h"
#include "controlplane.h"
#include "controlplaneserver.h"
#include "keelclient.h"
#include "operatorcodec.h"
#include "servermetrics.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <sodium.h>

using namespace Keel;

namespace {

// An agent speaking raw frames, with a real ed25519 key.
struct TestAgent
{
    QByteArray publicKey = QByteArray(crypto_sign_PUBLICKEYBYTES, Qt::Uninitialized);
    QByteArray secretKey = QByteArray(crypto_sign_SECRETKEYBYTES, Qt::Uninitialized);

    TestAgent()
    {
        crypto_sign_keypair(reinterpret_cast<unsigned char *>(publicKey.data()), reinterpret_cast<unsigned char *>(secretKey.data()));
    }

    QByteArray sign(const QByteArray &message) const
    {
        QByteArray signature(crypto_sign_BYTES, Qt::Uninitialized);
        crypto_sign_detached(reinterpret_cast<unsigned char *>(signature.data()), nullptr,
                             reinterpret_cast<const unsigned char *>(message.constData()), size_t(message.size()),
                             reinterpret_cast<const unsigned char *>(secretKey.constData()));
        return signature;
    }
};

} // namespace

// The real control plane in-process on an ephemeral port, spoken to over real WebSockets.
class tst_ControlPlaneServer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ControlPlane> m_cp;
    QString m_token;

    QUrl url(const char *path) const { return QUrl(m_cp->url() + QLatin1String(path)); }

    // Connects a raw socket and waits for the upgrade.
    std::unique_ptr<QWebSocket> open(const char *path, const QByteArray &bearer = {})
    {
        auto socket = std::make_unique<QWebSocket>();
        QNetworkRequest request(url(path));
        if (!bearer.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + bearer);
        QSignalSpy connected(socket.get(), &QWebSocket::connected);
        socket->open(request);
        if (!connected.wait(5000))
            return nullptr;
        return socket;
    }

    // Sends `frames` and returns the frames answered until the server closes or `count` arrive.
    static QList<QByteArray> exchange(QWebSocket &socket, const QList<QByteArray> &frames, int count)
    {
        QList<QByteArray> answers;
        QObject::connect(&socket, &QWebSocket::binaryMessageReceived, &socket, [&](const QByteArray &f) { answers.append(f); });
        for (const QByteArray &frame : frames)
            socket.sendBinaryMessage(frame);
        (void)QTest::qWaitFor([&] { return answers.size() >= count || socket.state() == QAbstractSocket::UnconnectedState; }, 5000);
        return answers;
    }

    std::optional<JoinToken> joinToken(const QString &region)
    {
        KeelClient client;
        client.open(QUrl(m_cp->url() + QStringLiteral("/v1/operator")), m_token);
        std::optional<JoinToken> token;
        client.createJoinToken(region, 1, 0, [&](const Result<JoinToken> &r) {
            if (auto *t = std::get_if<JoinToken>(&r))
                token = *t;
        });
        (void)QTest::qWaitFor([&] { return token.has_value(); }, 5000);
        return token;
    }

    // Runs the full handshake; returns what the server said last (a welcome or an error).
    AgentServerMessage handshake(QWebSocket &socket, const TestAgent &agent, const QString &name, const QString &token)
    {
        AgentHello hello;
        hello.nodeName = name;
        hello.region = QStringLiteral("eu-west");
        hello.tiers = {RuntimeTier::Interpreter};
        hello.publicKey = agent.publicKey;
        hello.joinToken = token;
        const QList<QByteArray> first = exchange(socket, {AgentChannelCodec::encodeHello(1, hello)}, 1);
        if (first.isEmpty())
            return WireError{ErrorCode::Unavailable, QStringLiteral("no answer to hello"), {}};
        auto challenge = AgentChannelCodec::decodeFromServer(first.first());
        if (!challenge || !std::holds_alternative<AgentChallenge>(*challenge.value))
            return challenge ? *challenge.value : WireError{ErrorCode::Internal, challenge.error, {}};
        const QByteArray nonce = std::get<AgentChallenge>(*challenge.value).nonce;
        const QList<QByteArray> second = exchange(socket, {AgentChannelCodec::encodeProof(2, {agent.sign(agentProofMessage(name, nonce))})}, 1);
        if (second.isEmpty())
            return WireError{ErrorCode::Unavailable, QStringLiteral("no answer to the proof"), {}};
        auto last = AgentChannelCodec::decodeFromServer(second.first());
        return last ? *last.value : WireError{ErrorCode::Internal, last.error, {}};
    }

private slots:
    void initTestCase()
    {
        ControlPlaneOptions options;
        options.dataDir = m_dir.filePath(QStringLiteral("cp"));
        options.listenPort = 0;
        options.fleet = {200, 1000, 1000};
        QString error;
        m_cp = ControlPlane::start(options, &error);
        QVERIFY2(m_cp, qPrintable(error));
        QVERIFY(m_cp->createdAdminToken());
        QFile tokenFile(m_cp->adminTokenPath());
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        QCOMPARE(tokenFile.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());
        m_token = QString::fromUtf8(tokenFile.readAll().trimmed());
        QVERIFY(m_token.startsWith(QLatin1String("kop_")));
        QVERIFY(std::holds_alternative<TopologyApplied>(
            m_cp->fleet().applyTopology({{QStringLiteral("eu-west"), QStringLiteral("EU"), 53, -6, {}}})));
    }

    void garbledFrameClosesOnlyThatConnection()
    {
        auto bad = open("/v1/agent");
        QVERIFY(bad);
        auto good = open("/v1/agent");
        QVERIFY(good);
        const double before = m_cp->metrics().framesRejectedForTest("agent", "garbled");
        bad->sendBinaryMessage(QByteArray("\xff\xfe not protobuf", 15));
        QTRY_COMPARE(bad->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(bad->closeCode(), QWebSocketProtocol::CloseCodeProtocolError);
        QCOMPARE(m_cp->metrics().framesRejectedForTest("agent", "garbled"), before + 1);
        QCOMPARE(good->state(), QAbstractSocket::ConnectedState);
    }

    void textFrameIsRejected()
    {
        auto socket = open("/v1/agent");
        QVERIFY(socket);
        socket->sendTextMessage(QStringLiteral("{\"hello\":1}"));
        QTRY_COMPARE(socket->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(socket->closeCode(), QWebSocketProtocol::CloseCodeDatatypeNotSupported);
        QCOMPARE(m_cp->metrics().framesRejectedForTest("agent", "text_frame"), 1.0);
    }

    void oversizedFrameIsRejected()
    {
        auto socket = open("/v1/agent");
        QVERIFY(socket);
        socket->sendBinaryMessage(QByteArray(int(AgentSession::kMaxHandshakeMessageBytes) + 1, 'x'));
        QTRY_COMPARE_WITH_TIMEOUT(socket->state(), QAbstractSocket::UnconnectedState, 10000);
        QTRY_COMPARE(m_cp->metrics().framesRejectedForTest("agent", "oversized"), 1.0);
    }

    void unknownPathIsClosed()
    {
        auto socket = open("/v2/whatever");
        QVERIFY(socket);
        QTRY_COMPARE(socket->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(socket->closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    }

    void operatorWithoutValidTokenIsRefused()
    {
        KeelClient client;
        QSignalSpy disconnected(&client, &KeelClient::disconnected);
        client.open(QUrl(m_cp->url() + QStringLiteral("/v1/operator")), QStringLiteral("kop_wrong"));
        QVERIFY(disconnected.wait(5000));
        QVERIFY2(disconnected.first().first().toString().contains(QLatin1String("not known")),
                 qPrintable(disconnected.first().first().toString()));
    }

    void agentEnrollsAndAnotherKeyCannotClaimTheName()
    {
        const auto token = joinToken(QStringLiteral("eu-west"));
        QVERIFY(token);
        TestAgent first;
        auto socket = open("/v1/agent");
        QVERIFY(socket);
        const AgentServerMessage welcome = handshake(*socket, first, QStringLiteral("edge-1"), token->token);
        QVERIFY(std::holds_alternative<AgentWelcome>(welcome));
        QCOMPARE(std::get<AgentWelcome>(welcome).heartbeatIntervalMs, 200);
        QCOMPARE(std::get<AgentWelcome>(welcome).controlPlanePublicKey.size(), 32);
        QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
        QTRY_COMPARE(m_cp->fleet().node(QStringLiteral("edge-1")).value_or(Node{}).status, NodeStatus::Ready);

        // Same name, other key, even with a fresh token: refused, and the first stays.
        const auto other = joinToken(QStringLiteral("eu-west"));
        QVERIFY(other);
        TestAgent thief;
        auto thiefSocket = open("/v1/agent");
        QVERIFY(thiefSocket);
        const AgentServerMessage answer = handshake(*thiefSocket, thief, QStringLiteral("edge-1"), other->token);
        QTRY_COMPARE(thiefSocket->state(), QAbstractSocket::UnconnectedState);
        QVERIFY(std::holds_alternative<WireError>(answer));
        QCOMPARE(std::get<WireError>(answer).code, ErrorCode::Conflict);
        QVERIFY(std::get<WireError>(answer).message.contains(QLatin1String("another key")));
        QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
    }

    void forgedProofIsRefused()
    {
        const auto token = joinToken(QStringLiteral("eu-west"));
        QVERIFY(token);
        TestAgent agent;
        TestAgent impostor;
        auto socket = open("/v1/agent");
        QVERIFY(socket);
        AgentHello hello;
        hello.nodeName = QStringLiteral("edge-forged");
        hello.region = QStringLiteral("eu-west");
        hello.publicKey = agent.publicKey;
        hello.joinToken = token->token;
        QList<QByteArray> challenge = exchange(*socket, {AgentChannelCodec::encodeHello(1, hello)}, 1);
        QCOMPARE(challenge.size(), 1);
        auto decoded = AgentChannelCodec::decodeFromServer(challenge.first());
        QVERIFY(decoded && std::holds_alternative<AgentChallenge>(*decoded.value));
        const QByteArray nonce = std::get<AgentChallenge>(*decoded.value).nonce;
        exchange(*socket, {AgentChannelCodec::encodeProof(2, {impostor.sign(agentProofMessage(hello.nodeName, nonce))})}, 1);
        QTRY_COMPARE(socket->state(), QAbstractSocket::UnconnectedState);
        QVERIFY(!m_cp->fleet().node(QStringLiteral("edge-forged")));
    }
};

QTEST_GUILESS_MAIN(tst_ControlPlaneServer)
#include "tst_controlplaneserver.moc"
