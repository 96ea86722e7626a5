// The sample and hostile components on both tiers, through ComponentRuntime: the AOT
// tier must behave exactly like the interpreter (same answers, same limits, same
// refusals), and refuse objects that do not belong to the module or this machine.
#include "aot/aotengine.h"
#include "componentruntime.h"
#include "runtimecalls.h"

#include <QtTest>

#include <chrono>
#include <future>
#include <thread>
#include <optional>

using namespace keel::agent;
using Abi = ComponentConfig::Abi;

namespace {

using keel::agent::test::call;
using keel::agent::test::send;

const std::string kSamples = KEEL_SAMPLES_DIR;
const std::string kHostile = KEEL_HOSTILE_DIR;
const std::string kAot = KEEL_AOT_DIR;

// The component as its manifest in resources/components or tests/components describes
// it (the runtime does not read manifests), with its AOT object beside.
ComponentConfig component(const std::string &dir, const std::string &name, Abi abi, std::uint32_t memoryMb = 64,
                          std::uint32_t deadlineMs = 2000, std::set<std::string> grants = {})
{
    ComponentConfig c;
    c.name = name;
    c.version = "1.0.0";
    c.abi = abi;
    c.modulePath = dir + "/" + name + ".wasm";
    c.aotPath = kAot + "/" + name + ".so";
    c.grants = std::move(grants);
    c.memoryBytes = std::uint64_t(memoryMb) << 20;
    c.deadlineMs = deadlineMs;
    return c;
}

ComponentConfig sample(const std::string &name)
{
    if (name == "hello")
        return component(kSamples, name, Abi::Wagi, 16, 1000);
    if (name == "echo")
        return component(kSamples, name, Abi::Keel, 32, 1000);
    if (name == "counter")
        return component(kSamples, name, Abi::Keel, 16, 1000, {"kv", "log"});
    return component(kSamples, "hash", Abi::Keel, 64, 10000);
}

ComponentRequest request(const std::string &path, const std::string &body = {}, const std::string &query = {})
{
    ComponentRequest r;
    r.method = body.empty() ? "GET" : "POST";
    r.path = path;
    r.query = query;
    r.headers = {{"User-Agent", "tst"}, {"Content-Type", "text/plain"}};
    r.body = body;
    r.remoteAddress = "127.0.0.1";
    r.serverName = "127.0.0.1";
    r.serverPort = "8080";
    return r;
}

std::string text(const ComponentResponse &r)
{
    return std::to_string(r.status) + " [" + r.detail + "] " + r.body.substr(0, 200);
}

} // namespace

class tst_ComponentTiers : public QObject
{
    Q_OBJECT

private:
    Engine &engine(ComponentRuntime &runtime, const QString &tier)
    {
        return tier == "aot" ? static_cast<Engine &>(m_aot) : runtime.interpreter();
    }

    static void addTiers()
    {
        QTest::addColumn<QString>("tier");
        QTest::newRow("interp") << "interp";
        QTest::newRow("aot") << "aot";
    }

    // What interp and aot answer to one request, each on a runtime of its own.
    ComponentResponse answerOn(const QString &tier, const ComponentConfig &config, const ComponentRequest &r)
    {
        ComponentRuntime runtime({2, 64, 128, m_dir.path().toStdString() + "/kv-" + tier.toStdString()}, {});
        std::string error;
        if (!runtime.add(config, engine(runtime, tier), error))
            return ComponentResponse::failure(599, ComponentError::None, error);
        return call(runtime, config.name, r);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(!m_aot.target().empty()); // the triple this agent was compiled for
    }

    void samplesServe_data() { addTiers(); }
    void samplesServe()
    {
        QFETCH(QString, tier);
        ComponentRuntime runtime({4, 64, 128, {}}, {});
        std::string error;
        for (const char *name : {"hello", "echo", "hash"}) {
            QVERIFY2(runtime.add(sample(name), engine(runtime, tier), error), error.c_str());
            QCOMPARE(QString::fromLatin1(runtime.find(name)->tier()), tier); // the metric label
        }
        const auto hello = call(runtime, "hello", request("/"));
        QVERIFY2(hello.status == 200 && hello.body.find("Hello from Keel on 127.0.0.1") != std::string::npos,
                 text(hello).c_str());
        const auto echo = call(runtime, "echo", request("/a/b", "ping"));
        QVERIFY2(echo.status == 200 && echo.body.find("\"POST\"") != std::string::npos
                     && echo.body.find("\"/a/b\"") != std::string::npos
                     && echo.body.find("\"ping\"") != std::string::npos,
                 text(echo).c_str());
        const auto hash = call(runtime, "hash", request("/", "abc", "n=1000"));
        const QByteArray expected = QCryptographicHash::hash(QByteArray("abc").repeated(1000),
                                                             QCryptographicHash::Sha256).toHex() + "\n";
        QCOMPARE(QByteArray::fromStdString(hash.body), expected);
    }

    // The same request answers the same bytes, status and headers on both tiers.
    void sameBytesOnBothTiers_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("query");
        QTest::newRow("hello") << "hello" << "" << "x=1";
        QTest::newRow("echo") << "echo" << "some body" << "a=1&b=2";
        QTest::newRow("hash") << "hash" << "The quick brown fox" << "n=20000";
    }
    void sameBytesOnBothTiers()
    {
        QFETCH(QString, name);
        QFETCH(QString, body);
        QFETCH(QString, query);
        const auto r = request("/p", body.toStdString(), query.toStdString());
        const auto interp = answerOn("interp", sample(name.toStdString()), r);
        const auto aot = answerOn("aot", sample(name.toStdString()), r);
        QVERIFY2(interp.status == 200, text(interp).c_str());
        QCOMPARE(aot.status, interp.status);
        QVERIFY(aot.headers == interp.headers);
        QCOMPARE(QByteArray::fromStdString(aot.body), QByteArray::fromStdString(interp.body));
    }

    // kv outlives the runtime: a fresh runtime (an agent restart) continues the count.
    void counterPersistsAcrossRuntimes_data() { addTiers(); }
    void counterPersistsAcrossRuntimes()
    {
        QFETCH(QString, tier);
        const std::string kv = m_dir.path().toStdString() + "/counter-" + tier.toStdString();
        for (int expected : {1, 2, 3}) {
            ComponentRuntime runtime({2, 64, 128, kv}, {});
            std::string error;
            QVERIFY2(runtime.add(sample("counter"), engine(runtime, tier), error), error.c_str());
            const auto answer = call(runtime, "counter", request("/visits"));
            QCOMPARE(answer.status, 200u);
            QCOMPARE(QString::fromStdString(answer.body),
                     QString("{\"key\":\"visits\",\"count\":%1}\n").arg(expected));
        }
    }

    void hostileWhileAnotherServes_data()
    {
        QTest::addColumn<QString>("tier");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("abi");
        QTest::addColumn<int>("memoryMb");
        QTest::addColumn<int>("deadlineMs");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("kind");
        for (const char *tier : {"interp", "aot"}) {
            auto row = [&](const char *name, Abi abi, int memoryMb, int deadlineMs, int status, ComponentError kind) {
                QTest::addRow("%s/%s", tier, name) << tier << name << int(abi) << memoryMb << deadlineMs << status
                                                   << int(kind);
            };
            row("loop", Abi::Keel, 64, 300, 504, ComponentError::Deadline);
            row("loop-wagi", Abi::Wagi, 64, 300, 504, ComponentError::Deadline);
            // membomb uses memory it never checked it got: past memory_mb that traps.
            row("membomb", Abi::Keel, 32, 5000, 500, ComponentError::Memory);
            row("trap", Abi::Keel, 64, 2000, 500, ComponentError::Trap);
            row("trap-wagi", Abi::Wagi, 64, 2000, 500, ComponentError::Trap);
            // Both exhaust a stack: 4 KiB frames the shadow stack in linear memory, small
            // ones the engine's call stack (see recurse.c and smallFrameRecursion below).
            row("recurse?frames=big", Abi::Keel, 64, 5000, 500, ComponentError::Trap);
            row("bigresponse", Abi::Keel, 256, 10000, 502, ComponentError::ResponseTooLarge);
            row("bigresponse-wagi", Abi::Wagi, 16, 10000, 502, ComponentError::ResponseTooLarge);
        }
    }
    void hostileWhileAnotherServes()
    {
        QFETCH(QString, tier);
        QFETCH(QString, name);
        QFETCH(int, abi);
        QFETCH(int, memoryMb);
        QFETCH(int, deadlineMs);
        QFETCH(int, status);
        QFETCH(int, kind);
        const QString query = name.section('?', 1);
        name = name.section('?', 0, 0);
        ComponentRuntime runtime({4, 64, 128, {}}, {});
        std::string error;
        const auto hostile = component(kHostile, name.toStdString(), Abi(abi), memoryMb, deadlineMs);
        QVERIFY2(runtime.add(hostile, engine(runtime, tier), error), error.c_str());
        QVERIFY2(runtime.add(sample("echo"), engine(runtime, tier), error), error.c_str());

        const auto started = std::chrono::steady_clock::now();
        auto answer = send(runtime, hostile.name, request("/", {}, query.toStdString()));
        // The well-behaved component answers every request while the hostile one runs.
        int served = 0;
        while (answer.wait_for(std::chrono::seconds(0)) != std::future_status::ready || served < 5) {
            const auto good = call(runtime, "echo", request("/ok", "still here"));
            QVERIFY2(good.status == 200 && good.error == ComponentError::None, text(good).c_str());
            ++served;
        }
        const auto elapsed = std::chrono::steady_clock::now() - started;
        const auto result = answer.get();
        QVERIFY2(int(result.status) == status, text(result).c_str());
        QVERIFY2(int(result.error) == kind, text(result).c_str());
        QVERIFY2(!result.detail.empty(), "the reason is logged and counted");
        if (status == 504) // within the deadline plus a slack a loaded machine needs
            QVERIFY(elapsed < std::chrono::milliseconds(deadlineMs + 3000));
        // The runtime is intact: the hostile component is refused again the same way,
        // and the good one still answers.
        const auto again = call(runtime, hostile.name, request("/", {}, query.toStdString()));
        QCOMPARE(int(again.status), status);
        QCOMPARE(call(runtime, "echo", request("/")).status, 200u);
    }

    // recurse's small frames exhaust the engine's own stack: the interpreter's call-depth
    // limit, the native stack guard of AOT code. Both answer 500 and keep serving.
    void smallFrameRecursion_data() { addTiers(); }
    void smallFrameRecursion()
    {
        QFETCH(QString, tier);
        ComponentRuntime runtime({4, 64, 128, {}}, {});
        std::string error;
        QVERIFY2(runtime.add(component(kHostile, "recurse", Abi::Keel, 64, 5000), engine(runtime, tier), error),
                 error.c_str());
        QVERIFY2(runtime.add(sample("echo"), engine(runtime, tier), error), error.c_str());
        auto answer = send(runtime, "recurse", request("/"));
        while (answer.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
            QCOMPARE(call(runtime, "echo", request("/ok", "still here")).status, 200u);
        const auto result = answer.get();
        // The interpreter hits its call-depth limit, AOT code its native stack guard.
        QVERIFY2(result.status == 500 && result.error == ComponentError::Trap, text(result).c_str());
        QCOMPARE(call(runtime, "echo", request("/")).status, 200u);
    }

    // Hostile guests on the calling thread (the agent's network thread, once a component
    // has earned it): the main thread's stack guard turns an overflow into a trap there
    // too, the deadline timer ends a loop there too, and the next requests are served.
    void hostileInlineOnTheCallingThread_data()
    {
        QTest::addColumn<QString>("tier");
        QTest::addColumn<QString>("module");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("kind");
        for (const char *tier : {"interp", "aot"}) {
            QTest::addRow("%s recurse", tier) << tier << "recurse" << 500 << int(ComponentError::Trap);
            QTest::addRow("%s loop", tier) << tier << "loop" << 504 << int(ComponentError::Deadline);
        }
    }
    void hostileInlineOnTheCallingThread()
    {
        QFETCH(QString, tier);
        QFETCH(QString, module);
        QFETCH(int, status);
        QFETCH(int, kind);
        const std::string name = module.toStdString();
        ComponentRuntime runtime({2, 64, 128, {}}, {});
        std::string error;
        QVERIFY2(runtime.add(component(kHostile, name, Abi::Keel, 64, name == "loop" ? 300 : 5000),
                             engine(runtime, tier), error),
                 error.c_str());
        QVERIFY2(runtime.add(sample("echo"), engine(runtime, tier), error), error.c_str());
        runtime.promoteInlineForTest(name);
        const auto caller = std::this_thread::get_id();
        std::optional<ComponentResponse> answer;
        std::thread::id where;
        runtime.dispatch(runtime.lookup(name), request("/"), [&](ComponentResponse r) {
            where = std::this_thread::get_id();
            answer = std::move(r);
        }, ComponentRuntime::Where::HereIfFast);
        QVERIFY(answer); // answered before dispatch() returned
        QVERIFY(where == caller);
        QVERIFY2(int(answer->status) == status && int(answer->error) == kind, text(*answer).c_str());
        // This thread goes on, and so do the component (on whichever thread it is sent to)
        // and the others.
        const auto again = call(runtime, name, request("/"));
        QVERIFY2(int(again.status) == status && int(again.error) == kind, text(again).c_str());
        QCOMPARE(call(runtime, "echo", request("/")).status, 200u);
    }

    // A module of a few dozen bytes declaring a 100M-entry table would allocate ~800 MB
    // that memory_mb never saw: refused at load, on both tiers, with the table's size.
    void tableBombRefusedAtLoad_data() { addTiers(); }
    void tableBombRefusedAtLoad()
    {
        QFETCH(QString, tier);
        ComponentRuntime runtime({2, 64, 128, {}}, {});
        std::string error;
        QVERIFY(!runtime.add(component(kHostile, "tablebomb", Abi::Keel), engine(runtime, tier), error));
        QVERIFY2(error.find("table 0 starts with 100000000 elements, over its limits.max_table_elements (65536)")
                     != std::string::npos,
                 error.c_str());
        QVERIFY2(runtime.add(sample("echo"), engine(runtime, tier), error), error.c_str());
        QCOMPARE(call(runtime, "echo", request("/")).status, 200u);
    }

    // An import the manifest does not grant fails with the same message on both tiers.
    void refusedImports_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("import");
        QTest::newRow("forbidden") << "forbidden" << "keel:platform/kv";
        QTest::newRow("forbidden-evil") << "forbidden-evil" << "evil:host/steal";
    }
    void refusedImports()
    {
        QFETCH(QString, name);
        QFETCH(QString, import);
        std::set<std::string> grants;
        if (name == "forbidden-evil")
            grants = {"log", "kv", "clock", "config"}; // granting everything must not help
        const auto config = component(kHostile, name.toStdString(), Abi::Keel, 64, 2000, grants);
        std::string messages[2];
        int i = 0;
        for (const char *tier : {"interp", "aot"}) {
            ComponentRuntime runtime({2, 64, 128, {}}, {});
            QVERIFY(!runtime.add(config, engine(runtime, tier), messages[i]));
            QVERIFY2(messages[i].find(import.toStdString()) != std::string::npos, messages[i].c_str());
            ++i;
        }
        QCOMPARE(QString::fromStdString(messages[1]), QString::fromStdString(messages[0]));
    }

    // The interpreter refuses an invalid module with WABT's message; on the AOT tier it
    // never gets an object: keel-aot refuses it with the same validator, and an engine
    // without an object refuses the component.
    void invalidModules_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("invalid") << "invalid";
        QTest::newRow("garbage") << "garbage";
    }
    void invalidModules()
    {
        QFETCH(QString, name);
        const auto config = component(kHostile, name.toStdString(), Abi::Keel);
        ComponentRuntime runtime({2, 64, 128, {}}, {});
        std::string error;
        QVERIFY(!runtime.add(config, error));
        const auto at = error.find("invalid module: ");
        QVERIFY2(at != std::string::npos && error.find("error:") != std::string::npos, error.c_str());
        const std::string wabt = error.substr(at + 16);

        QProcess aot;
        const QString out = m_dir.filePath(name + ".so");
        aot.start(KEEL_AOT_BINARY, {QString::fromStdString(config.modulePath), "-o", out});
        QVERIFY(aot.waitForFinished(60000));
        QVERIFY(aot.exitCode() != 0);
        const QString said = QString::fromUtf8(aot.readAllStandardError());
        QVERIFY2(said.contains("invalid module: ") && said.contains("error:"), qPrintable(said));
        QVERIFY(!QFile::exists(out));

        ComponentRuntime aotRuntime({2, 64, 128, {}}, {});
        auto withObject = config;
        withObject.aotPath = out.toStdString();
        QVERIFY(!aotRuntime.add(withObject, m_aot, error));
        QVERIFY2(error.find("cannot open " + out.toStdString()) != std::string::npos, error.c_str());
        qInfo("interp: %s\nkeel-aot: %s", wabt.c_str(), qPrintable(said.trimmed()));
    }

    void objectWithWrongDigestRefused()
    {
        auto config = sample("echo");
        config.aotPath = kAot + "/hash.so"; // built from hash.wasm, not echo.wasm
        ComponentRuntime runtime({2, 64, 128, {}}, {});
        std::string error;
        QVERIFY(!runtime.add(config, m_aot, error));
        QVERIFY2(error.find("component echo: hash.so was built from sha256:") == 0
                     && error.find("but echo.wasm is sha256:") != std::string::npos
                     && error.find("rebuild it with keel-aot") != std::string::npos,
                 error.c_str());
        QVERIFY(runtime.components().empty());
    }

    void objectForAnotherTargetRefused()
    {
        // This machine's objects, checked by an agent of another architecture.
        AotEngine elsewhere(m_aot.target().rfind("aarch64", 0) == 0 ? "x86_64-linux-gnu" : "aarch64-linux-gnu");
        ComponentRuntime runtime({2, 64, 128, {}}, {});
        std::string error;
        QVERIFY(!runtime.add(sample("hash"), elsewhere, error));
        const std::string expected = "hash.so was built for " + m_aot.target() + " but this agent runs on "
                                     + elsewhere.target();
        QVERIFY2(error.find(expected) != std::string::npos, error.c_str());
    }

    void componentWithoutObjectRefused()
    {
        auto config = sample("hello");
        config.aotPath.clear();
        ComponentRuntime runtime({2, 64, 128, {}}, {});
        std::string error;
        QVERIFY(!runtime.add(config, m_aot, error));
        QVERIFY2(error.find("no AOT object") != std::string::npos, error.c_str());
        // The caller may fall back: the interpreter serves the same config.
        QVERIFY2(runtime.add(config, error), error.c_str());
        QCOMPARE(call(runtime, "hello", request("/")).status, 200u);
    }

    // One worker runs a short-deadline request, then one with a longer deadline that
    // loops: the second is stopped at its own deadline, not at the first one's (the AOT
    // runtime leaves its deadline timer armed between calls and moves it when it fires).
    void aLaterDeadlineIsNotCutShort_data() { addTiers(); }
    void aLaterDeadlineIsNotCutShort()
    {
        QFETCH(QString, tier);
        ComponentRuntime runtime({1, 64, 128, {}}, {});
        std::string error;
        auto quick = sample("echo");
        quick.deadlineMs = 50;
        QVERIFY2(runtime.add(quick, engine(runtime, tier), error), error.c_str());
        QVERIFY2(runtime.add(component(kHostile, "loop", Abi::Keel, 64, 600), engine(runtime, tier), error),
                 error.c_str());
        for (int round = 0; round < 3; ++round) {
            QCOMPARE(call(runtime, "echo", request("/")).status, 200u);
            const auto started = std::chrono::steady_clock::now();
            const auto looped = call(runtime, "loop", request("/"));
            const auto elapsed = std::chrono::steady_clock::now() - started;
            QCOMPARE(int(looped.error), int(ComponentError::Deadline));
            QVERIFY2(elapsed >= std::chrono::milliseconds(600),
                     qPrintable(QString::number(std::chrono::duration<double, std::milli>(elapsed).count())));
        }
    }

private:
    QTemporaryDir m_dir;
    AotEngine m_aot;
};

QTEST_GUILESS_MAIN(tst_ComponentTiers)
#include "tst_componenttiers.moc"
