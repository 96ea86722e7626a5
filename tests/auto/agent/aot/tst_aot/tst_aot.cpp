// The AOT tier end to end: WAT -> wasm (libwabt) -> keel-aot -> AotObject/AotInstance.
#include "watmodule.h"

#include "common/moduledigest.h"
#include "load/aotinstance.h"
#include "load/aotobject.h"

#include <ctime>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <unistd.h>
#include <QTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace keel::aot;

namespace {

const char kTarget[] = "x86_64-linux-gnu";

const QByteArray kModule = R"((module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (memory (export "memory") 1 100)
  (func (export "answer") (result i32) i32.const 42)
  (func (export "viaHost") (param i32) (result i32) (call $add (local.get 0) (i32.const 1)))
  (func (export "boom") unreachable)
  (func (export "spin") (loop $l (br $l)))
  (func $rec (export "recurse") (param i32) (result i32) (local $r i32)
    (local.set $r (call $rec (i32.add (local.get 0) (i32.const 1))))
    (i32.store (i32.and (local.get 0) (i32.const 0xffc)) (local.get $r))
    (i32.xor (local.get $r) (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "oob") (result i32) (i32.load (i32.const -4)))
  (func (export "f64id") (param f64) (result f64) (f64.add (local.get 0) (f64.const 0.5)))
))";

} // namespace

class tst_Aot : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void roundTrip();
    void hostImportAndMemory();
    void trapThenServeAgain();
    void outOfBoundsTraps();
    void infiniteLoopHitsDeadline();
    void deadlineAlreadyPassedTraps();
    void recursionTraps();
    void memoryGrowthStopsAtLimit();
    void initialMemoryAboveLimitRefused();
    void concurrentTrapsDoNotInterfere();
    void ungrantedImportNamed();
    void wrongDigestRefused();
    void wrongTargetRefused();
    void invalidModuleRefusedWithWabtMessage();
    void simdModuleNamedNotTranslated();
    void sharedImagesKeepEveryObjectsOwnCode();
    void callIndirectFailuresTrap();
    void unusedLoadsStillTrap();
    void sunkLoadsStillTrap();
    void vectorisableLoopsComputeAndTrap();

private:
    QString buildObject(const QByteArray &wat, const QString &name);
    std::unique_ptr<AotInstance> instance(AotLimits limits = {});

    QTemporaryDir m_dir;
    QString m_wasm;
    QString m_object;
    std::string m_digest;
    std::shared_ptr<AotObject> m_loaded;
};

QString tst_Aot::buildObject(const QByteArray &wat, const QString &name)
{
    QString error;
    const QByteArray wasm = watToWasm(wat, &error);
    if (wasm.isEmpty())
        qFatal("WAT did not parse: %s", qPrintable(error));
    const QString wasmPath = m_dir.filePath(name + ".wasm");
    QFile out(wasmPath);
    if (!out.open(QIODevice::WriteOnly) || out.write(wasm) != wasm.size())
        qFatal("cannot write %s", qPrintable(wasmPath));
    out.close();
    QProcess aot;
    aot.start(QStringLiteral(KEEL_AOT_BINARY), {wasmPath, QStringLiteral("-o"), m_dir.filePath(name + ".so")});
    if (!aot.waitForFinished(120000) || aot.exitCode() != 0)
        qFatal("keel-aot failed: %s", aot.readAllStandardError().constData());
    return wasmPath;
}

std::unique_ptr<AotInstance> tst_Aot::instance(AotLimits limits)
{
    std::string error;
    auto resolver = [](const AotImport &import) -> std::optional<AotHostFunction> {
        if (import.module != "env" || import.name != "add")
            return std::nullopt;
        return [](AotInstance &, const uint64_t *args, uint64_t *results) {
            results[0] = static_cast<uint32_t>(args[0] + args[1]);
            return AotTrapCode::None;
        };
    };
    auto inst = m_loaded->instantiate(resolver, limits, &error);
    if (!inst)
        qWarning("instantiate: %s", error.c_str());
    return inst;
}

void tst_Aot::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_wasm = buildObject(kModule, QStringLiteral("probe"));
    m_object = m_dir.filePath(QStringLiteral("probe.so"));
    std::string error;
    m_digest = *fileDigest(m_wasm.toStdString(), &error);
    m_loaded = AotObject::open(m_object.toStdString(), {m_digest, "probe.wasm", kTarget}, &error);
    QVERIFY2(m_loaded, error.c_str());
    QCOMPARE(m_loaded->metadata().moduleDigest, m_digest);
    QCOMPARE(m_loaded->imports().size(), size_t(1));
}

void tst_Aot::roundTrip()
{
    auto inst = instance();
    QVERIFY(inst);
    uint64_t result = 0;
    const AotCallResult r = inst->call(inst->findExport("answer"), {}, {&result, 1}, 1'000'000'000);
    QVERIFY2(r.ok(), r.message.c_str());
    QCOMPARE(result, uint64_t(42));

    double in = 1.25;
    uint64_t bits;
    std::memcpy(&bits, &in, sizeof bits);
    QVERIFY(inst->call(inst->findExport("f64id"), {&bits, 1}, {&result, 1}, 0).ok());
    double out;
    std::memcpy(&out, &result, sizeof out);
    QCOMPARE(out, 1.75);
}

void tst_Aot::hostImportAndMemory()
{
    auto inst = instance();
    QVERIFY(inst);
    uint64_t arg = 41, result = 0;
    QVERIFY(inst->call(inst->findExport("viaHost"), {&arg, 1}, {&result, 1}, 1'000'000'000).ok());
    QCOMPARE(result, uint64_t(42));
    QVERIFY(inst->memoryBase());
    QCOMPARE(inst->memorySize(), size_t(65536));
}

void tst_Aot::trapThenServeAgain()
{
    auto inst = instance();
    const AotCallResult r = inst->call(inst->findExport("boom"), {}, {}, 1'000'000'000);
    QCOMPARE(r.trap, AotTrapCode::Unreachable);
    QVERIFY(!r.message.empty());
    auto fresh = instance();
    uint64_t result = 0;
    QVERIFY(fresh->call(fresh->findExport("answer"), {}, {&result, 1}, 0).ok());
    QCOMPARE(result, uint64_t(42));
}

void tst_Aot::outOfBoundsTraps()
{
    auto inst = instance();
    uint64_t result = 0;
    QCOMPARE(inst->call(inst->findExport("oob"), {}, {&result, 1}, 0).trap, AotTrapCode::OutOfBounds);
}

void tst_Aot::infiniteLoopHitsDeadline()
{
    auto inst = instance();
    QElapsedTimer timer;
    timer.start();
    const AotCallResult r = inst->call(inst->findExport("spin"), {}, {}, 200'000'000);
    const qint64 elapsed = timer.elapsed();
    QCOMPARE(r.trap, AotTrapCode::Deadline);
    QVERIFY2(elapsed >= 200 && elapsed < 200 + 100, qPrintable(QString::number(elapsed)));
}

void tst_Aot::deadlineAlreadyPassedTraps()
{
    // callUntil reads no clock: a deadline already past traps through the runtime's timer
    // (which the kernel fires at once) before the guest gets far, and the next call runs
    // as usual.
    auto inst = instance();
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const int64_t past = int64_t(now.tv_sec) * 1'000'000'000 + now.tv_nsec - 1'000'000;
    QCOMPARE(inst->callUntil(inst->findExport("spin"), {}, {}, past).trap, AotTrapCode::Deadline);
    // Only 0 means no deadline; a negative one has long passed.
    auto second = instance();
    QCOMPARE(second->callUntil(second->findExport("spin"), {}, {}, -1).trap, AotTrapCode::Deadline);
    auto fresh = instance();
    uint64_t result = 0;
    QVERIFY(fresh->callUntil(fresh->findExport("answer"), {}, {&result, 1}, past + 60'000'000'000).ok());
    QCOMPARE(result, uint64_t(42));
}

void tst_Aot::recursionTraps()
{
    // On a worker thread, as in the agent; the deadline is only a safety net.
    AotCallResult r;
    std::thread worker([&] {
        auto inst = instance();
        uint64_t arg = 0, result = 0;
        r = inst->call(inst->findExport("recurse"), {&arg, 1}, {&result, 1}, 10'000'000'000);
    });
    worker.join();
    QCOMPARE(r.trap, AotTrapCode::StackExhausted);
    // and the main thread too, whose stack grows on demand
    auto inst = instance();
    uint64_t arg = 0, result = 0;
    QCOMPARE(inst->call(inst->findExport("recurse"), {&arg, 1}, {&result, 1}, 10'000'000'000).trap,
             AotTrapCode::StackExhausted);
}

void tst_Aot::memoryGrowthStopsAtLimit()
{
    AotLimits limits;
    limits.memoryBytes = 3 * 65536;
    auto inst = instance(limits);
    const int grow = inst->findExport("grow");
    uint64_t pages = 2, result = 0;
    QVERIFY(inst->call(grow, {&pages, 1}, {&result, 1}, 0).ok());
    QCOMPARE(result, uint64_t(1)); // previous size
    pages = 1;
    QVERIFY(inst->call(grow, {&pages, 1}, {&result, 1}, 0).ok());
    QCOMPARE(result, uint64_t(0xffffffffu)); // refused: 4 pages > 3
    QCOMPARE(inst->memoryPages(), 3u);
}

void tst_Aot::initialMemoryAboveLimitRefused()
{
    AotLimits limits;
    limits.memoryBytes = 0;
    std::string error;
    auto inst = m_loaded->instantiate(
        [](const AotImport &) { return AotHostFunction([](AotInstance &, const uint64_t *, uint64_t *) { return AotTrapCode::None; }); },
        limits, &error);
    QVERIFY(!inst);
    QVERIFY2(error.find("memory limit") != std::string::npos, error.c_str());
}

void tst_Aot::concurrentTrapsDoNotInterfere()
{
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            auto inst = instance();
            uint64_t result = 0;
            for (int i = 0; i < 300; ++i) {
                switch ((i + t) % 3) {
                case 0:
                    if (inst->call(inst->findExport("boom"), {}, {}, 1'000'000'000).trap != AotTrapCode::Unreachable)
                        ++wrong;
                    break;
                case 1:
                    if (inst->call(inst->findExport("oob"), {}, {&result, 1}, 1'000'000'000).trap
                        != AotTrapCode::OutOfBounds)
                        ++wrong;
                    break;
                default:
                    result = 0;
                    if (!inst->call(inst->findExport("answer"), {}, {&result, 1}, 1'000'000'000).ok() || result != 42)
                        ++wrong;
                }
            }
        });
    }
    for (std::thread &t : threads)
        t.join();
    QCOMPARE(wrong.load(), 0);
}

void tst_Aot::ungrantedImportNamed()
{
    std::string error;
    auto inst = m_loaded->instantiate([](const AotImport &) { return std::nullopt; }, {}, &error);
    QVERIFY(!inst);
    QVERIFY2(error.find("'env' 'add'") != std::string::npos, error.c_str());
    QVERIFY2(error.find("does not grant") != std::string::npos, error.c_str());
}

void tst_Aot::wrongDigestRefused()
{
    std::string error;
    const std::string other = "sha256:" + std::string(64, 'a');
    QVERIFY(!AotObject::open(m_object.toStdString(), {other, "probe.wasm", kTarget}, &error));
    const std::string expected = "probe.so was built from " + m_digest + " but probe.wasm is " + other
                                 + ": rebuild it with keel-aot";
    QCOMPARE(QString::fromStdString(error), QString::fromStdString(expected));
}

void tst_Aot::wrongTargetRefused()
{
    std::string error;
    QVERIFY(!AotObject::open(m_object.toStdString(), {m_digest, "probe.wasm", "aarch64-linux-gnu"}, &error));
    QVERIFY2(error.find("was built for x86_64-linux-gnu but this agent runs on aarch64-linux-gnu")
                 != std::string::npos,
             error.c_str());
}

void tst_Aot::invalidModuleRefusedWithWabtMessage()
{
    const QString bad = m_dir.filePath(QStringLiteral("bad.wasm"));
    QFile out(bad);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QByteArray("\0asm\1\0\0\0\x7f", 9));
    out.close();
    QProcess aot;
    aot.start(QStringLiteral(KEEL_AOT_BINARY), {bad, QStringLiteral("-o"), m_dir.filePath(QStringLiteral("bad.so"))});
    QVERIFY(aot.waitForFinished(60000));
    QCOMPARE(aot.exitCode(), 1);
    const QByteArray err = aot.readAllStandardError();
    QVERIFY2(err.contains("invalid module") && err.contains("error"), err.constData());
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("bad.so"))));
}

// wabt 1.0.32's C writer calls abort() on lane instructions and writes C that does not
// compile for other SIMD: keel-aot says which instruction, where, and exits 3.
void tst_Aot::simdModuleNamedNotTranslated()
{
    const struct
    {
        const char *wat;
        const char *named;
    } cases[] = {
        {"(module (memory 1) (func (export \"f\") (param i32) (result i32)"
         " (i8x16.extract_lane_u 0 (v128.load8_lane 0 (local.get 0) (v128.const i64x2 0 0)))))",
         "SIMD (v128.load8_lane at offset 0x"},
        {"(module (func (export \"f\") (result i32) (i32x4.extract_lane 0 (i32x4.add (v128.const i64x2 1 2)"
         " (v128.const i64x2 3 4)))))",
         "SIMD (v128.const at offset 0x"},  // nothing it aborts on: the first one
        {"(module (func (export \"f\") (local v128)))", "SIMD (a v128 type at offset 0x"},
    };
    int i = 0;
    for (const auto &c : cases) {
        QString error;
        const QByteArray wasm = watToWasm(c.wat, &error);
        QVERIFY2(!wasm.isEmpty(), qPrintable(error));
        const QString path = m_dir.filePath(QStringLiteral("simd%1.wasm").arg(i));
        const QString object = m_dir.filePath(QStringLiteral("simd%1.so").arg(i++));
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(wasm);
        out.close();
        QProcess aot;
        aot.start(QStringLiteral(KEEL_AOT_BINARY), {path, QStringLiteral("-o"), object});
        QVERIFY(aot.waitForFinished(60000));
        QCOMPARE(aot.exitStatus(), QProcess::NormalExit);
        QCOMPARE(aot.exitCode(), 3);
        const QByteArray err = aot.readAllStandardError();
        QVERIFY2(err.contains(c.named) && err.contains("runs on the interpreter"), err.constData());
        QVERIFY(!QFile::exists(object));
    }
}

// Every way call_indirect can fail (another signature, a null entry, an index past the
// table) is the CALL_INDIRECT trap on the AOT tier, as on the interpreter.
void tst_Aot::callIndirectFailuresTrap()
{
    const QString wasm = buildObject(R"((module
      (type $ii (func (param i32) (result i32)))
      (type $v (func))
      (table 4 funcref)
      (elem (i32.const 0) $double $nothing)
      (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
      (func $nothing (type $v))
      (func (export "call") (param i32 i32) (result i32)
        (call_indirect (type $ii) (local.get 1) (local.get 0)))
    ))", QStringLiteral("indirect"));
    std::string error;
    const std::string digest = *fileDigest(wasm.toStdString(), &error);
    auto object = AotObject::open(m_dir.filePath(QStringLiteral("indirect.so")).toStdString(),
                                  {digest, "indirect.wasm", kTarget}, &error);
    QVERIFY2(object, error.c_str());
    auto none = [](const AotImport &) -> std::optional<AotHostFunction> { return std::nullopt; };
    const struct
    {
        uint64_t index;
        AotTrapCode trap;
    } cases[] = {
        {0, AotTrapCode::None},         // $double
        {1, AotTrapCode::CallIndirect}, // $nothing: another signature
        {2, AotTrapCode::CallIndirect}, // a null entry
        {4, AotTrapCode::CallIndirect}, // past the table's end
        {0xffffffffu, AotTrapCode::CallIndirect},
    };
    for (const auto &c : cases) {
        auto inst = object->instantiate(none, {}, &error);
        QVERIFY2(inst, error.c_str());
        uint64_t args[2] = {c.index, 21};
        uint64_t result = 0;
        const AotCallResult r = inst->call(inst->findExport("call"), {args, 2}, {&result, 1}, 0);
        QCOMPARE(r.trap, c.trap);
        if (c.trap == AotTrapCode::None)
            QCOMPARE(result, uint64_t(42));
    }
}

// A load must trap out of bounds even when the C compiler could delete it: its value
// dropped, kept only in a local, or stored where a second store overwrites it (docs/aot.md,
// "Generated code": why every load keeps its force-read). One that feeds a store computes
// as before, and traps when it straddles the end.
void tst_Aot::unusedLoadsStillTrap()
{
    const QString wasm = buildObject(R"((module
      (memory 1)
      (func (export "dropped") (drop (f64.load (i32.const 65536))))
      (func (export "droppedSum") (drop (i32.add (i32.load (i32.const 65536)) (i32.const 1))))
      (func (export "local") (local i64) (local.set 0 (i64.load (i32.const 65536))))
      (func (export "overwritten")
        (i32.store (i32.const 0) (i32.load (i32.const 65536)))
        (i32.store (i32.const 0) (i32.const 7)))
      (func (export "overwrittenUnrolled") (param i32)
        (f32.store (local.get 0) (f32.load (i32.const 65536)))
        (f32.store (local.get 0) (f32.const 1)))
      (func (export "copy") (param i32) (result i32)
        (i32.store (i32.const 8) (i32.add (i32.load (local.get 0)) (i32.const 1)))
        (i32.load (i32.const 8)))
    ))", QStringLiteral("loads"));
    std::string error;
    const std::string digest = *fileDigest(wasm.toStdString(), &error);
    auto object = AotObject::open(m_dir.filePath(QStringLiteral("loads.so")).toStdString(),
                                  {digest, "loads.wasm", kTarget}, &error);
    QVERIFY2(object, error.c_str());
    auto none = [](const AotImport &) -> std::optional<AotHostFunction> { return std::nullopt; };
    for (const char *name : {"dropped", "droppedSum", "local", "overwritten"}) {
        auto inst = object->instantiate(none, {}, &error);
        QVERIFY2(inst, error.c_str());
        QCOMPARE(inst->call(inst->findExport(name), {}, {}, 0).trap, AotTrapCode::OutOfBounds);
    }
    auto inst = object->instantiate(none, {}, &error);
    uint64_t at = 16;
    QCOMPARE(inst->call(inst->findExport("overwrittenUnrolled"), {&at, 1}, {}, 0).trap, AotTrapCode::OutOfBounds);
    inst = object->instantiate(none, {}, &error);
    uint64_t result = 0;
    QVERIFY(inst->call(inst->findExport("copy"), {&at, 1}, {&result, 1}, 0).ok());
    QCOMPARE(result, uint64_t(1));
    at = 65534; // the load straddles the end
    QCOMPARE(inst->call(inst->findExport("copy"), {&at, 1}, {&result, 1}, 0).trap, AotTrapCode::OutOfBounds);
}

// Guard-page objects fold every loaded value into a per-function sink that is pinned at
// returns, calls, traps and unconditional back edges (docs/aot.md, "Generated code"). Each
// case is a way the C compiler could otherwise prove a load's value unobserved and drop it.
void tst_Aot::sunkLoadsStillTrap()
{
    const QString wasm = buildObject(R"((module
      (memory 1)
      (func $boom unreachable)
      (func $peek (param i32) (drop (i32.load (local.get 0))))
      (func (export "twice") (drop (i32.load (i32.const 65536))) (drop (i32.load (i32.const 65536))))
      (func (export "xorDropped") (drop (i32.xor (i32.load (i32.const 65536)) (i32.const 5))))
      (func (export "narrowAndWide")
        (drop (i64.load8_s (i32.const 70000))) (drop (f64.load (i32.const 0))))
      (func (export "beforeUnreachable") (drop (f32.load (i32.const 65536))) unreachable)
      (func (export "beforeDivideByZero") (param i32) (result i32)
        (drop (i64.load (i32.const 65536))) (i32.div_u (i32.const 1) (local.get 0)))
      (func (export "beforeTrappingCallee") (drop (i32.load16_u (i32.const 65535))) (call $boom))
      (func (export "inlinedCallee") (call $peek (i32.const 65536)))
      (func (export "beforeEndlessLoop") (drop (i32.load (i32.const 65536))) (loop $l (br $l)))
      (func (export "inEndlessLoop") (loop $l (drop (f32.load (i32.const 65536))) (br $l)))
      (func (export "constantBackEdge") (loop $l (drop (i32.load (i32.const 65536))) (br_if $l (i32.const 1))))
      (func (export "loopOverwritten") (param i32) (local i32)
        (loop $l
          (f32.store (i32.const 0) (f32.load (i32.add (i32.const 65520) (i32.shl (local.get 1) (i32.const 2)))))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
        (f32.store (i32.const 0) (f32.const 1)))
    ))", QStringLiteral("sunk"));
    std::string error;
    const std::string digest = *fileDigest(wasm.toStdString(), &error);
    auto object = AotObject::open(m_dir.filePath(QStringLiteral("sunk.so")).toStdString(),
                                  {digest, "sunk.wasm", kTarget}, &error);
    QVERIFY2(object, error.c_str());
    auto none = [](const AotImport &) -> std::optional<AotHostFunction> { return std::nullopt; };
    // A deadline, so a load the compiler dropped in front of an endless loop fails as a
    // deadline instead of hanging the test.
    constexpr uint64_t deadline = 2'000'000'000;
    for (const char *name : {"twice", "xorDropped", "narrowAndWide", "beforeUnreachable", "beforeTrappingCallee",
                             "inlinedCallee", "beforeEndlessLoop", "inEndlessLoop", "constantBackEdge"}) {
        auto inst = object->instantiate(none, {}, &error);
        QVERIFY2(inst, error.c_str());
        const AotCallResult r = inst->call(inst->findExport(name), {}, {}, deadline);
        QVERIFY2(r.trap == AotTrapCode::OutOfBounds, qPrintable(QStringLiteral("%1: %2").arg(name, r.message.c_str())));
    }
    auto inst = object->instantiate(none, {}, &error);
    uint64_t zero = 0;
    uint64_t result = 0;
    QCOMPARE(inst->call(inst->findExport("beforeDivideByZero"), {&zero, 1}, {&result, 1}, deadline).trap,
             AotTrapCode::OutOfBounds);
    inst = object->instantiate(none, {}, &error);
    uint64_t count = 4; // in bounds: 65520..65535
    QVERIFY(inst->call(inst->findExport("loopOverwritten"), {&count, 1}, {}, deadline).ok());
    count = 5; // the fifth load starts at 65536
    QCOMPARE(inst->call(inst->findExport("loopOverwritten"), {&count, 1}, {}, deadline).trap, AotTrapCode::OutOfBounds);
}

// A saxpy over f32 as clang writes it for wasm32: the loop the C compiler vectorises once no
// asm sits on its loads. Its result must be the interpreter's, and a range that runs past the
// end of memory must trap even though the vector loop reads four floats at a time.
void tst_Aot::vectorisableLoopsComputeAndTrap()
{
    const QString wasm = buildObject(R"((module
      (memory 1)
      (func (export "saxpy") (param $x i32) (param $y i32) (param $n i32) (param $a f32) (result i32)
        (local $i i32) (local $sum i32)
        (block $done
          (br_if $done (i32.eqz (local.get $n)))
          (loop $l
            (f32.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
              (f32.add
                (f32.mul (local.get $a) (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
                (f32.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.ne (local.get $i) (local.get $n)))))
        (local.set $i (i32.const 0))
        (block $done
          (br_if $done (i32.eqz (local.get $n)))
          (loop $l
            (local.set $sum (i32.add (local.get $sum)
              (i32.trunc_f32_s (f32.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.ne (local.get $i) (local.get $n)))))
        (local.get $sum))
      (func (export "fill") (param $at i32) (param $n i32) (param $v f32) (local $i i32)
        (loop $l
          (f32.store (i32.add (local.get $at) (i32.shl (local.get $i) (i32.const 2))) (local.get $v))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
    ))", QStringLiteral("saxpy"));
    std::string error;
    const std::string digest = *fileDigest(wasm.toStdString(), &error);
    auto object = AotObject::open(m_dir.filePath(QStringLiteral("saxpy.so")).toStdString(),
                                  {digest, "saxpy.wasm", kTarget}, &error);
    QVERIFY2(object, error.c_str());
    auto none = [](const AotImport &) -> std::optional<AotHostFunction> { return std::nullopt; };
    auto inst = object->instantiate(none, {}, &error);
    QVERIFY2(inst, error.c_str());
    auto f32bits = [](float f) { uint32_t b; std::memcpy(&b, &f, sizeof b); return uint64_t(b); };
    uint64_t fillX[] = {0, 1003, f32bits(2.0f)};
    uint64_t fillY[] = {8192, 1003, f32bits(3.0f)};
    QVERIFY(inst->call(inst->findExport("fill"), fillX, {}, 0).ok());
    QVERIFY(inst->call(inst->findExport("fill"), fillY, {}, 0).ok());
    // y = 4 * 2 + 3 = 11 per element, 1003 elements (not a multiple of the vector width).
    uint64_t args[] = {0, 8192, 1003, f32bits(4.0f)};
    uint64_t result = 0;
    const AotCallResult r = inst->call(inst->findExport("saxpy"), args, {&result, 1}, 0);
    QVERIFY2(r.ok(), r.message.c_str());
    QCOMPARE(result, uint64_t(11 * 1003));
    // x runs 3 floats past the end of memory; y stays inside it.
    uint64_t past[] = {65536 - 4 * 1000, 8192, 1003, f32bits(4.0f)};
    QCOMPARE(inst->call(inst->findExport("saxpy"), past, {&result, 1}, 0).trap, AotTrapCode::OutOfBounds);
}

QTEST_GUILESS_MAIN(tst_Aot)
#include "tst_aot.moc"

// The same file under two names (the agent hard-links artifacts into each set) is one
// image for the dynamic loader. Letting one holder go must not free the name the image
// was loaded under, or the next object opened would be handed that image's code.
void tst_Aot::sharedImagesKeepEveryObjectsOwnCode()
{
    const QString oneWasm = buildObject("(module (func (export \"one\") (result i32) i32.const 1))", QStringLiteral("one"));
    const QString twoWasm = buildObject("(module (func (export \"two\") (result i32) i32.const 2))", QStringLiteral("two"));
    const QString one = m_dir.filePath(QStringLiteral("one.so"));
    const QString linked = m_dir.filePath(QStringLiteral("one-linked.so"));
    QCOMPARE(::link(one.toLocal8Bit().constData(), linked.toLocal8Bit().constData()), 0);
    std::string error;
    const std::string oneDigest = *fileDigest(oneWasm.toStdString(), &error);
    const std::string twoDigest = *fileDigest(twoWasm.toStdString(), &error);

    auto first = AotObject::open(one.toStdString(), {oneDigest, "one.wasm", kTarget}, &error);
    QVERIFY2(first, error.c_str());
    auto second = AotObject::open(linked.toStdString(), {oneDigest, "one.wasm", kTarget}, &error);
    QVERIFY2(second, error.c_str());
    first.reset(); // the image stays mapped for `second`
    auto other = AotObject::open(m_dir.filePath(QStringLiteral("two.so")).toStdString(), {twoDigest, "two.wasm", kTarget}, &error);
    QVERIFY2(other, error.c_str());
    QCOMPARE(other->exportNames(), std::vector<std::string>{"two"});
    QCOMPARE(second->exportNames(), std::vector<std::string>{"one"});
    // And after the last holder, the image can come back and is initialised again.
    second.reset();
    auto again = AotObject::open(one.toStdString(), {oneDigest, "one.wasm", kTarget}, &error);
    QVERIFY2(again, error.c_str());
    QCOMPARE(again->exportNames(), std::vector<std::string>{"one"});
}
