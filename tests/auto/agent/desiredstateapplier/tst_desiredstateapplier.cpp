// Desired state on the agent with real components and real signatures: the sample and
// hostile modules (and the AOT objects keel-aot built from them) are signed in the test
// with an ed25519 key of its own, served chunk by chunk from a directory, fetched,
// verified, written as a set, loaded through ComponentSet and swapped into a real
// ComponentRuntime, which the test then calls.
#include "aot/aotengine.h"
#include "componentruntime.h"
#include "runtimecalls.h"
#include "state/controlplanekey.h"
#include "state/desiredstateapplier.h"
#include "state/directoryartifactsource.h"
#include "targettriple.h"

#include "keel/v1/artifactsignature.h"

#include <QtTest>

#include <sodium.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace keel::agent;
namespace fs = std::filesystem;

namespace {

using keel::agent::test::call;

const fs::path kSamples = KEEL_SAMPLE_COMPONENTS_DIR;
const fs::path kHostile = KEEL_TEST_COMPONENTS_DIR;
const fs::path kAot = KEEL_AOT_DIR;

std::string readFile(const fs::path &file)
{
    std::ifstream in(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

std::string sha256(const std::string &bytes)
{
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size());
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return std::string("sha256:") + hex;
}

struct Key
{
    unsigned char publicKey[crypto_sign_PUBLICKEYBYTES];
    unsigned char secretKey[crypto_sign_SECRETKEYBYTES];

    Key() { crypto_sign_keypair(publicKey, secretKey); }
    std::string pub() const { return std::string(reinterpret_cast<const char *>(publicKey), sizeof publicKey); }
    std::string sign(const std::string &message) const
    {
        unsigned char signature[crypto_sign_BYTES];
        crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char *>(message.data()),
                             message.size(), secretKey);
        return std::string(reinterpret_cast<const char *>(signature), sizeof signature);
    }
};

ComponentRequest get(const std::string &path)
{
    ComponentRequest r;
    r.method = "GET";
    r.path = path;
    r.headers = {{"User-Agent", "tst"}};
    r.remoteAddress = "127.0.0.1";
    r.serverName = "127.0.0.1";
    r.serverPort = "8080";
    return r;
}

bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

class tst_DesiredStateApplier : public QObject
{
    Q_OBJECT

private:
    // The control plane's blob store, as far as the agent can tell: <repo>/sha256/<hex>.
    std::string publish(const std::string &bytes)
    {
        const std::string digest = sha256(bytes);
        fs::create_directories(m_repo / "sha256");
        std::ofstream(m_repo / "sha256" / digest.substr(7), std::ios::binary) << bytes;
        return digest;
    }

    // What the control plane sends for a component: its manifest and its signed
    // artifacts (and the AOT object for this agent's target when withAot).
    ComponentRef ref(const std::string &name, ComponentAbi abi, const fs::path &dir, bool withAot = false,
                     std::vector<std::string> grants = {})
    {
        ComponentRef r;
        r.manifest.name = name;
        r.manifest.version = "1.0.0";
        r.manifest.abi = abi;
        r.manifest.grants = std::move(grants);
        r.manifest.limits.deadlineMs = 2000;
        r.manifest.config = {{"greeting", "hi \"there\"\n: {x}"}}; // must reach the file intact
        const std::string module = readFile(dir / (name + ".wasm"));
        r.moduleDigest = publish(module);
        r.moduleSize = module.size();
        r.moduleSignature = m_key.sign(keel::v1::moduleSignatureMessage(r.moduleDigest));
        if (withAot) {
            const std::string object = readFile(kAot / (name + ".so"));
            r.aotDigest = publish(object);
            r.aotSize = object.size();
            r.aotTarget = std::string(kTargetTriple);
            r.aotSignature = m_key.sign(keel::v1::aotSignatureMessage(r.aotDigest, r.moduleDigest, r.aotTarget));
        }
        return r;
    }

    // Bytes other than the digest's, served under that digest (and the right size).
    void tamper(const std::string &digest)
    {
        const auto file = m_repo / "sha256" / digest.substr(7);
        std::string bytes = readFile(file);
        bytes[bytes.size() / 2] ^= 0x5a;
        std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    }

    struct Node
    {
        explicit Node(const fs::path &dataDir, ArtifactSource &source)
            : runtime({2, 64, 128, (dataDir / "kv").string()}, {})
            , applier(dataDir, runtime, &aot, source, std::string(kTargetTriple), [](std::string_view) {},
                      [](std::string_view line) { qInfo("%.*s", int(line.size()), line.data()); })
        {
        }
        ComponentRuntime runtime;
        AotEngine aot;
        DesiredStateApplier applier;
    };

    unsigned status(ComponentRuntime &runtime, const std::string &name, const std::string &path = "/")
    {
        return call(runtime, name, get(path)).status;
    }

    void requireApplied(const DesiredStateApplier::Outcome &outcome)
    {
        std::string reasons;
        for (const auto &c : outcome.ack.components)
            reasons += c.name + ": " + c.error + "; ";
        QVERIFY2(outcome.ack.applied, reasons.c_str());
    }

    fs::path m_data;
    fs::path m_repo;
    std::unique_ptr<QTemporaryDir> m_dir;
    Key m_key;

private slots:
    void initTestCase()
    {
        QVERIFY(sodium_init() >= 0);
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_data = fs::path(m_dir->path().toStdString()) / "data";
        m_repo = fs::path(m_dir->path().toStdString()) / "repo";
        fs::create_directories(m_data);
    }

    void appliesAndSwapsWholeSets()
    {
        DirectoryArtifactSource source(m_repo);
        Node node(m_data, source);

        DesiredState one{1, {ref("hello", ComponentAbi::Wagi, kSamples), ref("echo", ComponentAbi::Keel, kSamples, true)}};
        auto outcome = node.applier.apply(one, m_key.pub());
        requireApplied(outcome);
        QVERIFY(outcome.swapped);
        QCOMPARE(outcome.ack.generation, 1u);
        QCOMPARE(outcome.ack.components.size(), size_t(2));
        for (const auto &c : outcome.ack.components) {
            QCOMPARE(c.state, ComponentState::Running);
            QCOMPARE(c.version, std::string("1.0.0"));
            QVERIFY(c.tier);
            QCOMPARE(*c.tier, c.name == "echo" ? RuntimeTier::Aot : RuntimeTier::Interpreter);
        }
        QCOMPARE(node.applier.appliedGeneration(), 1u);
        const auto hello = call(node.runtime, "hello", get("/x"));
        QCOMPARE(hello.status, 200u);
        QVERIFY2(contains(hello.body, "Hello from Keel"), hello.body.c_str());
        QCOMPARE(status(node.runtime, "echo"), 200u);
        // The set on disk: manifests written by a JSON writer, links to verified artifacts.
        QVERIFY(fs::is_regular_file(m_data / "applied"));
        QVERIFY(fs::is_regular_file(m_data / "sets/1/hello.json"));
        QVERIFY(fs::is_regular_file(m_data / "sets/1/echo.so"));
        QVERIFY(fs::is_regular_file(m_data / "artifacts/sha256" / one.components[0].moduleDigest.substr(7)));
        QCOMPARE(node.runtime.find("hello")->config().config.at("greeting"), std::string("hi \"there\"\n: {x}"));

        // Generation 2 drops hello and adds counter; requests in flight during the swap
        // all finish, on the instances they started on.
        DesiredState two{2, {ref("echo", ComponentAbi::Keel, kSamples), ref("counter", ComponentAbi::Keel, kSamples,
                                                                           false, {"kv", "log"})}};
        std::atomic<bool> done{false};
        std::atomic<int> failures{0};
        std::atomic<int> answered{0};
        std::thread traffic([&] {
            while (!done) {
                if (call(node.runtime, "echo", get("/during")).status != 200)
                    ++failures;
                ++answered;
            }
        });
        outcome = node.applier.apply(two, m_key.pub());
        for (int i = 0; i < 5; ++i) // and a few on the new set
            QCOMPARE(status(node.runtime, "echo"), 200u);
        done = true;
        traffic.join();
        requireApplied(outcome);
        QCOMPARE(failures.load(), 0);
        QVERIFY(answered.load() > 0);
        QVERIFY(!node.runtime.find("hello"));
        QCOMPARE(status(node.runtime, "hello"), 503u); // runtimecalls: not dispatched (Unknown)
        QCOMPARE(status(node.runtime, "counter", "/apples"), 200u);
        QCOMPARE(node.runtime.find("echo")->tier(), std::string_view("interp"));
        // The old set and the artifacts only it used are gone.
        QVERIFY(!fs::exists(m_data / "sets/1"));
        QVERIFY(fs::is_directory(m_data / "sets/2"));
        QVERIFY(!fs::exists(m_data / "artifacts/sha256" / one.components[0].moduleDigest.substr(7)));
        QVERIFY(!fs::exists(m_data / "artifacts/sha256" / one.components[1].aotDigest.substr(7)));

        // The same generation again, same content: acknowledged, nothing reloaded.
        outcome = node.applier.apply(two, m_key.pub());
        requireApplied(outcome);
        QVERIFY(!outcome.swapped);
        // An older generation, or the same with other content: rejected, nothing changes.
        DesiredState older{1, {ref("hello", ComponentAbi::Wagi, kSamples)}};
        outcome = node.applier.apply(older, m_key.pub());
        QVERIFY(!outcome.ack.applied);
        QVERIFY(contains(outcome.ack.components.at(0).error, "not newer"));
        QCOMPARE(node.applier.appliedGeneration(), 2u);
    }

    void rejectsBadArtifacts_data()
    {
        QTest::addColumn<QString>("attack");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("metric");
        QTest::newRow("tampered module") << "tampered-module" << "hash to" << "digest_mismatch";
        QTest::newRow("tampered object") << "tampered-object" << "hash to" << "digest_mismatch";
        QTest::newRow("wrong key") << "wrong-key" << "does not verify" << "bad_signature";
        QTest::newRow("object signed for another module") << "object-other-module" << "does not verify"
                                                          << "bad_signature";
        QTest::newRow("unsigned") << "unsigned" << "is not signed" << "unsigned";
        QTest::newRow("size disagrees") << "size" << "the desired state says" << "size_mismatch";
        QTest::newRow("over 64 MiB") << "huge" << "over the agent's limit" << "too_large";
        QTest::newRow("bad digest") << "digest" << "is not sha256" << "invalid";
        QTest::newRow("missing") << "missing" << "fetching at offset 0 failed" << "transport";
        QTest::newRow("forbidden import") << "forbidden" << "kv" << "";
        QTest::newRow("bad name") << "name" << "is not a component name" << "";
        QTest::newRow("bad limit") << "limit" << "limits.memory_mb" << "";
    }

    void rejectsBadArtifacts()
    {
        QFETCH(QString, attack);
        QFETCH(QString, reason);
        QFETCH(QString, metric);
        DirectoryArtifactSource source(m_repo);
        Node node(m_data, source);
        requireApplied(node.applier.apply({1, {ref("hello", ComponentAbi::Wagi, kSamples)}}, m_key.pub()));

        ComponentRef bad = ref("echo", ComponentAbi::Keel, kSamples, true);
        const Key other;
        if (attack == "tampered-module")
            tamper(bad.moduleDigest);
        else if (attack == "tampered-object")
            tamper(bad.aotDigest);
        else if (attack == "wrong-key")
            bad.moduleSignature = other.sign(keel::v1::moduleSignatureMessage(bad.moduleDigest));
        else if (attack == "object-other-module")
            bad.aotSignature = m_key.sign(keel::v1::aotSignatureMessage(bad.aotDigest, sha256("other"), bad.aotTarget));
        else if (attack == "unsigned")
            bad.moduleSignature.clear();
        else if (attack == "size")
            bad.moduleSize += 1;
        else if (attack == "huge")
            bad.moduleSize = 65ull << 20;
        else if (attack == "digest")
            bad.moduleDigest = "sha256:../../identity.key";
        else if (attack == "missing")
            fs::remove(m_repo / "sha256" / bad.moduleDigest.substr(7));
        else if (attack == "forbidden")
            bad = ref("forbidden", ComponentAbi::Keel, kHostile);
        else if (attack == "name")
            bad.manifest.name = "../evil";
        else if (attack == "limit")
            bad.manifest.limits.memoryMb = 5000;

        const DesiredState two{2, {ref("hello", ComponentAbi::Wagi, kSamples), bad}};
        const auto outcome = node.applier.apply(two, m_key.pub());
        QVERIFY(!outcome.ack.applied);
        QVERIFY(!outcome.swapped);
        QCOMPARE(outcome.ack.generation, 2u);
        // Exactly the failed component, FAILED, with its reason; hello is left out.
        QCOMPARE(outcome.ack.components.size(), size_t(1));
        const auto &failed = outcome.ack.components.front();
        QCOMPARE(failed.name, bad.manifest.name);
        QCOMPARE(failed.state, ComponentState::Failed);
        QVERIFY(!failed.tier);
        QVERIFY2(contains(failed.error, reason.toStdString()), failed.error.c_str());
        if (metric.isEmpty())
            QVERIFY(outcome.fetchFailures.empty());
        else
            QVERIFY(outcome.fetchFailures == std::vector<std::string>{metric.toStdString()});

        // The last good set keeps serving, untouched, and stays the applied one.
        QCOMPARE(node.applier.appliedGeneration(), 1u);
        QCOMPARE(status(node.runtime, "hello"), 200u);
        QCOMPARE(node.runtime.components().size(), size_t(1));
        QVERIFY(fs::is_directory(m_data / "sets/1"));
        QVERIFY(!fs::exists(m_data / "sets/2"));
        // Nothing unverified stays on disk.
        QVERIFY(!fs::exists(m_data / "artifacts/tmp") || fs::is_empty(m_data / "artifacts/tmp"));
        if (metric == "digest_mismatch")
            QVERIFY(!fs::exists(m_data / "artifacts/sha256"
                                / (attack == "tampered-object" ? bad.aotDigest : bad.moduleDigest).substr(7)));
    }

    void objectForAnotherTargetRunsOnTheInterpreter()
    {
        DirectoryArtifactSource source(m_repo);
        Node node(m_data, source);
        ComponentRef echo = ref("echo", ComponentAbi::Keel, kSamples, true);
        echo.aotTarget = "riscv64-linux-musl";
        echo.aotSignature = m_key.sign(keel::v1::aotSignatureMessage(echo.aotDigest, echo.moduleDigest, echo.aotTarget));
        const auto outcome = node.applier.apply({1, {echo}}, m_key.pub());
        requireApplied(outcome);
        QCOMPARE(*outcome.ack.components.at(0).tier, RuntimeTier::Interpreter);
        QVERIFY(!fs::exists(m_data / "artifacts/sha256" / echo.aotDigest.substr(7))); // never fetched
        QCOMPARE(status(node.runtime, "echo"), 200u);
    }

    void fetchesInChunks()
    {
        DirectoryArtifactSource source(m_repo, 4096);
        Node node(m_data, source);
        const ComponentRef hello = ref("hello", ComponentAbi::Wagi, kSamples);
        requireApplied(node.applier.apply({1, {hello}}, m_key.pub()));
        QVERIFY(hello.moduleSize > 3 * 4096);
        QCOMPARE(source.chunksServed(), size_t((hello.moduleSize + 4095) / 4096));
        QCOMPARE(readFile(m_data / "artifacts/sha256" / hello.moduleDigest.substr(7)),
                 readFile(kSamples / "hello.wasm"));
        QCOMPARE(status(node.runtime, "hello"), 200u);
    }

    void aTricklingSourceIsRefused()
    {
        // 100-byte chunks would take thousands of round trips for one module.
        DirectoryArtifactSource source(m_repo, 100);
        Node node(m_data, source);
        const auto outcome = node.applier.apply({1, {ref("hello", ComponentAbi::Wagi, kSamples)}}, m_key.pub());
        QVERIFY(!outcome.ack.applied);
        QVERIFY(!outcome.swapped);
        QCOMPARE(outcome.ack.components.size(), size_t(1));
        QVERIFY2(outcome.ack.components.at(0).error.find("a chunk of 100 bytes") != std::string::npos,
                 outcome.ack.components.at(0).error.c_str());
        QCOMPARE(source.chunksServed(), size_t(1)); // refused at the first short chunk
    }

    void restoresAfterRestart()
    {
        DesiredState one{7, {ref("hello", ComponentAbi::Wagi, kSamples), ref("echo", ComponentAbi::Keel, kSamples, true)}};
        {
            DirectoryArtifactSource source(m_repo);
            Node node(m_data, source);
            requireApplied(node.applier.apply(one, m_key.pub()));
        }
        // The control plane is away (and so is every artifact): the set comes from disk.
        fs::remove_all(m_repo);
        DirectoryArtifactSource source(m_repo);
        Node node(m_data, source);
        QCOMPARE(node.runtime.components().size(), size_t(0));
        const auto restored = node.applier.restore();
        QVERIFY(restored.found);
        QCOMPARE(restored.generation, 7u);
        QCOMPARE(restored.served, size_t(2));
        QCOMPARE(restored.refused, size_t(0));
        QCOMPARE(node.applier.appliedGeneration(), 7u);
        QCOMPARE(status(node.runtime, "hello"), 200u);
        QCOMPARE(status(node.runtime, "echo"), 200u);
        QCOMPARE(node.runtime.find("echo")->tier(), std::string_view("aot"));

        // The control plane is back and sends the same state: acknowledged as it is.
        const auto outcome = node.applier.apply(one, m_key.pub());
        requireApplied(outcome);
        QVERIFY(!outcome.swapped);
        QCOMPARE(outcome.ack.components.size(), size_t(2));
    }

    void nothingToRestore()
    {
        DirectoryArtifactSource source(m_repo);
        Node node(m_data, source);
        const auto restored = node.applier.restore();
        QVERIFY(!restored.found);
        QCOMPARE(node.applier.appliedGeneration(), 0u);
    }

    void withoutKeyEverythingIsRejected()
    {
        DirectoryArtifactSource source(m_repo);
        Node node(m_data, source);
        const auto outcome = node.applier.apply({1, {ref("hello", ComponentAbi::Wagi, kSamples)}}, {});
        QVERIFY(!outcome.ack.applied);
        QCOMPARE(outcome.ack.components.at(0).state, ComponentState::Failed);
        QCOMPARE(node.runtime.components().size(), size_t(0));
    }

    void pinsTheControlPlaneKeyOnFirstUse()
    {
        const Key other;
        ControlPlaneKey pin(m_data / "controlplane.pub");
        QCOMPARE(pin.check(m_key.pub()).outcome, ControlPlaneKey::Outcome::Pinned);
        QCOMPARE(readFile(m_data / "controlplane.pub"), m_key.pub());
        QCOMPARE(fs::status(m_data / "controlplane.pub").permissions() & fs::perms::all,
                 fs::perms::owner_read | fs::perms::owner_write);
        QCOMPARE(pin.check(m_key.pub()).outcome, ControlPlaneKey::Outcome::Matches);
        // Another key: refused, naming both fingerprints; the pinned one stays.
        const auto mismatch = ControlPlaneKey(m_data / "controlplane.pub").check(other.pub());
        QCOMPARE(mismatch.outcome, ControlPlaneKey::Outcome::Mismatch);
        QVERIFY(contains(mismatch.message, ControlPlaneKey::fingerprint(m_key.pub())));
        QVERIFY(contains(mismatch.message, ControlPlaneKey::fingerprint(other.pub())));
        QCOMPARE(readFile(m_data / "controlplane.pub"), m_key.pub());
        QCOMPARE(pin.check({}).outcome, ControlPlaneKey::Outcome::Failed);
        // Re-pinning: delete the file.
        fs::remove(m_data / "controlplane.pub");
        QCOMPARE(pin.check(other.pub()).outcome, ControlPlaneKey::Outcome::Pinned);
    }

    void fingerprintIgnoresOrder()
    {
        const auto a = ref("hello", ComponentAbi::Wagi, kSamples);
        const auto b = ref("echo", ComponentAbi::Keel, kSamples);
        QCOMPARE(DesiredStateApplier::fingerprint({a, b}), DesiredStateApplier::fingerprint({b, a}));
        auto c = b;
        c.manifest.config["x"] = "y";
        QVERIFY(DesiredStateApplier::fingerprint({a, b}) != DesiredStateApplier::fingerprint({a, c}));
    }
};

QTEST_GUILESS_MAIN(tst_DesiredStateApplier)
#include "tst_desiredstateapplier.moc"
