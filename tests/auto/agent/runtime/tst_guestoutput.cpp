// What a guest hands back, read as untrusted bytes: a WAGI guest's CGI output and a Keel
// handler's encoded response. Only a final status (200-599) makes an answer; anything else
// is the guest's bad output, named with the value it gave.
#include "cgi.h"
#include "keelabi.h"

#include <QtTest>

#include <cstdint>
#include <string>

using namespace keel::agent;

namespace {

void putU32(std::string &out, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(char(std::uint8_t(v >> (8 * i))));
}

// A Keel ABI response: status, one header, body.
std::string keelResponse(std::uint32_t status)
{
    std::string out;
    putU32(out, status);
    putU32(out, 1);
    putU32(out, 12);
    out += "content-type";
    putU32(out, 10);
    out += "text/plain";
    putU32(out, 2);
    out += "ok";
    return out;
}

} // namespace

class tst_GuestOutput : public QObject
{
    Q_OBJECT

private slots:
    void cgiStatus_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("named");
        QTest::newRow("200") << "200 OK" << true << "";
        QTest::newRow("204") << "204" << true << "";
        QTest::newRow("599") << "599" << true << "";
        QTest::newRow("interim 100") << "100 Continue" << false << "CGI Status 100 is an interim status";
        QTest::newRow("interim 101") << "101" << false << "CGI Status 101 is an interim status";
        QTest::newRow("below 100") << "99" << false << "not a status code: 99";
        QTest::newRow("above 599") << "600" << false << "not a status code: 600";
        QTest::newRow("not a number") << "abc" << false << "not a status code: abc";
    }

    void cgiStatus()
    {
        QFETCH(QString, status);
        QFETCH(bool, accepted);
        QFETCH(QString, named);
        const std::string output = "Status: " + status.toStdString() + "\nContent-Type: text/plain\n\nbody";
        ComponentResponse response;
        std::string error;
        QCOMPARE(Cgi::parseOutput(output, response, error), accepted);
        if (accepted) {
            QCOMPARE(response.status, unsigned(status.left(3).toUInt()));
            QCOMPARE(response.body, std::string("body"));
        } else {
            QVERIFY2(error.find(named.toStdString()) != std::string::npos, error.c_str());
        }
    }

    void keelStatus_data()
    {
        QTest::addColumn<uint>("status");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("200") << 200u << true;
        QTest::newRow("304") << 304u << true;
        QTest::newRow("interim 100") << 100u << false;
        QTest::newRow("interim 199") << 199u << false;
        QTest::newRow("0") << 0u << false;
        QTest::newRow("600") << 600u << false;
    }

    void keelStatus()
    {
        QFETCH(uint, status);
        QFETCH(bool, accepted);
        ComponentResponse response;
        std::string error;
        QCOMPARE(KeelAbi::decodeResponse(keelResponse(status), response, error), accepted);
        if (accepted) {
            QCOMPARE(response.status, status);
            QCOMPARE(response.body, std::string("ok"));
            QCOMPARE(response.headers.size(), std::size_t(1));
        } else {
            QVERIFY2(error.find("response status " + std::to_string(status)) != std::string::npos, error.c_str());
        }
    }
};

QTEST_APPLESS_MAIN(tst_GuestOutput)
#include "tst_guestoutput.moc"
