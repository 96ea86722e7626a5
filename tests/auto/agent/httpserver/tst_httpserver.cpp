// The agent's HTTP/1.1 server on a real socket: keep-alive and pipelining, HEAD, answers
// given later, refusals that are delivered, timeouts that tell an idle keep-alive from a
// stalled request, eviction, and a stop while a request is with its handler.
#include "http/httpserver.h"
#include "metrics/agentmetrics.h"

#include <QTcpSocket>
#include <QtTest>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <thread>

using namespace keel::agent;
namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

// An HttpServer on its own io_context thread. The handler echoes the target; a target
// starting with /later answers from a timer, /never keeps the answer until released.
class ServerUnderTest
{
public:
    explicit ServerUnderTest(HttpServer::Limits limits)
        : m_metrics("test", "edge-1", "eu")
        , m_server(
              m_io, "data",
              [this](const HttpRequest &request, const HttpServer::Peer &peer, HttpServer::Respond respond) {
                  handle(request, peer, std::move(respond));
              },
              m_metrics, limits)
    {
        const auto ec = m_server.listen({asio::ip::make_address("127.0.0.1"), 0});
        Q_ASSERT(!ec);
        m_server.start();
        m_thread = std::thread([this] { m_io.run(); });
    }
    ~ServerUnderTest()
    {
        asio::post(m_io, [this] {
            m_held.clear();
            m_server.stop();
        });
        m_work.reset();
        m_io.stop();
        m_thread.join();
    }

    quint16 port() const { return m_server.localEndpoint().port(); }
    std::string scrape() { return m_metrics.scrape(); }
    std::size_t connections()
    {
        std::promise<std::size_t> count;
        asio::post(m_io, [&] { count.set_value(m_server.connectionCount()); });
        return count.get_future().get();
    }
    void stop()
    {
        std::promise<void> done;
        asio::post(m_io, [&] {
            m_server.stop();
            done.set_value();
        });
        done.get_future().get();
    }
    // Answers every request held by /never.
    void release()
    {
        asio::post(m_io, [this] {
            for (auto &respond : m_held)
                respond(textResponse("released\n"));
            m_held.clear();
        });
    }

private:
    static HttpResponse textResponse(std::string body)
    {
        HttpResponse response{http::status::ok, 11};
        response.set(http::field::content_type, "text/plain");
        response.body() = std::move(body);
        return response;
    }
    void handle(const HttpRequest &request, const HttpServer::Peer &peer, HttpServer::Respond respond)
    {
        const std::string target(request.target());
        const std::string body = target + " " + peer.remoteAddress + " " + std::to_string(request.body().size()) + "\n";
        if (target.starts_with("/status/")) {
            // A handler's answer the server must make HTTP of: 204 and 304 with a body,
            // an interim status as if it were final.
            HttpResponse response = textResponse("a body it may not have\n");
            response.result(unsigned(std::stoi(target.substr(8))));
            respond(std::move(response));
            return;
        }
        if (target.starts_with("/throw"))
            throw std::runtime_error("the handler failed");
        if (target.starts_with("/never")) {
            m_held.push_back(std::move(respond));
            return;
        }
        if (target.starts_with("/later")) {
            auto timer = std::make_shared<asio::steady_timer>(m_io, std::chrono::milliseconds(20));
            timer->async_wait([timer, respond = std::move(respond), body](const boost::system::error_code &) {
                respond(textResponse(body));
            });
            return;
        }
        respond(textResponse(body));
    }

    asio::io_context m_io;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> m_work{m_io.get_executor()};
    AgentMetrics m_metrics;
    HttpServer m_server;
    std::vector<HttpServer::Respond> m_held;
    std::thread m_thread;
};

HttpServer::Limits shortLimits()
{
    HttpServer::Limits limits;
    limits.headerBytes = 1024;
    limits.bodyBytes = 64;
    limits.headerTimeout = std::chrono::milliseconds(300);
    limits.requestTimeout = std::chrono::milliseconds(300);
    limits.maxConnections = 8;
    limits.maxConnectionsPerPeer = 3;
    return limits;
}

// Writes and waits until the bytes have left for the server.
bool send(QTcpSocket &socket, const QByteArray &bytes)
{
    socket.write(bytes);
    QDeadlineTimer deadline(10'000);
    while (socket.bytesToWrite() > 0 && !deadline.hasExpired())
        socket.waitForBytesWritten(int(deadline.remainingTime()));
    return socket.bytesToWrite() == 0;
}

bool connectTo(QTcpSocket &socket, quint16 port)
{
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    return socket.waitForConnected(5000);
}

// Reads until `count` whole responses (framed by their Content-Length) have arrived.
QByteArray readResponses(QTcpSocket &socket, int count)
{
    QByteArray all;
    auto complete = [&] {
        qsizetype at = 0;
        for (int seen = 0; seen < count; ++seen) {
            const auto headEnd = all.indexOf("\r\n\r\n", at);
            if (headEnd < 0)
                return false;
            const auto lengthAt = all.indexOf("Content-Length: ", at);
            if (lengthAt < 0 || lengthAt > headEnd)
                return false;
            const auto lengthEnd = all.indexOf("\r\n", lengthAt);
            at = headEnd + 4 + all.mid(lengthAt + 16, lengthEnd - lengthAt - 16).toLongLong();
        }
        return all.size() >= at;
    };
    QDeadlineTimer deadline(10'000);
    while (!complete() && !deadline.hasExpired() && socket.waitForReadyRead(int(deadline.remainingTime())))
        all += socket.readAll();
    return all;
}

QByteArray readUntil(QTcpSocket &socket, const QByteArray &needle)
{
    QByteArray all;
    QDeadlineTimer deadline(10'000);
    while (!all.contains(needle) && !deadline.hasExpired() && socket.waitForReadyRead(int(deadline.remainingTime())))
        all += socket.readAll();
    return all;
}

// True once the server has closed the connection (what it still sends is read and dropped).
bool waitForClose(QTcpSocket &socket, int ms)
{
    QDeadlineTimer deadline(ms);
    while (socket.state() != QAbstractSocket::UnconnectedState && !deadline.hasExpired()) {
        socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
        socket.readAll();
    }
    return socket.state() == QAbstractSocket::UnconnectedState;
}

} // namespace

class tst_HttpServer : public QObject
{
    Q_OBJECT

private slots:
    void keepAliveServesRequestsInOrderIncludingPipelined()
    {
        ServerUnderTest server(shortLimits());
        QTcpSocket socket;
        QVERIFY(connectTo(socket, server.port()));
        send(socket, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
        const QByteArray first = readResponses(socket, 1);
        QVERIFY2(first.startsWith("HTTP/1.1 200 OK\r\n"), first.constData());
        QVERIFY(first.contains("Content-Length: 15\r\n"));
        QVERIFY(first.endsWith("/a 127.0.0.1 0\n"));

        // Three requests in one write, one with a body and one answered later: three
        // answers, in the order asked.
        send(socket, "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                     "GET /later HTTP/1.1\r\nHost: x\r\n\r\n"
                     "GET /c HTTP/1.1\r\nHost: x\r\n\r\n");
        const QByteArray three = readResponses(socket, 3);
        const auto b = three.indexOf("/b 127.0.0.1 5\n");
        const auto later = three.indexOf("/later 127.0.0.1 0\n");
        const auto c = three.indexOf("/c 127.0.0.1 0\n");
        QVERIFY2(b >= 0 && later > b && c > later, three.constData());
        QCOMPARE(three.count("HTTP/1.1 200 OK"), 3);
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
        QVERIFY(server.scrape().find("keel_agent_http_requests_total{code=\"200\",listener=\"data\"} 4") != std::string::npos);
    }

    void headGetsTheLengthWithoutTheBody()
    {
        ServerUnderTest server(shortLimits());
        QTcpSocket socket;
        QVERIFY(connectTo(socket, server.port()));
        send(socket, "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\n\r\n");
        // The HEAD answer has no body, so the GET's answer follows its head directly.
        const QByteArray both = readUntil(socket, "/g 127.0.0.1 0\n");
        QVERIFY2(both.startsWith("HTTP/1.1 200 OK\r\n"), both.constData());
        QVERIFY(both.contains("Content-Length: 15\r\n\r\nHTTP/1.1 200 OK"));
        QVERIFY(both.endsWith("/g 127.0.0.1 0\n"));
    }

    void answersAHandlerCannotGiveAsIsAreMadeHttp()
    {
        ServerUnderTest server(shortLimits());
        QTcpSocket socket;
        QVERIFY(connectTo(socket, server.port()));
        // 204 and 304 go out without their body, and the connection carries on.
        QVERIFY(send(socket, "GET /status/204 HTTP/1.1\r\nHost: x\r\n\r\nGET /status/304 HTTP/1.1\r\nHost: x\r\n\r\n"
                             "GET /after HTTP/1.1\r\nHost: x\r\n\r\n"));
        const QByteArray three = readUntil(socket, "/after 127.0.0.1 0\n");
        QVERIFY2(three.startsWith("HTTP/1.1 204 No Content\r\n"), three.constData());
        QVERIFY(three.contains("\r\n\r\nHTTP/1.1 304 Not Modified\r\n"));
        QVERIFY(!three.contains("a body it may not have"));
        QVERIFY(three.contains("HTTP/1.1 200 OK\r\n"));
        // An interim status cannot end a request: 502. A handler that throws: 500.
        QVERIFY(send(socket, "GET /status/101 HTTP/1.1\r\nHost: x\r\n\r\n"));
        QVERIFY(readResponses(socket, 1).startsWith("HTTP/1.1 502 Bad Gateway\r\n"));
        QVERIFY(send(socket, "GET /throw HTTP/1.1\r\nHost: x\r\n\r\n"));
        QVERIFY(readResponses(socket, 1).startsWith("HTTP/1.1 500 Internal Server Error\r\n"));
        QVERIFY(send(socket, "GET /still HTTP/1.1\r\nHost: x\r\n\r\n"));
        QVERIFY(readResponses(socket, 1).endsWith("/still 127.0.0.1 0\n"));
    }

    void aRequestCutShortIsABadRequest_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::newRow("in the header") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n");
        QTest::newRow("in the body") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    }
    void aRequestCutShortIsABadRequest()
    {
        QFETCH(QByteArray, request);
        ServerUnderTest server(shortLimits());
        QTcpSocket socket;
        QVERIFY(connectTo(socket, server.port()));
        QVERIFY(send(socket, request));
        socket.disconnectFromHost(); // half-close: the client still reads the answer
        QVERIFY(waitForClose(socket, 5000));
        QTRY_VERIFY(server.scrape().find("keel_agent_http_requests_total{code=\"400\",listener=\"data\"} 1")
                    != std::string::npos);
        QVERIFY(server.scrape().find("keel_agent_http_bad_requests_total 1") != std::string::npos);
    }

    void aHeaderSentAFieldAtATimeIsHeldToTheLimit()
    {
        ServerUnderTest server(shortLimits());
        QTcpSocket socket;
        QVERIFY(connectTo(socket, server.port()));
        QVERIFY(send(socket, "GET / HTTP/1.1\r\n"));
        // 40-byte fields, each written out on its own: the 1 KiB limit is on all of them,
        // not on what the parser holds unparsed at one time.
        for (int i = 0; i < 64 && socket.state() == QAbstractSocket::ConnectedState; ++i) {
            if (!send(socket, QByteArray("X-Field-") + QByteArray::number(i).rightJustified(2, '0') + ": "
                                  + QByteArray(26, 'v') + "\r\n"))
                break;
        }
        QByteArray answer = socket.readAll();
        if (!answer.contains("\r\n\r\n"))
            answer += readUntil(socket, "\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 431"), answer.left(80).constData());
    }

    void closeAfterConnectionCloseAndHttp10()
    {
        ServerUnderTest server(shortLimits());
        QTcpSocket socket;
        QVERIFY(connectTo(socket, server.port()));
        send(socket, "GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        const QByteArray answer = readResponses(socket, 1);
        QVERIFY(answer.contains("Connection: close\r\n"));
        QVERIFY(waitForClose(socket, 5000));

        QTcpSocket old;
        QVERIFY(connectTo(old, server.port()));
        send(old, "GET /old HTTP/1.0\r\n\r\n");
        const QByteArray oldAnswer = readResponses(old, 1);
        QVERIFY2(oldAnswer.startsWith("HTTP/1.0 200 OK\r\n"), oldAnswer.constData());
        QVERIFY(waitForClose(old, 5000));
    }

    void malformedAndOversizedRequestsAreRefusedAndDelivered_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("status");
        QTest::newRow("garbage") << QByteArray("NOT HTTP AT ALL\r\n\r\n") << QByteArray("400");
        QTest::newRow("absolute-form") << QByteArray("GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n") << QByteArray("400");
        QTest::newRow("header over 1 KiB")
            << QByteArray("GET / HTTP/1.1\r\nX-Big: " + QByteArray(4096, 'a') + "\r\n\r\n") << QByteArray("431");
        // The body is refused from its Content-Length, while the client still sends it.
        QTest::newRow("body over 64 bytes")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + QByteArray(100000, 'b'))
            << QByteArray("413");
    }
    void malformedAndOversizedRequestsAreRefusedAndDelivered()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, status);
        ServerUnderTest server(shortLimits());
        QTcpSocket socket;
        QVERIFY(connectTo(socket, server.port()));
        send(socket, request);
        const QByteArray answer = readResponses(socket, 1);
        QVERIFY2(answer.startsWith("HTTP/1.1 " + status), answer.left(80).constData());
        QVERIFY(answer.contains("Connection: close\r\n"));
        QVERIFY(waitForClose(socket, 5000));
        const std::string metrics = server.scrape();
        QVERIFY(metrics.find("keel_agent_http_requests_total{code=\"" + status.toStdString() + "\",listener=\"data\"} 1")
                != std::string::npos);
        QVERIFY(metrics.find("keel_agent_http_bad_requests_total 1") != std::string::npos);
    }

    void stalledRequestsTimeOutAndIdleKeepAliveIsNotAnError()
    {
        ServerUnderTest server(shortLimits());
        QTcpSocket idle, header, body;
        QVERIFY(connectTo(idle, server.port()));
        QVERIFY(connectTo(header, server.port()));
        QVERIFY(connectTo(body, server.port()));
        QVERIFY(send(header, "GET / HTTP/1.1\r\nHost: x\r\n"));
        QVERIFY(send(body, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
        QVERIFY(waitForClose(idle, 5000));
        QVERIFY(waitForClose(header, 5000));
        QVERIFY(waitForClose(body, 5000));
        QTRY_COMPARE(server.connections(), std::size_t(0));
        const std::string metrics = server.scrape();
        QVERIFY(metrics.find("keel_agent_http_timeouts_total{listener=\"data\",phase=\"header\"} 1") != std::string::npos);
        QVERIFY(metrics.find("keel_agent_http_timeouts_total{listener=\"data\",phase=\"body\"} 1") != std::string::npos);
        QVERIFY(metrics.find("keel_agent_http_bad_requests_total 2") != std::string::npos);
    }

    void aPeerOverItsLimitEvictsItsOldestWaitingConnection()
    {
        auto limits = shortLimits();
        limits.headerTimeout = std::chrono::seconds(30);
        ServerUnderTest server(limits);
        QTcpSocket first, second, third, fourth;
        QVERIFY(connectTo(first, server.port()));
        QTRY_COMPARE(server.connections(), std::size_t(1));
        QVERIFY(connectTo(second, server.port()));
        QVERIFY(connectTo(third, server.port()));
        QTRY_COMPARE(server.connections(), std::size_t(3));
        // The second is busy with a request its handler keeps: it is not a candidate.
        QVERIFY(send(second, "GET /never HTTP/1.1\r\nHost: x\r\n\r\n"));
        QVERIFY(connectTo(fourth, server.port()));
        QVERIFY(waitForClose(first, 5000));
        send(fourth, "GET /new HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(readResponses(fourth, 1).endsWith("/new 127.0.0.1 0\n"));
        QCOMPARE(second.state(), QAbstractSocket::ConnectedState);
        server.release();
        const QByteArray released = readResponses(second, 1);
        QVERIFY2(released.endsWith("released\n"), released.constData());
        QVERIFY(server.scrape().find("keel_agent_http_connections_evicted_total{listener=\"data\",reason=\"peer_limit\"} 1")
                != std::string::npos);
    }

    void stopWhileARequestIsWithItsHandler()
    {
        ServerUnderTest server(shortLimits());
        QTcpSocket socket;
        QVERIFY(connectTo(socket, server.port()));
        send(socket, "GET /never HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE(server.connections(), std::size_t(1));
        server.stop();
        QVERIFY(waitForClose(socket, 5000));
        // The answer that comes after the stop has nowhere to go, and breaks nothing.
        server.release();
        QCOMPARE(server.connections(), std::size_t(0));
    }
};

QTEST_GUILESS_MAIN(tst_HttpServer)
#include "tst_httpserver.moc"
