#include "manifestloader.h"
#include "manifestrules.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

using keel::manifest::Abi;
using keel::manifest::ComponentManifest;
using keel::manifest::Grant;
using keel::manifest::ManifestLoader;
using keel::manifest::ManifestRules;
using keel::manifest::Tier;
namespace fs = std::filesystem;

namespace {

// The four required fields; rows of refusesBadField replace or extend them.
const std::string kMinimal = "name: hello\n"      // line 1
                             "version: 1.0.0\n"   // line 2
                             "abi: wagi\n"        // line 3
                             "module: hello.wasm\n"; // line 4

} // namespace

class tst_ManifestLoader : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;

    fs::path dir() const { return fs::path(m_tmp.path().toStdString()); }

    fs::path write(const fs::path &relative, const std::string &text)
    {
        const fs::path path = dir() / relative;
        fs::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    void cleanDir()
    {
        for (const auto &entry : fs::directory_iterator(dir()))
            fs::remove_all(entry.path());
        write("hello.wasm", "\0asm");
    }

private slots:
    void init()
    {
        QVERIFY(m_tmp.isValid());
        cleanDir();
    }

    void loadsCompleteManifest()
    {
        write("hello.so", "ELF");
        const auto file = write("hello.yaml", R"(# every field
name: hello-world
version: 1.2.0-rc.1+b7
abi: keel
module: hello.wasm
aot: hello.so
tier: aot
data_classes: [pii, payment_card]
grants:
  - log
  - kv
config:
  greeting: "hi there"
  port: 8080
  empty: ""
limits: {memory_mb: 128, deadline_ms: 500, max_response_bytes: 1048576}
)");
        const auto result = ManifestLoader::load(file);
        QVERIFY2(result.ok(), result.errors.empty() ? "" : result.errors.front().message().c_str());
        const ComponentManifest &m = *result.manifest;
        QCOMPARE(m.name, "hello-world");
        QCOMPARE(m.version, "1.2.0-rc.1+b7");
        QVERIFY(m.abi == Abi::Keel);
        QCOMPARE(m.module, dir() / "hello.wasm");
        QCOMPARE(m.aot.value(), dir() / "hello.so");
        QVERIFY(m.tier == Tier::Aot);
        QCOMPARE(m.dataClasses, (std::vector<std::string>{"pii", "payment_card"}));
        QVERIFY(m.grants == (std::vector<Grant>{Grant::Log, Grant::Kv}));
        QVERIFY(m.hasGrant(Grant::Kv));
        QVERIFY(!m.hasGrant(Grant::Clock));
        QCOMPARE(m.config, (std::map<std::string, std::string>{
                               {"greeting", "hi there"}, {"port", "8080"}, {"empty", ""}}));
        QCOMPARE(m.limits.memoryMb, 128u);
        QCOMPARE(m.limits.deadlineMs, 500u);
        QCOMPARE(m.limits.maxResponseBytes, 1048576u);
        QCOMPARE(m.source, file);
    }

    void readsTheHealthPath()
    {
        auto result = ManifestLoader::load(write("hello.yaml", kMinimal + "health_path: /healthz/deep-1.json\n"));
        QVERIFY2(result.ok(), result.errors.empty() ? "" : result.errors.front().message().c_str());
        QCOMPARE(result.manifest->healthPath, "/healthz/deep-1.json");
        // The longest allowed, and every printable character but space, '?' and '#'.
        const std::string longest = "/" + std::string(255, 'x');
        result = ManifestLoader::load(write("hello.yaml", kMinimal + "health_path: " + longest + "\n"));
        QVERIFY(result.ok());
        QCOMPARE(result.manifest->healthPath, longest);
        result = ManifestLoader::load(write("hello.yaml", kMinimal + "health_path: \"/a!$%&'()*+,-.:;<=>@[]^_`{|}~\"\n"));
        QVERIFY2(result.ok(), result.errors.empty() ? "" : result.errors.front().message().c_str());
        // Absent: no health check.
        result = ManifestLoader::load(write("hello.yaml", kMinimal));
        QVERIFY(result.manifest->healthPath.empty());
    }

    void rulesCheckATypedHealthPath()
    {
        // What the registry checks for a pushed manifest: empty means none.
        ComponentManifest m;
        m.name = "hello";
        m.version = "1.0.0";
        QVERIFY(ManifestRules::check(m).empty());
        m.healthPath = "/healthz";
        QVERIFY(ManifestRules::check(m).empty());
        m.healthPath = std::string("/a\nforged log line");
        const auto problems = ManifestRules::check(m);
        QCOMPARE(problems.size(), 1u);
        QCOMPARE(problems.front().field, "health_path");
        // The value is named, escaped, with what to do.
        QVERIFY2(problems.front().reason.find("'/a\\x0aforged log line' contains") != std::string::npos,
                 problems.front().reason.c_str());
        QVERIFY(problems.front().reason.find("such as /healthz") != std::string::npos);
        QVERIFY(problems.front().reason.find('\n') == std::string::npos);
        QVERIFY(ManifestRules::isHealthPath("/"));
        QVERIFY(!ManifestRules::isHealthPath(std::string("/\xc3\xa9")));
    }

    void appliesDefaults()
    {
        const auto result = ManifestLoader::load(write("hello.yaml", kMinimal));
        QVERIFY(result.ok());
        const ComponentManifest &m = *result.manifest;
        QVERIFY(m.abi == Abi::Wagi);
        QVERIFY(m.tier == Tier::Auto);
        QVERIFY(!m.aot);
        QVERIFY(m.dataClasses.empty());
        QVERIFY(m.grants.empty());
        QVERIFY(m.config.empty());
        QCOMPARE(m.limits, ComponentManifest::Limits{});
        QCOMPARE(m.limits.memoryMb, 64u);
        QCOMPARE(m.limits.deadlineMs, 2000u);
        QCOMPARE(m.limits.maxResponseBytes, std::uint64_t(8) << 20);
    }

    void emptyCollectionsAndLimitsAreAllowed()
    {
        const auto result = ManifestLoader::load(
            write("hello.yaml", kMinimal + "data_classes:\ngrants: []\nconfig: {}\nlimits:\n"));
        QVERIFY(result.ok());
        QCOMPARE(result.manifest->limits, ComponentManifest::Limits{});
    }

    void resolvesPathsAgainstTheManifestsDirectory()
    {
        write("site/bin/app.wasm", "\0asm");
        const auto file = write("site/app.yaml", "name: app\nversion: 1\nabi: wagi\n"
                                                 "module: ./bin//app.wasm\n");
        const auto result = ManifestLoader::load(file);
        QVERIFY2(result.ok(), result.errors.empty() ? "" : result.errors.front().message().c_str());
        QVERIFY(result.manifest->module.is_absolute());
        QCOMPARE(result.manifest->module, dir() / "site" / "bin" / "app.wasm");
    }

    void loadsJson()
    {
        const auto result = ManifestLoader::load(write(
            "hello.json", R"({"name": "hello", "version": "1.0.0", "abi": "wagi",
 "module": "hello.wasm", "grants": ["clock"], "limits": {"deadline_ms": 100}})"));
        QVERIFY(result.ok());
        QVERIFY(result.manifest->grants == std::vector<Grant>{Grant::Clock});
        QCOMPARE(result.manifest->limits.deadlineMs, 100u);
    }

    void refusesBadField_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("reason");

        const auto without = [](const std::string &text, const std::string &line) {
            std::string copy = text;
            copy.erase(copy.find(line), line.size());
            return QString::fromStdString(copy);
        };
        const auto with = [](const std::string &extra) { return QString::fromStdString(kMinimal + extra); };
        const auto replaced = [](const std::string &from, const std::string &to) {
            std::string copy = kMinimal;
            copy.replace(copy.find(from), from.size(), to);
            return QString::fromStdString(copy);
        };

        QTest::newRow("unknown field") << with("colour: blue\n") << 5 << "colour" << "unknown field";
        QTest::newRow("field given twice") << with("name: other\n") << 5 << "name" << "given twice";
        QTest::newRow("missing module") << without(kMinimal, "module: hello.wasm\n") << 1 << "module"
                                        << "missing (required)";
        QTest::newRow("name with capitals") << replaced("name: hello", "name: Hello_World") << 1
                                            << "name" << "not a component name";
        QTest::newRow("name too long") << replaced("name: hello", "name: " + std::string(64, 'a'))
                                       << 1 << "name" << "not a component name";
        QTest::newRow("name starts with dash") << replaced("name: hello", "name: -x") << 1 << "name"
                                               << "not a component name";
        QTest::newRow("empty version") << replaced("version: 1.0.0", "version: \"\"") << 2
                                       << "version" << "not a version";
        QTest::newRow("version without value") << replaced("version: 1.0.0", "version:") << 2
                                               << "version" << "needs a value";
        QTest::newRow("version as a list") << replaced("version: 1.0.0", "version: [1, 0]") << 2
                                           << "version" << "expected a single value";
        QTest::newRow("unknown abi") << replaced("abi: wagi", "abi: wasi") << 3 << "abi"
                                     << "not an ABI";
        QTest::newRow("module not found") << replaced("hello.wasm", "nope.wasm") << 4 << "module"
                                          << "file not found";
        QTest::newRow("absolute module") << replaced("hello.wasm", "/etc/hostname") << 4 << "module"
                                         << "must be relative";
        QTest::newRow("module outside") << replaced("hello.wasm", "../hello.wasm") << 4 << "module"
                                        << "must stay inside";
        QTest::newRow("unknown tier") << with("tier: jit\n") << 5 << "tier" << "not a tier";
        QTest::newRow("aot tier without aot") << with("tier: aot\n") << 5 << "tier"
                                              << "needs an `aot` object";
        QTest::newRow("aot not found") << with("aot: hello.so\n") << 5 << "aot" << "file not found";
        QTest::newRow("unknown grant") << with("grants: [log, net]\n") << 5 << "grants"
                                       << "unknown grant 'net'";
        QTest::newRow("unknown grant, block list") << with("grants:\n  - log\n  - net\n") << 7
                                                   << "grants" << "unknown grant 'net'";
        QTest::newRow("grant twice") << with("grants: [kv, kv]\n") << 5 << "grants" << "listed twice";
        QTest::newRow("grants not a list") << with("grants: kv\n") << 5 << "grants"
                                           << "expected a list";
        QTest::newRow("bad data class") << with("data_classes: [PII]\n") << 5 << "data_classes"
                                        << "not a data class";
        QTest::newRow("config value a list") << with("config:\n  a: [1, 2]\n") << 6 << "config.a"
                                             << "expected a single value";
        QTest::newRow("config value missing") << with("config:\n  a:\n") << 6 << "config.a"
                                              << "needs a value";
        QTest::newRow("config not a map") << with("config: [a]\n") << 5 << "config"
                                          << "expected a mapping";
        QTest::newRow("unknown limit") << with("limits: {cpu: 2}\n") << 5 << "limits.cpu"
                                       << "unknown limit";
        QTest::newRow("memory over bound") << with("limits:\n  memory_mb: 8192\n") << 6
                                           << "limits.memory_mb" << "out of range [1, 4096]";
        QTest::newRow("deadline zero") << with("limits:\n  deadline_ms: 0\n") << 6
                                       << "limits.deadline_ms" << "out of range";
        QTest::newRow("deadline over bound") << with("limits: {deadline_ms: 60001}\n") << 5
                                             << "limits.deadline_ms" << "out of range";
        QTest::newRow("response over bound")
            << with("limits: {max_response_bytes: 268435457}\n") << 5
            << "limits.max_response_bytes" << "out of range";
        QTest::newRow("response with unit") << with("limits: {max_response_bytes: 8MB}\n") << 5
                                            << "limits.max_response_bytes" << "not a whole number";
        QTest::newRow("negative memory") << with("limits: {memory_mb: -1}\n") << 5
                                         << "limits.memory_mb" << "not a whole number";
        QTest::newRow("fractional deadline") << with("limits: {deadline_ms: 1.5}\n") << 5
                                             << "limits.deadline_ms" << "not a whole number";
        QTest::newRow("huge number") << with("limits: {memory_mb: 99999999999999999999999}\n") << 5
                                     << "limits.memory_mb" << "out of range";
        QTest::newRow("health path without slash") << with("health_path: healthz\n") << 5 << "health_path"
                                                   << "'healthz' does not start with '/'";
        QTest::newRow("health path with query") << with("health_path: /healthz?full=1\n") << 5 << "health_path"
                                                << "'?' (no query)";
        QTest::newRow("health path with fragment") << with("health_path: \"/healthz#x\"\n") << 5 << "health_path"
                                                   << "'#' (no fragment)";
        QTest::newRow("health path with space") << with("health_path: \"/health z\"\n") << 5 << "health_path"
                                                << "a space at position 7";
        QTest::newRow("health path with control byte") << with("health_path: \"/h\\x01\"\n") << 5 << "health_path"
                                                       << "'\\x01'";
        QTest::newRow("health path too long") << with("health_path: /" + std::string(256, 'a') + "\n") << 5
                                              << "health_path" << "257 characters long, over 256";
        QTest::newRow("health path empty") << with("health_path: \"\"\n") << 5 << "health_path" << "needs a path";
        QTest::newRow("health path a list") << with("health_path: [/a]\n") << 5 << "health_path"
                                            << "expected a single value";
        QTest::newRow("syntax error") << with("grants: [log\nconfig: {}\n") << 6 << ""
                                      << "not valid YAML";
        QTest::newRow("not a mapping") << QString("- name\n- hello\n") << 1 << "" << "mapping of fields";
        QTest::newRow("two documents") << with("---\nname: other\n") << 6 << "" << "one manifest per file";
    }

    void refusesBadField()
    {
        QFETCH(QString, yaml);
        QFETCH(int, line);
        QFETCH(QString, field);
        QFETCH(QString, reason);

        const auto file = write("hello.yaml", yaml.toStdString());
        const auto result = ManifestLoader::load(file);
        QVERIFY(!result.ok());
        QCOMPARE(result.errors.size(), 1u);
        const auto &error = result.errors.front();
        QCOMPARE(error.file, file);
        QCOMPARE(error.line, line);
        QCOMPARE(QString::fromStdString(error.field), field);
        QVERIFY2(error.reason.find(reason.toStdString()) != std::string::npos, error.reason.c_str());
        // FILE:LINE: field: reason
        const std::string prefix = file.string() + ":" + std::to_string(line) + ": "
                                   + (field.isEmpty() ? "" : field.toStdString() + ": ");
        QVERIFY2(error.message().starts_with(prefix), error.message().c_str());
    }

    void reportsEveryErrorInAFile()
    {
        const auto result = ManifestLoader::load(
            write("hello.yaml", "name: Bad\nversion: 1\nabi: cgi\nmodule: hello.wasm\ncolour: red\n"));
        QVERIFY(!result.ok());
        QCOMPARE(result.errors.size(), 3u);
        QCOMPARE(result.errors[0].field, "name");
        QCOMPARE(result.errors[1].field, "abi");
        QCOMPARE(result.errors[2].field, "colour");
        QCOMPARE(result.errors[2].line, 5);
    }

    void refusesUnreadableFiles()
    {
        auto result = ManifestLoader::load(write("empty.yaml", ""));
        QVERIFY(!result.ok());
        QCOMPARE(result.errors.front().line, 0);
        QVERIFY(result.errors.front().reason.find("empty") != std::string::npos);

        result = ManifestLoader::load(
            write("big.yaml", kMinimal + "# " + std::string(ManifestLoader::kMaxFileBytes, 'x') + "\n"));
        QVERIFY(!result.ok());
        QVERIFY(result.errors.front().reason.find("larger than") != std::string::npos);

        result = ManifestLoader::load(dir() / "absent.yaml");
        QVERIFY(!result.ok());
        QCOMPARE(result.errors.front().message(), (dir() / "absent.yaml").string() + ": not a readable file");
    }

    void loadsADirectorySkippingBadFiles()
    {
        write("a.yaml", kMinimal);
        write("b.json", R"({"name": "second", "version": "2", "abi": "keel", "module": "hello.wasm"})");
        write("c.yml", "name: third\nversion: 1\nabi: keel\nmodule: hello.wasm\ngrants: [net]\n");
        write("README.md", "not a manifest");
        write("nested/d.yaml", "name: nested\nversion: 1\nabi: wagi\nmodule: ../hello.wasm\n");
        fs::create_directory(dir() / "folder.yaml");

        const auto report = ManifestLoader::loadDirectory(dir());
        QCOMPARE(report.manifests.size(), 2u);
        QCOMPARE(report.manifests[0].name, "hello");
        QCOMPARE(report.manifests[1].name, "second");
        QVERIFY(report.manifests[1].abi == Abi::Keel);
        QCOMPARE(report.errors.size(), 1u);
        QCOMPARE(report.errors[0].file, dir() / "c.yml");
        QCOMPARE(report.errors[0].line, 5);
        QCOMPARE(report.errors[0].field, "grants");
    }

    void refusesADuplicateNameInTheLaterFile()
    {
        write("a.yaml", kMinimal);
        write("b.yaml", "# the same name again\nversion: 2.0.0\nname: hello\nabi: wagi\nmodule: hello.wasm\n");
        write("c.yaml", "name: other\nversion: 1\nabi: wagi\nmodule: hello.wasm\n");

        const auto report = ManifestLoader::loadDirectory(dir());
        QCOMPARE(report.manifests.size(), 2u);
        QCOMPARE(report.manifests[0].source, dir() / "a.yaml");
        QCOMPARE(report.manifests[0].version, "1.0.0");
        QCOMPARE(report.manifests[1].name, "other");
        QCOMPARE(report.errors.size(), 1u);
        QCOMPARE(report.errors[0].file, dir() / "b.yaml");
        QCOMPARE(report.errors[0].line, 3);
        QCOMPARE(report.errors[0].field, "name");
        QVERIFY(report.errors[0].reason.find("duplicate component name 'hello'") != std::string::npos);
        QVERIFY(report.errors[0].reason.find("a.yaml") != std::string::npos);
    }

    void reportsAMissingDirectory()
    {
        const auto report = ManifestLoader::loadDirectory(dir() / "absent");
        QVERIFY(report.manifests.empty());
        QCOMPARE(report.errors.size(), 1u);
        QCOMPARE(report.errors[0].file, dir() / "absent");
        QVERIFY(report.errors[0].reason.find("cannot list directory") != std::string::npos);
    }

    void shippedComponentsHaveValidManifests()
    {
        // The samples and the hostile test components are built (with their manifests)
        // before this test; a manifest that drifts from the parser fails here.
        for (const auto &[path, count] : {std::pair{KEEL_SAMPLE_COMPONENTS_DIR, 5u}, // hello, echo, counter, hash, profile
                                          std::pair{KEEL_HOSTILE_COMPONENTS_DIR, 16u}}) { // with isolation-wagi
            // hash-versions/ is a directory of its own: never read with the samples.
            QVERIFY(fs::is_directory(fs::path(KEEL_SAMPLE_COMPONENTS_DIR) / "hash-versions"));
            const auto report = ManifestLoader::loadDirectory(path);
            for (const auto &error : report.errors)
                qWarning("%s", error.message().c_str());
            QVERIFY(report.errors.empty());
            QCOMPARE(report.manifests.size(), count);
        }
        // The versions of hash rollouts are tried with: one name, each its own version.
        for (const char *version : {"2.0.0", "2.1.0-broken", "2.2.0-slow"}) {
            const auto file = fs::path(KEEL_SAMPLE_COMPONENTS_DIR) / "hash-versions" / (std::string("hash-") + version + ".yaml");
            const auto result = ManifestLoader::load(file);
            QVERIFY2(result.ok(), result.errors.empty() ? file.c_str() : result.errors.front().message().c_str());
            QCOMPARE(result.manifest->name, "hash");
            QCOMPARE(result.manifest->version, version);
            QCOMPARE(result.manifest->healthPath, "/healthz");
            QCOMPARE(result.manifest->module.filename().string(), std::string("hash-") + version + ".wasm");
        }
    }

    void parsesTextWithoutTouchingTheDisk()
    {
        // The control plane's use: a pushed manifest whose module is not a local file.
        const auto result = ManifestLoader::parse(kMinimal + "aot: hello.so\ntier: aot\n", "push",
                                                  "/nonexistent", false);
        QVERIFY(result.ok());
        QCOMPARE(result.manifest->module, fs::path("/nonexistent/hello.wasm"));
        QCOMPARE(result.manifest->aot.value(), fs::path("/nonexistent/hello.so"));
        QCOMPARE(result.manifest->source, fs::path("push"));

        const auto bad = ManifestLoader::parse("name: x\n", "push", "/nonexistent", false);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.errors.front().message(), "push:1: version: missing (required)");
    }
};

QTEST_APPLESS_MAIN(tst_ManifestLoader)
#include "tst_manifestloader.moc"
