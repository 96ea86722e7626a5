// The control plane's transport (controlplane/transport) on its own: a real listener on
// an ephemeral port, spoken to by QWebSocket clients.
#include "wsconnection.h"
#include "wsserver.h"

#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

#include <memory>

using namespace Keel;

class tst_WsServer : public QObject
{
    Q_OBJECT

private:
    static constexpr std::uint64_t kLimit = 2 * 1024 * 1024;

    std::unique_ptr<WsServer> m_server;
    QList<QPointer<WsConnection>> m_accepted;

    std::unique_ptr<QWebSocket> open(const QString &path)
    {
        auto socket = std::make_unique<QWebSocket>();
        QSignalSpy connected(socket.get(), &QWebSocket::connected);
        socket->open(QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(m_server->serverPort()).arg(path)));
        if (!connected.wait(10000))
            return nullptr;
        return socket;
    }

private slots:
    void init()
    {
        m_server = std::make_unique<WsServer>([](std::string_view) { return kLimit; });
        QString error;
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        connect(m_server.get(), &WsServer::newConnection, this, [this](WsConnection *c) { m_accepted.append(c); });
    }

    void cleanup()
    {
        m_server.reset();
        m_accepted.clear();
    }

    void pathHeadersAndPeerArrive()
    {
        auto socket = std::make_unique<QWebSocket>();
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/v1/operator?x=1").arg(m_server->serverPort())));
        request.setRawHeader("Authorization", "Bearer abc");
        socket->open(request);
        QTRY_COMPARE(m_accepted.size(), 1);
        QCOMPARE(m_accepted.first()->path(), QStringLiteral("/v1/operator"));
        QCOMPARE(m_accepted.first()->header("authorization"), QByteArray("Bearer abc"));
        QCOMPARE(m_accepted.first()->peerAddress(), QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(m_accepted.first()->maxAllowedIncomingMessageSize(), qint64(kLimit));
    }

    // More than the flow-control window (WsPeer::kMaxUnconsumedBytes) in flight at once:
    // reading pauses and resumes, and every message arrives whole and in order.
    void aFloodArrivesWholeAndInOrder()
    {
        auto client = open(QStringLiteral("/v1/agent"));
        QVERIFY(client);
        QTRY_COMPARE(m_accepted.size(), 1);
        QList<QByteArray> received;
        connect(m_accepted.first(), &WsConnection::binaryMessageReceived, this,
                [&](const QByteArray &message) { received.append(message); });
        constexpr int kMessages = 40;
        for (int i = 0; i < kMessages; ++i)
            client->sendBinaryMessage(QByteArray(512 * 1024, char('a' + i % 26)) + QByteArray::number(i));
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), kMessages, 30000);
        for (int i = 0; i < kMessages; ++i) {
            QCOMPARE(received.at(i).size(), 512 * 1024 + QByteArray::number(i).size());
            QVERIFY(received.at(i).endsWith(QByteArray::number(i)));
            QCOMPARE(received.at(i).front(), char('a' + i % 26));
        }
    }

    void messagesGoOutInOrderAndCloseFollowsThem()
    {
        auto client = open(QStringLiteral("/v1/agent"));
        QVERIFY(client);
        QTRY_COMPARE(m_accepted.size(), 1);
        QList<QByteArray> received;
        connect(client.get(), &QWebSocket::binaryMessageReceived, this, [&](const QByteArray &m) { received.append(m); });
        for (int i = 0; i < 100; ++i)
            m_accepted.first()->sendBinaryMessage(QByteArray::number(i));
        m_accepted.first()->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("bye"));
        QTRY_COMPARE(client->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(received.size(), 100);
        QCOMPARE(received.last(), QByteArray("99"));
        QCOMPARE(client->closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QCOMPARE(client->closeReason(), QStringLiteral("bye"));
        QTRY_VERIFY(!m_accepted.first()->isOpen());
    }

    void aMessageOverTheLimitClosesWith1009()
    {
        auto client = open(QStringLiteral("/v1/agent"));
        QVERIFY(client);
        QTRY_COMPARE(m_accepted.size(), 1);
        QSignalSpy gone(m_accepted.first(), &WsConnection::disconnected);
        client->sendBinaryMessage(QByteArray(int(kLimit) + 1, 'x'));
        QTRY_COMPARE_WITH_TIMEOUT(gone.count(), 1, 10000);
        QCOMPARE(m_accepted.first()->closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    }

    void aPlainHttpRequestIsAnswered426AndCounted()
    {
        QSignalSpy failed(m_server.get(), &WsServer::failed);
        QTcpSocket tcp;
        tcp.connectToHost(QHostAddress::LocalHost, m_server->serverPort());
        QVERIFY(tcp.waitForConnected(5000));
        tcp.write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        QByteArray answer;
        QTRY_VERIFY((answer += tcp.readAll()).contains("\r\n\r\n"));
        QVERIFY2(answer.startsWith("HTTP/1.1 426"), answer.constData());
        QTRY_COMPARE(failed.count(), 1);
        QCOMPARE(failed.first().at(1).toByteArray(), QByteArray("not_websocket"));
        QVERIFY(m_accepted.isEmpty());
    }

    void deletingAConnectionDropsIt()
    {
        auto client = open(QStringLiteral("/v1/agent"));
        QVERIFY(client);
        QTRY_COMPARE(m_accepted.size(), 1);
        delete m_accepted.first();
        QTRY_COMPARE(client->state(), QAbstractSocket::UnconnectedState);
    }

    // The server goes with connections still open, owned elsewhere (as sessions own them):
    // clients see the connection end and nothing touches the gone network thread.
    void theServerGoesFirst()
    {
        auto client = open(QStringLiteral("/v1/agent"));
        QVERIFY(client);
        QTRY_COMPARE(m_accepted.size(), 1);
        QObject owner;
        m_accepted.first()->setParent(&owner);
        m_server.reset();
        QTRY_COMPARE(client->state(), QAbstractSocket::UnconnectedState);
        QVERIFY(!m_accepted.first()->isOpen());
        m_accepted.first()->sendBinaryMessage("ignored");
    }
};

QTEST_GUILESS_MAIN(tst_WsServer)
#include "tst_wsserver.moc"
