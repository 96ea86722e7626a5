#include "topologyfile.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Keel;

namespace {
// The error of a failed parse, or nothing: QVERIFY2 evaluates its message eagerly.
template<typename V>
QString errorOf(const V &result)
{
    const auto *error = std::get_if<QString>(&result);
    return error ? *error : QString();
}
} // namespace

class tst_TopologyFile : public QObject
{
    Q_OBJECT

private slots:
    void parsesYaml()
    {
        const QByteArray text = "regions:\n"
                                "  - name: eu-west\n"
                                "    jurisdiction: EU\n"
                                "    latitude: 53.35\n"
                                "    longitude: -6.26\n"
                                "    sites: [dub-1, dub-2]\n"
                                "  - name: ap-south\n"
                                "    jurisdiction: IN\n"
                                "    latitude: 19.08\n"
                                "    longitude: 72.88\n";
        auto result = TopologyFile::parse(text, QStringLiteral("t.yaml"));
        QVERIFY2(std::holds_alternative<QList<Region>>(result), qPrintable(errorOf(result)));
        const auto regions = std::get<QList<Region>>(result);
        QCOMPARE(regions.size(), 2);
        QCOMPARE(regions[0].name, QStringLiteral("eu-west"));
        QCOMPARE(regions[0].sites, (QStringList{QStringLiteral("dub-1"), QStringLiteral("dub-2")}));
        QCOMPARE(regions[1].jurisdiction, QStringLiteral("IN"));
        QCOMPARE(regions[1].longitude, 72.88);
    }

    void parsesJson()
    {
        const QByteArray text = R"({"regions": [{"name": "us-east", "jurisdiction": "US", "latitude": 38.9, "longitude": -77.04, "sites": ["iad-1"]}]})";
        auto result = TopologyFile::parse(text, QStringLiteral("t.json"));
        QVERIFY2(std::holds_alternative<QList<Region>>(result), qPrintable(errorOf(result)));
        QCOMPARE(std::get<QList<Region>>(result).first().sites, QStringList{QStringLiteral("iad-1")});
    }

    void errorsNameTheLine_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        const QByteArray head = "regions:\n  - name: eu-west\n    jurisdiction: EU\n";
        QTest::newRow("unknown field") << head + "    latitude: 1\n    longitude: 2\n    colour: blue\n" << "t.yaml:6: unknown field \"colour\"";
        QTest::newRow("bad latitude") << head + "    latitude: north\n    longitude: 2\n" << "t.yaml:4: \"latitude\" of region eu-west is \"north\", not a number";
        QTest::newRow("latitude out of range") << head + "    latitude: 91\n    longitude: 2\n" << "t.yaml:4: \"latitude\" of region eu-west is 91, outside -90..90";
        QTest::newRow("missing longitude") << head + "    latitude: 1\n" << "t.yaml:2: region eu-west has no \"longitude\"";
        QTest::newRow("lower-case jurisdiction") << QByteArray("regions:\n  - name: x\n    jurisdiction: eu\n    latitude: 1\n    longitude: 2\n") << "t.yaml:3: jurisdiction \"eu\"";
        QTest::newRow("bad region name") << QByteArray("regions:\n  - name: EU West\n") << "t.yaml:2: region name \"EU West\" is not a valid name";
        QTest::newRow("duplicate region") << head + "    latitude: 1\n    longitude: 2\n  - name: eu-west\n    jurisdiction: EU\n    latitude: 1\n    longitude: 2\n" << "t.yaml:6: region eu-west appears twice";
        QTest::newRow("syntax error") << QByteArray("regions:\n  - name: [unclosed\n") << "t.yaml:";
        QTest::newRow("no regions") << QByteArray("regions: []\n") << "\"regions\" must be a non-empty list";
        QTest::newRow("not a mapping") << QByteArray("- a\n- b\n") << "t.yaml:1: the file must be a mapping";
    }

    void errorsNameTheLine()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        auto result = TopologyFile::parse(text, QStringLiteral("t.yaml"));
        QVERIFY(std::holds_alternative<QString>(result));
        const QString error = std::get<QString>(result);
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void missingFileIsAnError()
    {
        QTemporaryDir dir;
        auto result = TopologyFile::load(dir.filePath(QStringLiteral("nope.yaml")));
        QVERIFY(std::holds_alternative<QString>(result));
        QVERIFY(std::get<QString>(result).contains(QLatin1String("cannot read")));
    }
};

QTEST_GUILESS_MAIN(tst_TopologyFile)
#include "tst_topologyfile.moc"
