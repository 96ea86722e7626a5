// The registry tree under QAbstractItemModelTester: listing, pushes arriving, builds
// finishing, and what a view shows (state words with colours, sizes, relative times).
#include "components/componentregistrymodel.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QSignalSpy>
#include <QTest>

using namespace Keel;

namespace {

const QDateTime kNow = QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC);

ComponentVersion version(const QString &name, const QString &number, qint64 pushedSecondsAgo,
                         AotState state = AotState::Pending)
{
    ComponentVersion v;
    v.manifest.name = name;
    v.manifest.version = number;
    v.manifest.abi = ComponentAbi::Wagi;
    v.manifest.dataClasses = {QStringLiteral("pii")};
    v.moduleDigest = QStringLiteral("sha256:0123456789abcdef0123456789abcdef");
    v.moduleSize = 2048;
    v.aotState = state;
    v.pushed = kNow.addSecs(-pushedSecondsAgo);
    v.pushedBy = QStringLiteral("token:ci");
    return v;
}

} // namespace

class tst_ComponentRegistryModel : public QObject
{
    Q_OBJECT

private slots:
    void componentsAreParentsAndVersionsChildrenNewestFirst()
    {
        ComponentRegistryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setClockForTest([] { return kNow; });
        model.setVersions({version(QStringLiteral("hash"), QStringLiteral("1.0.0"), 300),
                           version(QStringLiteral("echo"), QStringLiteral("1.0.0"), 200),
                           version(QStringLiteral("hash"), QStringLiteral("2.0.0"), 100, AotState::Ready)});
        QCOMPARE(model.componentCount(), 2);
        QCOMPARE(model.versionCount(), 3);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("echo"));
        const QModelIndex hash = model.index(1, 0);
        QCOMPARE(hash.data().toString(), QStringLiteral("hash"));
        QCOMPARE(model.rowCount(hash), 2);
        QCOMPARE(model.index(0, ComponentRegistryModel::NameColumn, hash).data().toString(), QStringLiteral("2.0.0"));
        QCOMPARE(model.index(1, ComponentRegistryModel::NameColumn, hash).data().toString(), QStringLiteral("1.0.0"));
        QCOMPARE(model.index(0, ComponentRegistryModel::AotColumn, hash).data().toString(), QStringLiteral("ready"));
        QCOMPARE(model.index(0, ComponentRegistryModel::AotColumn, hash).data(Qt::DecorationRole).value<QColor>(),
                 QColor(0x2e, 0xa0, 0x43));
        QCOMPARE(model.index(0, ComponentRegistryModel::SizeColumn, hash).data().toString(), QLocale().toString(2.0, 'f', 1));
        QCOMPARE(model.index(0, ComponentRegistryModel::PushedColumn, hash).data().toString(), QStringLiteral("1 min ago"));
        QCOMPARE(model.index(0, ComponentRegistryModel::DataClassesColumn, hash).data().toString(), QStringLiteral("pii"));
        QCOMPARE(model.index(1, ComponentRegistryModel::NameColumn, hash).parent(), hash);
        QCOMPARE(model.versionRefs(), (QStringList{QStringLiteral("echo@1.0.0"), QStringLiteral("hash@2.0.0"), QStringLiteral("hash@1.0.0")}));
        QVERIFY(!model.versionAt(hash));
        QCOMPARE(model.versionAt(model.index(1, 3, hash))->manifest.version, QStringLiteral("1.0.0"));
    }

    // A push of a new component or version inserts one row; listing it again changes it
    // in place; a child's persistent index survives a component inserted before it.
    void upsertsInsertOrUpdateRows()
    {
        ComponentRegistryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setVersions({version(QStringLiteral("hash"), QStringLiteral("1.0.0"), 300)});
        const QPersistentModelIndex hashV1 = model.indexOf(QStringLiteral("hash"), QStringLiteral("1.0.0"));
        QVERIFY(hashV1.isValid());
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        model.upsertVersion(version(QStringLiteral("echo"), QStringLiteral("1.0.0"), 10));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("echo"));
        QVERIFY(hashV1.isValid());
        QCOMPARE(hashV1.data().toString(), QStringLiteral("1.0.0"));
        QCOMPARE(hashV1.parent().data().toString(), QStringLiteral("hash"));

        model.upsertVersion(version(QStringLiteral("hash"), QStringLiteral("1.1.0"), 5));
        QCOMPARE(inserted.size(), 2);
        QCOMPARE(model.rowCount(model.indexOf(QStringLiteral("hash"))), 2);

        ComponentVersion building = version(QStringLiteral("hash"), QStringLiteral("1.1.0"), 5, AotState::Building);
        model.upsertVersion(building);
        QCOMPARE(inserted.size(), 2);
        QVERIFY(!changed.isEmpty());
        QCOMPARE(model.version(QStringLiteral("hash"), QStringLiteral("1.1.0"))->aotState, AotState::Building);
        QCOMPARE(reset.size(), 0);
    }

    void buildsFinishingTurnRowsReadyOrFailedWithTheReason()
    {
        ComponentRegistryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setVersions({version(QStringLiteral("hash"), QStringLiteral("1.0.0"), 30),
                           version(QStringLiteral("loop"), QStringLiteral("1.0.0"), 20)});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.applyAotBuild({QStringLiteral("hash"), QStringLiteral("1.0.0"), QStringLiteral("x86_64-linux-gnu"),
                             QStringLiteral("sha256:aa"), {}});
        QCOMPARE(changed.size(), 1);
        const QModelIndex hash = model.indexOf(QStringLiteral("hash"), QStringLiteral("1.0.0"));
        QCOMPARE(hash.siblingAtColumn(ComponentRegistryModel::AotColumn).data().toString(), QStringLiteral("ready"));
        QCOMPARE(model.version(QStringLiteral("hash"), QStringLiteral("1.0.0"))->aotDigest, QStringLiteral("sha256:aa"));

        model.applyAotBuild({QStringLiteral("loop"), QStringLiteral("1.0.0"), QStringLiteral("x86_64-linux-gnu"), {},
                             QStringLiteral("cc exited with 1")});
        const QModelIndex loop = model.indexOf(QStringLiteral("loop"), QStringLiteral("1.0.0")).siblingAtColumn(ComponentRegistryModel::AotColumn);
        QCOMPARE(loop.data().toString(), QStringLiteral("failed"));
        QVERIFY(loop.data(Qt::ToolTipRole).toString().contains(QLatin1String("cc exited with 1")));
        QCOMPARE(loop.data(Qt::DecorationRole).value<QColor>(), QColor(0xd1, 0x3b, 0x3b));
        QCOMPARE(loop.data(ComponentRegistryModel::AotStateRole).toInt(), int(AotState::Failed));

        // A build of a version the model does not hold changes nothing.
        model.applyAotBuild({QStringLiteral("nope"), QStringLiteral("1.0.0"), {}, {}, QStringLiteral("x")});
        QCOMPARE(changed.size(), 2);
    }

    void everyStateHasAWordAndAColour_data()
    {
        QTest::addColumn<int>("state");
        QTest::addColumn<QString>("word");
        QTest::newRow("pending") << int(AotState::Pending) << "pending";
        QTest::newRow("building") << int(AotState::Building) << "building";
        QTest::newRow("ready") << int(AotState::Ready) << "ready";
        QTest::newRow("failed") << int(AotState::Failed) << "failed";
        QTest::newRow("unsupported") << int(AotState::Unsupported) << "interpreter only";
    }

    void everyStateHasAWordAndAColour()
    {
        QFETCH(int, state);
        QFETCH(QString, word);
        ComponentRegistryModel model;
        ComponentVersion v = version(QStringLiteral("c"), QStringLiteral("1.0.0"), 1, AotState(state));
        v.aotError = QStringLiteral("SIMD (v128.load8_lane at offset 0x5e)");
        model.setVersions({v});
        const QModelIndex cell = model.indexOf(QStringLiteral("c"), QStringLiteral("1.0.0")).siblingAtColumn(ComponentRegistryModel::AotColumn);
        QCOMPARE(cell.data().toString(), word);
        QVERIFY(cell.data(Qt::DecorationRole).value<QColor>().isValid());
        if (AotState(state) == AotState::Unsupported)
            QVERIFY(cell.data(Qt::ToolTipRole).toString().contains(QLatin1String("SIMD")));
    }

    void clearEmptiesTheTree()
    {
        ComponentRegistryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setVersions({version(QStringLiteral("hash"), QStringLiteral("1.0.0"), 30)});
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.versionCount(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_ComponentRegistryModel)
#include "tst_componentregistrymodel.moc"
