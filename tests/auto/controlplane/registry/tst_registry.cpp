// The component registry end to end: the real control plane in-process, real SQLite,
// real blobs on disk, real WABT validation and real AOT builds with the C compiler.
#include "aotbuildqueue.h"
#include "blobstore.h"
#include "clientcalls.h"
#include "controlplane.h"
#include "keelclient.h"
#include "registryservice.h"
#include "sqlstore.h"

#include "keel/v1/artifactsignature.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sodium.h>

using namespace Keel;
using namespace Keel::Testing;

namespace {

QByteArray sample(const char *name) { return readFile(QStringLiteral(KEEL_SAMPLE_COMPONENTS_DIR "/") + QLatin1String(name)); }
QByteArray hostile(const char *name) { return readFile(QStringLiteral(KEEL_TEST_COMPONENTS_DIR "/") + QLatin1String(name)); }

Manifest manifest(const char *name, const char *version, ComponentAbi abi = ComponentAbi::Keel)
{
    Manifest m;
    m.name = QLatin1String(name);
    m.version = QLatin1String(version);
    m.abi = abi;
    return m;
}

bool verify(const QByteArray &publicKey, const std::string &message, const QByteArray &signature)
{
    return signature.size() == crypto_sign_BYTES
           && crypto_sign_verify_detached(reinterpret_cast<const unsigned char *>(signature.constData()),
                                          reinterpret_cast<const unsigned char *>(message.data()), message.size(),
                                          reinterpret_cast<const unsigned char *>(publicKey.constData()))
                  == 0;
}

QString sha256(const QByteArray &bytes)
{
    return QStringLiteral("sha256:") + QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

} // namespace

class tst_Registry : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ControlPlane> m_cp;
    std::unique_ptr<KeelClient> m_client;

    ControlPlaneOptions options() const
    {
        ControlPlaneOptions o;
        o.dataDir = m_dir.filePath(QStringLiteral("cp"));
        o.listenPort = 0;
        o.aotTool = QStringLiteral(KEEL_AOT_TOOL);
        return o;
    }

    void start()
    {
        QString error;
        m_cp = ControlPlane::start(options(), &error);
        QVERIFY2(m_cp, qPrintable(error));
        m_client = std::make_unique<KeelClient>();
        m_client->open(QUrl(m_cp->url() + QStringLiteral("/v1/operator")),
                       QString::fromUtf8(readFile(m_cp->adminTokenPath()).trimmed()));
    }

    std::optional<Result<PushedComponent>> push(const Manifest &m, const QByteArray &module)
    {
        return await<PushedComponent>([&](auto done) { m_client->pushComponent(m, module, done); });
    }

    QList<ComponentVersion> list(const QString &name = {})
    {
        const auto listed = await<QList<ComponentVersion>>([&](auto done) { m_client->listComponents(name, done); });
        return listed && !errorOf(*listed) ? std::get<QList<ComponentVersion>>(*listed) : QList<ComponentVersion>{};
    }

    int blobCount() const
    {
        return int(QDir(m_dir.filePath(QStringLiteral("cp/blobs/sha256"))).entryList(QDir::Files).size());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(sodium_init() >= 0);
        start();
    }

    void pushStoresSignsAndIsImmutable()
    {
        const QByteArray hash = sample("hash.wasm");
        Manifest m = manifest("hash", "1.0.0");
        m.grants = {QStringLiteral("log")};
        m.dataClasses = {QStringLiteral("pii")};
        m.limits.memoryMb = 32;
        m.config.insert(QStringLiteral("greeting"), QStringLiteral("hej"));
        m.healthPath = QStringLiteral("/healthz"); // through the codec and the store's manifest column
        const auto first = push(m, hash);
        QVERIFY2(first && !errorOf(*first), qPrintable(why(first)));
        const PushedComponent &pushed = std::get<PushedComponent>(*first);
        QVERIFY(pushed.created);
        QCOMPARE(pushed.version.moduleDigest, sha256(hash));
        QCOMPARE(pushed.version.moduleSize, quint64(hash.size()));
        QCOMPARE(pushed.version.manifest, m);
        QVERIFY(pushed.version.pushedBy.startsWith(QLatin1String("token:")));

        // The same bytes again change nothing.
        const auto again = push(m, hash);
        QVERIFY(again && !errorOf(*again));
        QVERIFY(!std::get<PushedComponent>(*again).created);

        // Other bytes under the same name@version are refused, and not stored.
        const int blobs = blobCount();
        const auto other = push(m, sample("echo.wasm"));
        QVERIFY(other && errorOf(*other));
        QCOMPARE(errorOf(*other)->code, ErrorCode::AlreadyExists);
        QVERIFY(errorOf(*other)->message.contains(QLatin1String("immutable")));
        QCOMPARE(blobCount(), blobs);

        const auto record = m_cp->registry().find(QStringLiteral("hash"), QStringLiteral("1.0.0"));
        QVERIFY(record);
        QVERIFY(verify(m_cp->publicKey(), keel::v1::moduleSignatureMessage(sha256(hash).toStdString()), record->moduleSignature));
        QVERIFY(!verify(m_cp->publicKey(), keel::v1::moduleSignatureMessage(sha256(sample("echo.wasm")).toStdString()),
                        record->moduleSignature));
    }

    void badModulesAndManifestsAreRefusedAndStoredNowhere()
    {
        const int blobs = blobCount();
        const qsizetype versions = list().size();

        const auto text = push(manifest("text", "1.0.0"), QByteArray("#!/bin/sh\necho this is not wasm\n"));
        QVERIFY(text && errorOf(*text));
        QCOMPARE(errorOf(*text)->code, ErrorCode::BadRequest);
        QVERIFY2(why(text).contains(QLatin1String("not a WebAssembly module")), qPrintable(why(text)));

        const auto garbage = push(manifest("garbage", "1.0.0"), hostile("garbage.wasm"));
        QVERIFY(garbage && errorOf(*garbage));
        QVERIFY2(why(garbage).startsWith(QLatin1String("invalid module: ")), qPrintable(why(garbage)));

        const auto invalid = push(manifest("invalid", "1.0.0"), hostile("invalid.wasm"));
        QVERIFY(invalid && errorOf(*invalid));
        QCOMPARE(errorOf(*invalid)->code, ErrorCode::BadRequest);
        QCOMPARE(errorOf(*invalid)->field, QStringLiteral("module"));
        QVERIFY2(why(invalid).startsWith(QLatin1String("invalid module: ")), qPrintable(why(invalid)));

        Manifest badName = manifest("Not_A_Name", "1.0.0");
        const auto named = push(badName, sample("hello.wasm"));
        QVERIFY(named && errorOf(*named));
        QCOMPARE(errorOf(*named)->field, QStringLiteral("manifest.name"));

        Manifest badGrant = manifest("hello", "1.0.0");
        badGrant.grants = {QStringLiteral("filesystem")};
        const auto granted = push(badGrant, sample("hello.wasm"));
        QVERIFY(granted && errorOf(*granted));
        QVERIFY(errorOf(*granted)->message.contains(QLatin1String("filesystem")));

        Manifest badLimit = manifest("hello", "1.0.0");
        badLimit.limits.deadlineMs = 3600000;
        const auto limited = push(badLimit, sample("hello.wasm"));
        QVERIFY(limited && errorOf(*limited));
        QCOMPARE(errorOf(*limited)->field, QStringLiteral("manifest.limits.deadline_ms"));

        Manifest badHealth = manifest("hello", "1.0.0");
        badHealth.healthPath = QStringLiteral("/healthz?deep=1");
        const auto unhealthy = push(badHealth, sample("hello.wasm"));
        QVERIFY(unhealthy && errorOf(*unhealthy));
        QCOMPARE(errorOf(*unhealthy)->field, QStringLiteral("manifest.health_path"));
        QVERIFY2(why(unhealthy).contains(QLatin1String("'/healthz?deep=1' contains '?'")), qPrintable(why(unhealthy)));

        QCOMPARE(blobCount(), blobs);
        QCOMPARE(list().size(), versions);
        const auto unknown = await<QList<ComponentVersion>>([&](auto done) { m_client->listComponents(QStringLiteral("nope"), done); });
        QVERIFY(unknown && errorOf(*unknown));
        QCOMPARE(errorOf(*unknown)->code, ErrorCode::NotFound);
    }

    void oversizedModulesAreRefused()
    {
        QTemporaryDir dir;
        SqlStore store(dir.filePath(QStringLiteral("r.db")));
        BlobStore blobs(dir.filePath(QStringLiteral("blobs")));
        AotBuildQueue builds(dir.filePath(QStringLiteral("work")), QStringLiteral(KEEL_AOT_TOOL), {}, {});
        RegistryOptions small;
        small.maxModuleBytes = 1024;
        RegistryService registry(store.registry(), blobs, builds, [](const QByteArray &) { return QByteArray(64, 's'); }, small);
        const auto result = registry.push(manifest("hash", "1.0.0"), sample("hash.wasm"), QStringLiteral("test"));
        QVERIFY(std::holds_alternative<WireError>(result));
        QVERIFY(std::get<WireError>(result).message.contains(QLatin1String("over the registry's limit of 1024 bytes")));
        QVERIFY(store.registry().versions({}).isEmpty());
    }

    void aotObjectIsBuiltSignedAndAnnounced()
    {
        QSignalSpy built(m_client.get(), &KeelClient::aotBuildFinished);
        const auto watching = await<quint64>([&](auto done) { m_client->watch({WatchTopic::Deployments}, 0, done); });
        QVERIFY(watching && !errorOf(*watching));
        const QByteArray echo = sample("echo.wasm");
        const auto pushed = push(manifest("echo", "2.0.0"), echo);
        QVERIFY2(pushed && !errorOf(*pushed), qPrintable(why(pushed)));

        // A compiler run: seconds, not milliseconds.
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(built.cbegin(), built.cend(), [](const QList<QVariant> &args) {
            return args.first().value<AotBuildFinished>().component == QLatin1String("echo");
        }), 120000);
        const auto listed = list(QStringLiteral("echo"));
        QCOMPARE(listed.size(), 1);
        const ComponentVersion &v = listed.first();
        QCOMPARE(v.aotState, AotState::Ready);
        QVERIFY2(v.aotError.isEmpty(), qPrintable(v.aotError));
        QVERIFY(BlobStore::isDigest(v.aotDigest));
        QVERIFY(v.aotSize > 0);
        QCOMPARE(v.aotTarget, m_cp->aotBuilds().target());

        const QByteArray object = readFile(m_dir.filePath(QStringLiteral("cp/blobs/sha256/")) + v.aotDigest.mid(7));
        QCOMPARE(sha256(object), v.aotDigest);
        QVERIFY(object.startsWith("\x7f" "ELF"));
        const auto record = m_cp->registry().find(QStringLiteral("echo"), QStringLiteral("2.0.0"));
        QVERIFY(record);
        QVERIFY(verify(m_cp->publicKey(),
                       keel::v1::aotSignatureMessage(v.aotDigest.toStdString(), v.moduleDigest.toStdString(), v.aotTarget.toStdString()),
                       record->aotSignature));
        // Bound to its module and target: the same signature says nothing about another.
        QVERIFY(!verify(m_cp->publicKey(),
                        keel::v1::aotSignatureMessage(v.aotDigest.toStdString(), sha256(sample("hash.wasm")).toStdString(),
                                                      v.aotTarget.toStdString()),
                        record->aotSignature));
    }

    void unfinishedBuildsResumeAfterARestart()
    {
        const auto pushed = push(manifest("counter", "1.0.0"), sample("counter.wasm"));
        QVERIFY2(pushed && !errorOf(*pushed), qPrintable(why(pushed)));
        // Stopped before (or while) the build ran: nothing is lost.
        m_client.reset();
        m_cp.reset();
        start();
        QTRY_VERIFY_WITH_TIMEOUT(!list(QStringLiteral("counter")).isEmpty()
                                     && list(QStringLiteral("counter")).first().aotState == AotState::Ready,
                                 120000);
        QCOMPARE(list(QStringLiteral("hash")).size(), 1); // and the earlier pushes are still there
    }

    // wabt 1.0.32's C writer calls abort() on SIMD lane instructions: before the
    // registry knew, this push took the control plane (here, the test) down for good.
    void simdModuleIsInterpreterOnlyAndNeverTranslated()
    {
        const auto pushed = push(manifest("simd", "0.0.1"), hostile("simd.wasm"));
        QVERIFY2(pushed && !errorOf(*pushed), qPrintable(why(pushed)));
        const ComponentVersion &v = std::get<PushedComponent>(*pushed).version;
        QCOMPARE(v.aotState, AotState::Unsupported);
        QVERIFY2(v.aotError.contains(QLatin1String("SIMD (v128.load8_lane at offset 0x")), qPrintable(v.aotError));
        QVERIFY2(v.aotError.contains(QLatin1String("runs on the interpreter")), qPrintable(v.aotError));
        QVERIFY(v.aotDigest.isEmpty());

        // Still serving, and still so after a restart: nothing is resumed into the translator.
        m_client.reset();
        m_cp.reset();
        start();
        const auto listed = list(QStringLiteral("simd"));
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.first().aotState, AotState::Unsupported);
        QCOMPARE(listed.first().aotError, v.aotError);
        QCOMPARE(list(QStringLiteral("hash")).size(), 1);
    }

    void aBuildOverItsTimeLimitFailsAndLeavesNothing()
    {
        QTemporaryDir dir;
        ControlPlaneOptions o = options();
        o.dataDir = dir.filePath(QStringLiteral("cp"));
        o.aotLimits.timeoutMs = 1; // no build finishes in a millisecond
        QString error;
        auto cp = ControlPlane::start(o, &error);
        QVERIFY2(cp, qPrintable(error));
        QSignalSpy finished(&cp->registry(), &RegistryService::aotBuildFinished);
        const auto pushed = cp->registry().push(manifest("hash", "1.0.0"), sample("hash.wasm"), QStringLiteral("test"));
        QVERIFY(std::holds_alternative<PushedComponent>(pushed));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        const auto event = finished.first().first().value<AotBuildFinished>();
        QVERIFY2(event.error.contains(QLatin1String("--aot-build-timeout")), qPrintable(event.error));
        QVERIFY(event.aotDigest.isEmpty());
        const auto record = cp->registry().find(QStringLiteral("hash"), QStringLiteral("1.0.0"));
        QVERIFY(record);
        QCOMPARE(record->version.aotState, AotState::Failed);
        QCOMPARE(record->version.aotError, event.error);
        // No module copy, no generated C, no half object.
        QVERIFY(cp->aotBuilds().isIdle());
        QVERIFY(QDir(dir.filePath(QStringLiteral("cp/aot-work"))).isEmpty());
        QCOMPARE(QDir(dir.filePath(QStringLiteral("cp/blobs/sha256"))).entryList(QDir::Files).size(), 1); // the module

        // Across a restart the control plane starts, and the failure stays a failure.
        cp.reset();
        ControlPlaneOptions again = options();
        again.dataDir = o.dataDir;
        cp = ControlPlane::start(again, &error);
        QVERIFY2(cp, qPrintable(error));
        QCOMPARE(cp->registry().find(QStringLiteral("hash"), QStringLiteral("1.0.0"))->version.aotState, AotState::Failed);
        QVERIFY(cp->aotBuilds().isIdle());
    }

    // A translator that dies (as wabt's abort() does) fails the build, not the control plane.
    void aBuildWhoseToolDiesFailsWithTheSignal()
    {
        QTemporaryDir dir;
        const QString tool = dir.filePath(QStringLiteral("dying-aot"));
        QFile script(tool);
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("#!/bin/sh\necho 'unimplemented: SIMD support'\nkill -ABRT $$\n");
        script.close();
        QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        ControlPlaneOptions o = options();
        o.dataDir = dir.filePath(QStringLiteral("cp"));
        o.aotTool = tool;
        QString error;
        auto cp = ControlPlane::start(o, &error);
        QVERIFY2(cp, qPrintable(error));
        QSignalSpy finished(&cp->registry(), &RegistryService::aotBuildFinished);
        QVERIFY(std::holds_alternative<PushedComponent>(
            cp->registry().push(manifest("echo", "1.0.0"), sample("echo.wasm"), QStringLiteral("test"))));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        const auto event = finished.first().first().value<AotBuildFinished>();
        QVERIFY2(event.error.contains(QLatin1String("SIGABRT")), qPrintable(event.error));
        QVERIFY2(event.error.contains(QLatin1String("unimplemented: SIMD support")), qPrintable(event.error));
        QCOMPARE(cp->registry().find(QStringLiteral("echo"), QStringLiteral("1.0.0"))->version.aotState, AotState::Failed);
        QVERIFY(QDir(dir.filePath(QStringLiteral("cp/aot-work"))).isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_Registry)
#include "tst_registry.moc"
