#include "componentruntime.h"
#include "runtimecalls.h"

#include <QtTest>

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

using namespace keel::agent;

namespace {

using keel::agent::test::call;
using keel::agent::test::send;

ComponentConfig config(const std::string &name, ComponentConfig::Abi abi, const std::string &module)
{
    ComponentConfig c;
    c.name = name;
    c.version = "1.0.0";
    c.abi = abi;
    c.modulePath = std::string(KEEL_TEST_WASM_DIR) + "/" + module + ".wasm";
    c.deadlineMs = 300;
    c.memoryBytes = 4 * 1024 * 1024;
    c.maxResponseBytes = 256 * 1024;
    return c;
}

ComponentRequest request(const std::string &path, const std::string &body = {})
{
    ComponentRequest r;
    r.method = body.empty() ? "GET" : "POST";
    r.path = path;
    r.query = "a=1&b=2";
    r.headers = {{"User-Agent", "tst"}, {"X-Custom-Thing", "v"}, {"Content-Type", "text/plain"}};
    r.body = body;
    r.remoteAddress = "127.0.0.1";
    r.serverName = "127.0.0.1";
    r.serverPort = "8080";
    return r;
}

} // namespace

class tst_ComponentRuntime : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
    }

    void wagiConformance()
    {
        ComponentRuntime runtime({2, 64, 128, m_dir.path().toStdString()}, {});
        std::string error;
        QVERIFY2(runtime.add(config("env", ComponentConfig::Abi::Wagi, "wagienv"), error), error.c_str());
        const auto answer = call(runtime, "env", request("/x/y", "hello stdin"));
        QCOMPARE(answer.error, ComponentError::None);
        QCOMPARE(answer.status, 201u);
        QVERIFY(std::find(answer.headers.begin(), answer.headers.end(),
                          std::pair<std::string, std::string>{"X-Test", "yes"})
                != answer.headers.end());
        const std::string &body = answer.body;
        for (const char *expected : {"REQUEST_METHOD=POST", "PATH_INFO=/x/y", "QUERY_STRING=a=1&b=2",
                                     "SCRIPT_NAME=/env", "X_KEEL_COMPONENT=env", "CONTENT_LENGTH=11",
                                     "CONTENT_TYPE=text/plain", "HTTP_USER_AGENT=tst",
                                     "HTTP_X_CUSTOM_THING=v", "REMOTE_ADDR=127.0.0.1", "SERVER_PORT=8080"}) {
            QVERIFY2(body.find(std::string(expected) + '\0') != std::string::npos, expected);
        }
        QVERIFY(body.size() >= 11 && body.substr(body.size() - 11) == "hello stdin");
        QVERIFY(answer.coldStart);
        QVERIFY(answer.instantiationSeconds >= 0);
    }

    // The host side of a WAGI request (its WASI functions, linked) is kept from one
    // request to the next: each still sees only its own environment and stdin, and
    // nothing of what the previous one read, wrote or was sent.
    void wagiHostKeptBetweenRequestsHoldsNothingOfTheLast()
    {
        ComponentRuntime runtime({2, 64, 128, m_dir.path().toStdString()}, {});
        std::string error;
        QVERIFY2(runtime.add(config("env", ComponentConfig::Abi::Wagi, "wagienv"), error), error.c_str());
        for (const std::string body : {"a long first body", "", "short"}) {
            auto r = request("/p-" + std::to_string(body.size()), body);
            // The first request has more headers than the later ones: the environment is
            // written over the last one's, and none of its entries may be left behind.
            const bool first = body == "a long first body";
            if (first)
                r.headers.push_back({"X-Only-First", "a value longer than any later entry of its slot"});
            const auto answer = call(runtime, "env", r);
            QCOMPARE(answer.body.find("HTTP_X_ONLY_FIRST=") != std::string::npos, first);
            QCOMPARE(answer.status, 201u);
            const std::string path = "PATH_INFO=/p-" + std::to_string(body.size()) + '\0';
            QVERIFY2(answer.body.find(path) != std::string::npos, answer.body.c_str());
            QCOMPARE(answer.body.find("PATH_INFO="), answer.body.rfind("PATH_INFO=")); // one request's
            QVERIFY(answer.body.size() >= body.size());
            QCOMPARE(answer.body.substr(answer.body.size() - body.size()), body);
            QVERIFY(answer.body.find("a long first body") == std::string::npos || body == "a long first body");
        }
    }

    void keelHandlerAndKvPersistence()
    {
        auto configured = config("counter", ComponentConfig::Abi::Keel, "keelcounter");
        configured.grants = {"kv"};
        for (std::uint32_t expected : {1u, 2u}) {
            // A fresh runtime each round: the count must come back from the data dir.
            ComponentRuntime runtime({2, 64, 128, m_dir.path().toStdString() + "/kv"}, {});
            std::string error;
            QVERIFY2(runtime.add(configured, error), error.c_str());
            const auto answer = call(runtime, "counter", request("/hello"));
            QCOMPARE(answer.error, ComponentError::None);
            QCOMPARE(answer.status, 200u);
            QCOMPARE(answer.body.size(), std::size_t(4 + 6));
            std::uint32_t count = 0;
            std::memcpy(&count, answer.body.data(), 4);
            QCOMPARE(count, expected);
            QCOMPARE(answer.body.substr(4), std::string("/hello"));
        }
    }

    void forbiddenImportNamed()
    {
        ComponentRuntime runtime({2, 64, 128, {}}, {});
        std::string error;
        QVERIFY(!runtime.add(config("counter", ComponentConfig::Abi::Keel, "forbidden"), error));
        QCOMPARE(QString::fromStdString(error),
                 QString("component counter imports keel:platform/kv.get but its manifest does not grant kv"));
    }

    void invalidModuleRefusedWithWabtMessage()
    {
        const QString path = m_dir.filePath("invalid.wasm");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("\0asm\x01\0\0\0\x01\xff", 10));
        file.close();
        ComponentRuntime runtime({2, 64, 128, {}}, {});
        auto c = config("bad", ComponentConfig::Abi::Wagi, "x");
        c.modulePath = path.toStdString();
        std::string error;
        QVERIFY(!runtime.add(c, error));
        QVERIFY2(error.find("invalid module") != std::string::npos, error.c_str());
        QVERIFY2(error.find("error:") != std::string::npos, error.c_str()); // WABT's own text
    }

    void hostileComponentsWhileAnotherServes_data()
    {
        QTest::addColumn<QString>("module");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("kind");
        QTest::newRow("loop") << "loop" << 504 << int(ComponentError::Deadline);
        QTest::newRow("membomb") << "membomb" << 500 << int(ComponentError::Memory);
        QTest::newRow("trap") << "trap" << 500 << int(ComponentError::Trap);
        QTest::newRow("bigresponse") << "bigresponse" << 502 << int(ComponentError::ResponseTooLarge);
    }

    void hostileComponentsWhileAnotherServes()
    {
        QFETCH(QString, module);
        QFETCH(int, status);
        QFETCH(int, kind);
        ComponentRuntime runtime({4, 64, 128, {}}, {});
        std::string error;
        QVERIFY2(runtime.add(config("hostile", ComponentConfig::Abi::Wagi, module.toStdString()), error),
                 error.c_str());
        QVERIFY2(runtime.add(config("good", ComponentConfig::Abi::Wagi, "wagienv"), error), error.c_str());

        const auto started = std::chrono::steady_clock::now();
        auto hostile = send(runtime, "hostile", request("/"));
        int served = 0;
        // The well-behaved component answers every request while the hostile one runs.
        while (hostile.wait_for(std::chrono::seconds(0)) != std::future_status::ready || served < 5) {
            const auto answer = call(runtime, "good", request("/"));
            QCOMPARE(answer.status, 201u);
            ++served;
        }
        const auto answer = hostile.get();
        const auto elapsed = std::chrono::steady_clock::now() - started;
        QCOMPARE(int(answer.status), status);
        QCOMPARE(int(answer.error), kind);
        // Deadline 300 ms; generous slack for a loaded machine.
        QVERIFY(elapsed < std::chrono::milliseconds(300 + 3000));
    }

    // max_instances bounds how many instances of a component are live at once (and so
    // its memory): the requests beyond it wait in its queue, they are not refused.
    void maxInstancesBoundsConcurrency()
    {
        ComponentRuntime runtime({8, 64, 128, {}}, {}); // a share of 4 workers per component
        auto c = config("loop", ComponentConfig::Abi::Wagi, "loop");
        c.deadlineMs = 200;
        c.maxInstances = 2;
        std::string error;
        QVERIFY2(runtime.add(c, error), error.c_str());
        std::vector<std::future<ComponentResponse>> answers;
        for (int i = 0; i < 5; ++i)
            answers.push_back(send(runtime, "loop", request("/")));
        std::size_t most = 0;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::any_of(answers.begin(), answers.end(), [](auto &a) {
                   return a.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
               }) && std::chrono::steady_clock::now() < deadline) {
            most = std::max(most, runtime.runningForTest("loop"));
            std::this_thread::yield();
        }
        QVERIFY(most >= 1);
        QVERIFY2(most <= 2, qPrintable(QString::number(most)));
        for (auto &answer : answers)
            QCOMPARE(answer.get().status, 504u);
    }

    // Where::HereIfFast: a component runs on the calling thread only once it has shown
    // it answers fast on the workers, and a hostile one that then runs long there loses
    // the calling thread after that one call (its deadline still ends it).
    void fastComponentsRunInlineHostileOnesLoseIt()
    {
        ComponentRuntime runtime({2, 64, 128, {}}, {});
        std::string error;
        QVERIFY2(runtime.add(config("good", ComponentConfig::Abi::Wagi, "wagienv"), error), error.c_str());
        auto loop = config("loop", ComponentConfig::Abi::Wagi, "loop");
        loop.deadlineMs = 100;
        QVERIFY2(runtime.add(loop, error), error.c_str());

        // Runs one request; true when it was answered before dispatch() returned, on this thread.
        const auto ranHere = [&runtime](const std::string &name, unsigned expected) {
            const auto caller = std::this_thread::get_id();
            auto answered = std::make_shared<std::promise<std::pair<std::thread::id, unsigned>>>();
            auto future = answered->get_future();
            const auto dispatched = runtime.dispatch(runtime.lookup(name), request("/"), [answered](ComponentResponse r) {
                answered->set_value({std::this_thread::get_id(), r.status});
            }, ComponentRuntime::Where::HereIfFast);
            const bool before = future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
            if (dispatched != ComponentRuntime::Dispatch::Accepted)
                return false;
            const auto [thread, status] = future.get();
            if (status != expected)
                qWarning("%s answered %u, not %u", name.c_str(), status, expected);
            return before && thread == caller && status == expected;
        };

        // Fast on the workers first (on a loaded machine a run may be slow: poll).
        int onWorkers = 0;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!ranHere("good", 201) && std::chrono::steady_clock::now() < deadline)
            ++onWorkers;
        QVERIFY2(onWorkers >= int(InlinePolicy::kPromoteAfter), qPrintable(QString::number(onWorkers)));
        QVERIFY(ranHere("good", 201));

        // The hostile one, let in: its deadline ends the call, and it is demoted.
        runtime.promoteInlineForTest("loop");
        QVERIFY(ranHere("loop", 504));
        QCOMPARE(runtime.inlineDemotions("loop"), 1u);
        QVERIFY(!ranHere("loop", 504)); // on a worker from now on
        QCOMPARE(runtime.inlineDemotions("loop"), 1u);
        QVERIFY(ranHere("good", 201)); // the other component keeps its place
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(tst_ComponentRuntime)
#include "tst_componentruntime.moc"
