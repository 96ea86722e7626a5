// Desired state on the agent with real components and real signatures: the sample and
// hostile modules (and the AOT objects keel-aot built from them) are signed in the test
// with an ed25519 key of its own, served chunk by chunk from a directory, fetched,
// verified, written as a set, loaded through ComponentSet and swapped into a real
// ComponentRuntime, which the test then calls.
#include "aot/aotengine.h"
#include "componentruntime.h"
#include "componentset.h"
#include "runtimecalls.h"
#include "state/controlplanekey.h"
#include "state/desiredstateapplier.h"
#include "state/directoryartifactsource.h"
#include "targettriple.h"

#include "keel/v1/artifactsignature.h"

#include <QtTest>

#include <sodium.h>

#include <atomic>
#include <optional>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace keel::agent;
namespace fs = std::filesystem;

namespace {

using keel::agent::test::call;

const fs::path kSamples = KEEL_SAMPLE_COMPONENTS_DIR;
const fs::path kVersions = fs::path(KEEL_SAMPLE_COMPONENTS_DIR) / "hash-versions";
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

std::string header(const ComponentResponse &answer, const std::string &name)
{
    for (const auto &[key, value] : answer.headers) {
        if (key == name)
            return value;
    }
    return {};
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

    // A version of hash: 1.0.0 is the sample, the others are built into hash-versions/
    // (all with health_path /healthz; healthPath overrides it, "" for none).
    ComponentRef hash(const std::string &version, std::optional<std::string> healthPath = std::nullopt)
    {
        if (version == "1.0.0") {
            ComponentRef r = ref("hash", ComponentAbi::Keel, kSamples);
            r.manifest.healthPath = healthPath.value_or("");
            return r;
        }
        ComponentRef r;
        r.manifest.name = "hash";
        r.manifest.version = version;
        r.manifest.abi = ComponentAbi::Keel;
        r.manifest.limits.deadlineMs = 10000;
        r.manifest.healthPath = healthPath.value_or("/healthz");
        const std::string module = readFile(kVersions / ("hash-" + version + ".wasm"));
        r.moduleDigest = publish(module);
        r.moduleSize = module.size();
        r.moduleSignature = m_key.sign(keel::v1::moduleSignatureMessage(r.moduleDigest));
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

    void standbyIsKeptLoadedAndSwitchingBackLoadsNothing()
    {
        DirectoryArtifactSource source(m_repo);
        Node node(m_data, source);
        const ComponentRef v1 = hash("1.0.0");
        const ComponentRef v2 = hash("2.0.0");
        requireApplied(node.applier.apply({1, {v1}}, m_key.pub()));
        const Component *first = node.runtime.find("hash").get();

        // A rollout switches the node to 2.0.0 and keeps 1.0.0, the version it replaced,
        // loaded: taken over from the served set, nothing loaded for it.
        auto outcome = node.applier.apply({2, {v2}, {v1}}, m_key.pub());
        requireApplied(outcome);
        QVERIFY(outcome.swapped);
        QVERIFY(outcome.loads == std::vector<std::string>{"hash"});
        QVERIFY(outcome.standbyLoads.empty());
        QCOMPARE(outcome.standbyHeld, size_t(1));
        QCOMPARE(outcome.standbyFailures, size_t(0));
        QCOMPARE(outcome.ack.components.size(), size_t(1)); // the standby is not acknowledged as served
        QCOMPARE(outcome.ack.components.front().version, std::string("2.0.0"));
        auto answer = call(node.runtime, "hash", get("/"));
        QCOMPARE(answer.status, 200u);
        QCOMPARE(header(answer, "X-Hash-Version"), std::string("2.0.0"));
        QCOMPARE(node.runtime.components().size(), size_t(1)); // the standby serves nothing
        QVERIFY(fs::is_regular_file(m_data / "sets/2/standby/hash.json"));
        QVERIFY(fs::is_regular_file(m_data / "sets/2/standby/hash.wasm"));
        QVERIFY(fs::is_regular_file(m_data / "artifacts/sha256" / v1.moduleDigest.substr(7))); // not collected

        // The same content again under a newer generation: nothing to load.
        outcome = node.applier.apply({3, {v2}, {v1}}, m_key.pub());
        requireApplied(outcome);
        QVERIFY(!outcome.swapped);
        QCOMPARE(outcome.standbyHeld, size_t(1));

        // Back to 1.0.0 (a rollback): the held instance is served as it is. Nothing is
        // fetched, nothing instantiated; 2.0.0 is held in turn.
        const std::size_t fetches = source.chunksServed();
        outcome = node.applier.apply({4, {v1}, {v2}}, m_key.pub());
        requireApplied(outcome);
        QVERIFY(outcome.swapped);
        QVERIFY2(outcome.loads.empty(), outcome.loads.empty() ? "" : outcome.loads.front().c_str());
        QVERIFY(outcome.standbyLoads.empty());
        QCOMPARE(outcome.standbyHeld, size_t(1));
        QCOMPARE(source.chunksServed(), fetches);
        QCOMPARE(node.runtime.find("hash").get(), first);
        answer = call(node.runtime, "hash", get("/"));
        QCOMPARE(answer.status, 200u);
        QCOMPARE(header(answer, "X-Hash-Version"), std::string());

        // The rollout is over: no standby any more. It is new content (it unloads 2.0.0),
        // though the served set did not change.
        outcome = node.applier.apply({5, {v1}}, m_key.pub());
        requireApplied(outcome);
        QVERIFY(outcome.swapped);
        QVERIFY(outcome.loads.empty());
        QCOMPARE(outcome.standbyHeld, size_t(0));
        QCOMPARE(node.runtime.find("hash").get(), first);
        QVERIFY(fs::is_directory(m_data / "sets/5"));
        QVERIFY(!fs::exists(m_data / "sets/5/standby/hash.json"));
        QVERIFY(!fs::exists(m_data / "artifacts/sha256" / v2.moduleDigest.substr(7)));
        QCOMPARE(source.chunksServed(), fetches);
    }

    void standbyIsLoadedFromArtifactsAndSurvivesARestart()
    {
        const ComponentRef v1 = hash("1.0.0");
        const ComponentRef v2 = hash("2.0.0");
        {
            DirectoryArtifactSource source(m_repo);
            Node node(m_data, source);
            // A node that never ran 1.0.0 is told to hold it: fetched, verified, loaded.
            const auto outcome = node.applier.apply({1, {v2}, {v1}}, m_key.pub());
            requireApplied(outcome);
            QVERIFY(outcome.standbyLoads == std::vector<std::string>{"hash"});
            QCOMPARE(outcome.standbyHeld, size_t(1));
            QCOMPARE(header(call(node.runtime, "hash", get("/")), "X-Hash-Version"), std::string("2.0.0"));
        }
        // Restarted with the control plane away and every artifact gone from its side.
        fs::remove_all(m_repo);
        DirectoryArtifactSource source(m_repo);
        Node node(m_data, source);
        const auto restored = node.applier.restore();
        QCOMPARE(restored.generation, 1u);
        QCOMPARE(restored.standbyHeld, size_t(1));
        QCOMPARE(restored.standbyFailures, size_t(0));
        QVERIFY(restored.standbyLoads == std::vector<std::string>{"hash"});
        QCOMPARE(node.runtime.components().size(), size_t(1));
        QCOMPARE(header(call(node.runtime, "hash", get("/")), "X-Hash-Version"), std::string("2.0.0"));

        // Switching back needs nothing from the control plane.
        const auto outcome = node.applier.apply({2, {v1}}, m_key.pub());
        requireApplied(outcome);
        QVERIFY(outcome.loads.empty());
        QCOMPARE(source.chunksServed(), size_t(0));
        QCOMPARE(outcome.standbyHeld, size_t(0));
        const auto answer = call(node.runtime, "hash", get("/"));
        QCOMPARE(answer.status, 200u);
        QCOMPARE(header(answer, "X-Hash-Version"), std::string());
    }

    void aStandbyThatCannotBeHeldDoesNotRejectTheState()
    {
        DirectoryArtifactSource source(m_repo);
        Node node(m_data, source);
        const ComponentRef v2 = hash("2.0.0");
        ComponentRef badName = hash("1.0.0");
        badName.manifest.name = "../evil";
        ComponentRef missing = hash("1.0.0");
        fs::remove(m_repo / "sha256" / missing.moduleDigest.substr(7));
        ComponentRef second = hash("2.2.0-slow");
        ComponentRef same = v2; // the served version: nothing to hold
        const auto outcome = node.applier.apply({1, {v2}, {same, missing, second, badName}}, m_key.pub());
        requireApplied(outcome);
        QVERIFY(outcome.swapped);
        // Missing artifact, a second standby of hash, a bad name; the served version is
        // ignored without counting.
        QCOMPARE(outcome.standbyFailures, size_t(3));
        QCOMPARE(outcome.standbyHeld, size_t(0));
        QVERIFY(outcome.fetchFailures == std::vector<std::string>{"transport"});
        QCOMPARE(outcome.ack.components.size(), size_t(1));
        QCOMPARE(status(node.runtime, "hash"), 200u);
        QVERIFY(!fs::exists(m_data / "sets/1/standby/hash.json"));

        // The artifact is back: the next generation of the same content tries the
        // standby again (rather than "nothing to load"); the served set is kept as it is.
        const auto served = node.runtime.find("hash").get();
        QCOMPARE(hash("1.0.0").moduleDigest, missing.moduleDigest); // published again
        const auto again = node.applier.apply({2, {v2}, {same, missing, second, badName}}, m_key.pub());
        requireApplied(again);
        QVERIFY(again.loads.empty());
        QVERIFY(again.standbyLoads == std::vector<std::string>{"hash"});
        QCOMPARE(again.standbyHeld, size_t(1));
        QCOMPARE(node.runtime.find("hash").get(), served);
        QVERIFY(fs::is_regular_file(m_data / "sets/2/standby/hash.json"));
        // Held now: a newer generation of it has nothing to load.
        const auto third = node.applier.apply({3, {v2}, {same, missing, second, badName}}, m_key.pub());
        requireApplied(third);
        QVERIFY(!third.swapped);
        QCOMPARE(third.standbyHeld, size_t(1));
    }

    void aFailingHealthCheckRejectsTheState_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("healthPath");
        QTest::addColumn<QString>("reason");
        // The broken version answers 500 everywhere but /healthz.
        QTest::newRow("500") << "2.1.0-broken" << "/ready"
                             << "health check GET /ready answered 500: hash 2.1.0 is broken on purpose";
        QTest::newRow("trap") << "trap" << "/healthz" << "health check GET /healthz answered 500 (trap";
    }

    void aFailingHealthCheckRejectsTheState()
    {
        QFETCH(QString, version);
        QFETCH(QString, healthPath);
        QFETCH(QString, reason);
        DirectoryArtifactSource source(m_repo);
        Node node(m_data, source);
        requireApplied(node.applier.apply({1, {hash("1.0.0")}}, m_key.pub()));

        ComponentRef bad;
        if (version == "trap") {
            bad = ref("trap", ComponentAbi::Keel, kHostile);
            bad.manifest.healthPath = healthPath.toStdString();
        } else {
            bad = hash(version.toStdString(), healthPath.toStdString());
        }
        const auto outcome = node.applier.apply({2, {bad}}, m_key.pub());
        QVERIFY(!outcome.ack.applied);
        QVERIFY(!outcome.swapped);
        QCOMPARE(outcome.ack.components.size(), size_t(1));
        const auto &failed = outcome.ack.components.front();
        QCOMPARE(failed.name, bad.manifest.name);
        QCOMPARE(failed.state, ComponentState::Failed);
        QVERIFY2(contains(failed.error, reason.toStdString()), failed.error.c_str());
        // The old set keeps serving, untouched.
        QCOMPARE(node.applier.appliedGeneration(), 1u);
        QCOMPARE(node.runtime.components().size(), size_t(1));
        const auto answer = call(node.runtime, "hash", get("/"));
        QCOMPARE(answer.status, 200u);
        QCOMPARE(header(answer, "X-Hash-Version"), std::string());
        QVERIFY(!fs::exists(m_data / "sets/2"));
    }

    void aPassingHealthCheckSwitches()
    {
        DirectoryArtifactSource source(m_repo);
        Node node(m_data, source);
        requireApplied(node.applier.apply({1, {hash("1.0.0")}}, m_key.pub()));
        // Answers its health path: switched, though it fails everything else (what only
        // a rollout's traffic gates catch).
        const auto outcome = node.applier.apply({2, {hash("2.1.0-broken")}}, m_key.pub());
        requireApplied(outcome);
        QVERIFY(outcome.swapped);
        QCOMPARE(node.applier.appliedGeneration(), 2u);
        const auto answer = call(node.runtime, "hash", get("/"));
        QCOMPARE(answer.status, 500u);
        QVERIFY2(contains(answer.body, "hash 2.1.0 is broken on purpose"), answer.body.c_str());
        QCOMPARE(status(node.runtime, "hash", "/healthz"), 200u);
    }

    void aStandbyIsHealthCheckedBeforeItServes()
    {
        DirectoryArtifactSource source(m_repo);
        Node node(m_data, source);
        const ComponentRef v1 = hash("1.0.0");
        const ComponentRef sick = hash("2.1.0-broken", "/ready"); // its health check fails
        requireApplied(node.applier.apply({1, {v1}, {sick}}, m_key.pub()));
        const std::size_t fetches = source.chunksServed();
        const auto outcome = node.applier.apply({2, {sick}, {v1}}, m_key.pub());
        QVERIFY(!outcome.ack.applied);
        QVERIFY2(contains(outcome.ack.components.at(0).error, "health check GET /ready answered 500"),
                 outcome.ack.components.at(0).error.c_str());
        QCOMPARE(source.chunksServed(), fetches); // taken from the standby, not fetched
        QCOMPARE(status(node.runtime, "hash"), 200u);
        QCOMPARE(node.applier.appliedGeneration(), 1u);
    }

    void aComponentsDirectoryLeavesOutWhatFailsItsHealthCheck()
    {
        // --components: the same check; a failing component is left out, the others serve.
        const fs::path dir = m_data / "components";
        fs::create_directories(dir);
        fs::copy_file(kSamples / "hello.wasm", dir / "hello.wasm");
        std::ofstream(dir / "hello.yaml") << "name: hello\nversion: 1.0.0\nabi: wagi\nmodule: hello.wasm\n"
                                             "health_path: /healthz\n";
        fs::copy_file(kVersions / "hash-2.1.0-broken.wasm", dir / "hash.wasm");
        std::ofstream(dir / "hash.yaml") << "name: hash\nversion: 2.1.0-broken\nabi: keel\nmodule: hash.wasm\n"
                                            "health_path: /ready\n";
        ComponentRuntime runtime({2, 64, 128, (m_data / "kv").string()}, {});
        std::vector<std::string> errors;
        ComponentSet set(runtime, nullptr, [](std::string_view) {},
                         [&](std::string_view line) { errors.emplace_back(line); });
        const auto counts = set.loadDirectory(dir);
        QCOMPARE(counts.served, size_t(2));
        QCOMPARE(set.checkHealth(), size_t(1));
        set.serve();
        QCOMPARE(runtime.components().size(), size_t(1));
        QVERIFY(runtime.find("hello"));
        QCOMPARE(set.refusals().size(), size_t(1));
        QCOMPARE(set.refusals().front().component, std::string("hash"));
        QCOMPARE(set.refusals().front().file, dir / "hash.yaml");
        QVERIFY(!errors.empty());
        QVERIFY2(contains(errors.back(), "hash.yaml: health check GET /ready answered 500: hash 2.1.0 is broken on purpose"),
                 errors.back().c_str());
    }

    // The rules a state carries (NodeResidency) go with its set: served in the same swap,
    // kept beside it on disk, restored with it offline, and a state that changes only
    // them instantiates nothing.
    void residencyIsServedWithItsSetAndRestored()
    {
        auto profile = ref("hello", ComponentAbi::Wagi, kSamples);
        profile.manifest.dataClasses = {"pii"};
        const auto echo = ref("echo", ComponentAbi::Keel, kSamples);
        NodeResidency rules;
        rules.jurisdiction = "US";
        rules.rules = {{"eu-pii", "pii", {"EU"}, {"EU"}, keel::residency::Mode::Enforce}};
        rules.placements = {{"hello", {{"eu-west", "EU", {"http://10.0.0.5:8080"}}, {"us-east", "US", {}}}}};
        rules.policyVersion = 1;
        NodeResidency stricter = rules;
        stricter.rules.push_back({"pii-eu-us", "pii", {"*"}, {"EU", "US"}, keel::residency::Mode::Audit});
        stricter.placements[0].regions[0].endpoints.push_back("http://10.0.0.6:8080");
        stricter.policyVersion = 2;
        {
            DirectoryArtifactSource source(m_repo);
            Node node(m_data, source);
            DesiredState one{1, {profile, echo}, {}, rules};
            auto outcome = node.applier.apply(one, m_key.pub());
            requireApplied(outcome);
            QVERIFY(outcome.swapped);
            const auto served = node.runtime.lookup("hello");
            QVERIFY(served);
            QVERIFY(served.residency());
            QVERIFY(*served.residency() == rules);
            QVERIFY((served.component().config().dataClasses == std::vector<std::string>{"pii"}));
            QVERIFY(node.runtime.lookup("echo").residency() == served.residency()); // one set, one rule book
            QVERIFY(fs::is_regular_file(m_data / "sets/1/residency.pb"));

            // Only the rules change (a stricter policy, a new EU agent): a new set is
            // served under them, every component kept as it was.
            const auto helloBefore = node.runtime.servedForReuse("hello");
            DesiredState two{2, {profile, echo}, {}, stricter};
            outcome = node.applier.apply(two, m_key.pub());
            requireApplied(outcome);
            QVERIFY(outcome.swapped);
            QVERIFY(outcome.loads.empty());
            QVERIFY(node.runtime.servedForReuse("hello") == helloBefore);
            QVERIFY(*node.runtime.lookup("hello").residency() == stricter);

            // The same generation with other rules is other content: refused.
            DesiredState twoAgain{2, {profile, echo}, {}, rules};
            outcome = node.applier.apply(twoAgain, m_key.pub());
            QVERIFY(!outcome.ack.applied);
            QVERIFY(*node.runtime.lookup("hello").residency() == stricter);
            // And the same content again: acknowledged without a swap.
            outcome = node.applier.apply(two, m_key.pub());
            requireApplied(outcome);
            QVERIFY(!outcome.swapped);

            // Rules dropped (no policy any more): served without any, again loading nothing.
            DesiredState three{3, {profile, echo}};
            outcome = node.applier.apply(three, m_key.pub());
            requireApplied(outcome);
            QVERIFY(outcome.swapped);
            QVERIFY(outcome.loads.empty());
            QVERIFY(!node.runtime.lookup("hello").residency());
            QVERIFY(!fs::exists(m_data / "sets/3/residency.pb"));
            DesiredState four{4, {profile, echo}, {}, stricter};
            requireApplied(node.applier.apply(four, m_key.pub()));
        }
        // The control plane is away: the rules come back with the set.
        fs::remove_all(m_repo);
        {
            DirectoryArtifactSource source(m_repo);
            Node node(m_data, source);
            const auto restored = node.applier.restore();
            QCOMPARE(restored.generation, 4u);
            QCOMPARE(restored.served, size_t(2));
            const auto served = node.runtime.lookup("hello");
            QVERIFY(served && served.residency());
            QVERIFY(*served.residency() == stricter);
        }
        // Rules that cannot be read: nothing that processes a data class serves without
        // them; the rest does, and the control plane is asked for the state again.
        std::ofstream(m_data / "sets/4/residency.pb", std::ios::binary | std::ios::trunc) << "\xff\xff\xff";
        {
            DirectoryArtifactSource source(m_repo);
            Node node(m_data, source);
            const auto restored = node.applier.restore();
            QCOMPARE(restored.generation, 0u);
            QCOMPARE(restored.served, size_t(1));
            QCOMPARE(restored.refused, size_t(1));
            QVERIFY(!node.runtime.lookup("hello"));
            QCOMPARE(status(node.runtime, "echo"), 200u);
        }
        fs::remove(m_data / "sets/4/residency.pb");
        {
            DirectoryArtifactSource source(m_repo);
            Node node(m_data, source);
            QCOMPARE(node.applier.restore().generation, 0u);
            QVERIFY(!node.runtime.lookup("hello"));
        }
    }

    void fingerprintCoversResidency()
    {
        const auto a = ref("hello", ComponentAbi::Wagi, kSamples);
        NodeResidency rules;
        rules.jurisdiction = "EU";
        // Without rules a state's fingerprint is what it was before residency existed.
        QCOMPARE(DesiredStateApplier::stateFingerprint({a}, {}, nullptr), DesiredStateApplier::fingerprint({a}));
        const auto empty = DesiredStateApplier::stateFingerprint({a}, {}, &rules);
        QVERIFY(empty != DesiredStateApplier::fingerprint({a}));
        rules.rules = {{"eu-pii", "pii", {"EU"}, {"EU"}, keel::residency::Mode::Enforce}};
        const auto enforced = DesiredStateApplier::stateFingerprint({a}, {}, &rules);
        QVERIFY(enforced != empty);
        rules.rules[0].mode = keel::residency::Mode::Audit;
        QVERIFY(DesiredStateApplier::stateFingerprint({a}, {}, &rules) != enforced);
        rules.rules[0].mode = keel::residency::Mode::Enforce;
        rules.placements = {{"hello", {{"eu-west", "EU", {"http://a:1"}}}}};
        const auto placed = DesiredStateApplier::stateFingerprint({a}, {}, &rules);
        QVERIFY(placed != enforced);
        rules.placements[0].regions[0].endpoints = {"http://b:1"};
        QVERIFY(DesiredStateApplier::stateFingerprint({a}, {}, &rules) != placed);
    }

    void fingerprintCoversStandbyAndHealthPath()
    {
        const auto a = ref("hello", ComponentAbi::Wagi, kSamples);
        auto b = ref("echo", ComponentAbi::Keel, kSamples);
        // Without a standby a state's fingerprint is its components' (sets applied before
        // standby existed still match).
        QCOMPARE(DesiredStateApplier::stateFingerprint({a, b}, {}), DesiredStateApplier::fingerprint({a, b}));
        QVERIFY(DesiredStateApplier::stateFingerprint({a}, {b}) != DesiredStateApplier::fingerprint({a}));
        QVERIFY(DesiredStateApplier::stateFingerprint({a}, {b}) != DesiredStateApplier::fingerprint({a, b}));
        auto checked = b;
        checked.manifest.healthPath = "/healthz";
        QVERIFY(DesiredStateApplier::fingerprint({checked}) != DesiredStateApplier::fingerprint({b}));
        QVERIFY(DesiredStateApplier::identity(checked, false) != DesiredStateApplier::identity(b, false));
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
