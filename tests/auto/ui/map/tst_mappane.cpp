#include "controlplane.h"
#include "fleet/fleetfeed.h"
#include "fleet/fleetselection.h"
#include "fleetservice.h"
#include "keelclient.h"
#include "map/landoutline.h"
#include "map/mappane.h"
#include "map/mapview.h"
#include "map/regionhealthmodel.h"
#include "metrics/livemetrics.h"
#include "nodes/nodetablemodel.h"
#include "regions/regionlistmodel.h"

#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Keel;

namespace {
// A step against real processes on a loaded machine: generous, QTRY returns as soon as
// the condition holds.
constexpr int kWait = 30000;
} // namespace
using Health = RegionHealthModel::Health;

// The Map pane against a real control plane embedded in the test: the demo's three
// regions, nodes admitted through its FleetService as an agent session would.
class tst_MapPane final : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_dataDir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dataDir->isValid());
        ControlPlaneOptions options;
        options.dataDir = m_dataDir->path();
        options.listenPort = 0;
        options.fleet.graceMs = 1000; // a silent node is unreachable within about a second
        QString error;
        m_cp = ControlPlane::start(options, &error);
        QVERIFY2(m_cp, qPrintable(error));
        QVERIFY(!std::holds_alternative<WireError>(m_cp->fleet().applyTopology({
            {QStringLiteral("eu-west"), QStringLiteral("EU"), 53.35, -6.26, {QStringLiteral("dub-1"), QStringLiteral("dub-2")}},
            {QStringLiteral("us-east"), QStringLiteral("US"), 38.90, -77.04, {QStringLiteral("iad-1")}},
            {QStringLiteral("ap-south"), QStringLiteral("IN"), 19.08, 72.88, {QStringLiteral("bom-1")}},
        })));
        QFile tokenFile(m_cp->adminTokenPath());
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        m_token = QString::fromUtf8(tokenFile.readAll()).trimmed();

        m_client = std::make_unique<KeelClient>();
        m_nodes = std::make_unique<NodeTableModel>();
        m_regions = std::make_unique<RegionListModel>();
        m_feed = std::make_unique<FleetFeed>(m_client.get(), m_nodes.get(), m_regions.get());
        m_live = std::make_unique<LiveMetrics>();
        m_selection = std::make_unique<FleetSelection>();
        m_pane = std::make_unique<MapPane>(m_nodes.get(), m_regions.get(), m_live.get(), m_selection.get());
        m_pane->resize(1200, 700);
        m_pane->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
        m_map = m_pane->findChild<MapView *>(QStringLiteral("mapView"));
        QVERIFY(m_map);
    }

    void cleanup()
    {
        m_pane.reset();
        m_selection.reset();
        m_live.reset();
        m_feed.reset();
        m_regions.reset();
        m_nodes.reset();
        m_client.reset();
        m_cp.reset();
        m_dataDir.reset();
    }

    void emptyMapSaysSo()
    {
        QVERIFY(m_map->hintText().contains(QLatin1String("No regions")));
    }

    void regionsAtTheirProjectedPlaces()
    {
        admit(QStringLiteral("edge-eu-1"), QStringLiteral("eu-west"), QStringLiteral("dub-1"));
        admit(QStringLiteral("edge-us-1"), QStringLiteral("us-east"), QStringLiteral("iad-1"));
        m_feed->start(KeelClient::normalizeServer(m_cp->url()), m_token);
        QTRY_COMPARE_WITH_TIMEOUT(m_pane->regionHealth()->rowCount(), 3, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(m_pane->regionHealth()->health(QStringLiteral("us-east")), Health::Ready, kWait);
        QVERIFY(m_map->hintText().isEmpty());

        // Every marker sits where Equal Earth puts its latitude and longitude.
        const MapViewport &view = m_map->viewport();
        struct Place { QString name; double lat, lon; };
        for (const Place &p : {Place{QStringLiteral("eu-west"), 53.35, -6.26}, Place{QStringLiteral("us-east"), 38.90, -77.04},
                               Place{QStringLiteral("ap-south"), 19.08, 72.88}}) {
            const auto at = m_map->regionPosition(p.name);
            QVERIFY(at);
            const QPointF expected = view.toScreen(LandOutline::toPlane(p.lon, p.lat));
            QVERIFY2(QLineF(*at, expected).length() < 0.5, qPrintable(p.name));
            QVERIFY2(m_map->rect().contains(at->toPoint()),
                     qPrintable(QStringLiteral("%1 at %2,%3 outside %4x%5").arg(p.name).arg(at->x()).arg(at->y()).arg(m_map->width()).arg(m_map->height()))); // fitted on first fill
        }
        const QPointF eu = *m_map->regionPosition(QStringLiteral("eu-west"));
        const QPointF us = *m_map->regionPosition(QStringLiteral("us-east"));
        const QPointF ap = *m_map->regionPosition(QStringLiteral("ap-south"));
        QVERIFY(us.x() < eu.x() && eu.x() < ap.x());
        QVERIFY(eu.y() < us.y() && us.y() < ap.y());
        // Equal Earth, not equirectangular: the x distance shrinks with latitude's cosine-ish curve.
        const qreal perUnit = view.scale;
        QVERIFY(qAbs((eu.x() - us.x()) / perUnit - (-0.075477983 + 1.033710954)) < 1e-3);

        // Labels at the default zoom: clear of each other and of every marker.
        const auto &markers = m_map->frame().markers();
        QCOMPARE(markers.size(), 3);
        for (const auto &a : markers) {
            QVERIFY(a.labelShown);
            QVERIFY(m_map->rect().contains(a.label.toRect()));
            for (const auto &b : markers) {
                const QRectF disc(b.center - QPointF(b.radius, b.radius), QSizeF(2 * b.radius, 2 * b.radius));
                QVERIFY2(!a.label.intersects(disc), qPrintable(a.name + " over " + b.name));
                if (a.name != b.name)
                    QVERIFY2(!a.label.intersects(b.label), qPrintable(a.name + " and " + b.name));
            }
        }
        // Nothing enrolled in ap-south: grey, and said in words.
        QCOMPARE(m_pane->regionHealth()->health(QStringLiteral("ap-south")), Health::NoNodes);
        QVERIFY(m_map->frame().marker(QStringLiteral("ap-south"))->detail.contains(QLatin1String("no nodes")));
        QCOMPARE(m_map->frame().marker(QStringLiteral("eu-west"))->detail, QStringLiteral("idle"));
    }

    void anUnreachableNodeTurnsItsRegion()
    {
        admit(QStringLiteral("e1"), QStringLiteral("eu-west"), QStringLiteral("dub-1"));
        admit(QStringLiteral("e2"), QStringLiteral("eu-west"), QStringLiteral("dub-2"));
        admit(QStringLiteral("u1"), QStringLiteral("us-east"), QStringLiteral("iad-1"));
        // e2 keeps heartbeating; e1 and u1 fall silent.
        QTimer heartbeat;
        connect(&heartbeat, &QTimer::timeout, this, [this] { m_cp->fleet().heartbeat(QStringLiteral("e2")); });
        heartbeat.start(100);
        m_feed->start(KeelClient::normalizeServer(m_cp->url()), m_token);
        QTRY_COMPARE_WITH_TIMEOUT(m_pane->regionHealth()->rowCount(), 3, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(m_pane->regionHealth()->health(QStringLiteral("eu-west")), Health::Degraded, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_pane->regionHealth()->health(QStringLiteral("us-east")), Health::Down, 10000);

        // What is painted: amber and red discs, the words beside them.
        const QImage image = m_map->grab().toImage();
        QVERIFY(looksLike(markerColour(image, QStringLiteral("eu-west")), RegionHealthModel::healthColor(Health::Degraded)));
        QVERIFY(looksLike(markerColour(image, QStringLiteral("us-east")), RegionHealthModel::healthColor(Health::Down)));
        QVERIFY(m_map->frame().marker(QStringLiteral("eu-west"))->detail.endsWith(QLatin1String("degraded")));
        QVERIFY(m_map->frame().marker(QStringLiteral("us-east"))->detail.endsWith(QLatin1String("down")));

        // The hover card has the numbers.
        QTest::mouseMove(m_map, m_map->regionPosition(QStringLiteral("eu-west"))->toPoint());
        QTRY_VERIFY_WITH_TIMEOUT(m_map->hoverCardText().contains(QLatin1String("Nodes: 1/2 ready, 1 unreachable")), kWait);
        QVERIFY(m_map->hoverCardText().contains(QLatin1String("degraded")));
        QVERIFY(m_map->hoverCardText().contains(QLatin1String("Requests: idle")));
    }

    void clickSelectsARegionAndListsItsNodes()
    {
        admit(QStringLiteral("e1"), QStringLiteral("eu-west"), QStringLiteral("dub-1"));
        admit(QStringLiteral("e2"), QStringLiteral("eu-west"), QStringLiteral("dub-2"));
        admit(QStringLiteral("u1"), QStringLiteral("us-east"), QStringLiteral("iad-1"));
        m_feed->start(KeelClient::normalizeServer(m_cp->url()), m_token);
        QTRY_COMPARE_WITH_TIMEOUT(m_nodes->nodeCount(), 3, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(m_pane->regionHealth()->rowCount(), 3, kWait);

        QTest::mouseClick(m_map, Qt::LeftButton, {}, m_map->regionPosition(QStringLiteral("eu-west"))->toPoint());
        QCOMPARE(m_selection->region(), QStringLiteral("eu-west"));
        auto *list = m_pane->findChild<QTableView *>(QStringLiteral("regionNodes"));
        QVERIFY(list);
        QCOMPARE(list->model()->rowCount(), 2);
        QCOMPARE(list->model()->index(0, 0).data().toString(), QStringLiteral("e1"));
        QCOMPARE(list->model()->index(1, 1).data().toString(), QStringLiteral("dub-2"));
        QCOMPARE(list->model()->index(0, 2).data().toString(), QStringLiteral("ready"));
        auto *title = m_pane->findChild<QLabel *>(QStringLiteral("regionTitle"));
        QCOMPARE(title->text(), QStringLiteral("eu-west · EU"));

        // Choosing a node in the list selects it everywhere; Enter opens it.
        list->setFocus();
        list->setCurrentIndex(list->model()->index(1, 0));
        QCOMPARE(m_selection->node(), QStringLiteral("e2"));
        QSignalSpy opened(m_selection.get(), &FleetSelection::nodeOpened);
        QTest::keyClick(list, Qt::Key_Return);
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened.at(0).at(0).toString(), QStringLiteral("e2"));

        // A node selected elsewhere (the fleet table) brings its region onto the map.
        m_selection->selectNode(QStringLiteral("u1"));
        QCOMPARE(m_selection->region(), QStringLiteral("us-east"));
        QCOMPARE(list->model()->rowCount(), 1);
        QCOMPARE(list->currentIndex().data().toString(), QStringLiteral("u1"));

        // The sea clears the selection.
        QTest::mouseClick(m_map, Qt::LeftButton, {}, QPoint(5, m_map->height() - 5));
        QVERIFY(m_selection->region().isEmpty());
        QCOMPARE(list->model()->rowCount(), 0);
    }

    void zoomingInSpreadsRegionsIntoNodes()
    {
        admit(QStringLiteral("e1"), QStringLiteral("eu-west"), QStringLiteral("dub-1"));
        admit(QStringLiteral("e2"), QStringLiteral("eu-west"), QStringLiteral("dub-2"));
        m_feed->start(KeelClient::normalizeServer(m_cp->url()), m_token);
        QTRY_COMPARE_WITH_TIMEOUT(m_pane->regionHealth()->counts(QStringLiteral("eu-west")).total, 2, kWait);
        QVERIFY(!m_map->frame().isSpread());
        QVERIFY(m_map->frame().dots().isEmpty());

        for (int i = 0; i < 12 && !m_map->frame().isSpread(); ++i)
            m_map->zoomAt(*m_map->regionPosition(QStringLiteral("eu-west")), 1.5);
        QVERIFY(m_map->frame().isSpread());
        QStringList sites;
        for (const auto &site : m_map->frame().sites())
            sites.append(site.region + u'/' + site.name);
        QCOMPARE(sites, (QStringList{QStringLiteral("eu-west/dub-1"), QStringLiteral("eu-west/dub-2")}));
        const auto *dot = m_map->frame().dot(QStringLiteral("e2"));
        QVERIFY(dot);
        // A click on the node selects it with its region.
        QTest::mouseClick(m_map, Qt::LeftButton, {}, dot->center.toPoint());
        QCOMPARE(m_selection->node(), QStringLiteral("e2"));
        QCOMPARE(m_selection->region(), QStringLiteral("eu-west"));

        // Fit fleet gathers them again.
        m_map->fitFleet();
        QVERIFY(!m_map->frame().isSpread());
        QVERIFY(m_map->frame().dots().isEmpty());
    }

private:
    void admit(const QString &name, const QString &region, const QString &site)
    {
        const auto token = m_cp->fleet().createJoinToken(region, 1, 600);
        QVERIFY(std::holds_alternative<JoinToken>(token));
        AgentHello hello;
        hello.nodeName = name;
        hello.region = region;
        hello.site = site;
        hello.agentVersion = QStringLiteral("0.1.0");
        hello.targetTriple = QStringLiteral("x86_64-linux-gnu");
        hello.tiers = {RuntimeTier::Interpreter};
        hello.publicKey = QByteArray(32, 'k');
        hello.joinToken = std::get<JoinToken>(token).token;
        const auto admitted = m_cp->fleet().admit(hello);
        const auto *error = std::get_if<WireError>(&admitted);
        QVERIFY2(!error, error ? qPrintable(error->message) : "");
    }

    // The fill of a marker, away from the health glyph at its centre.
    QColor markerColour(const QImage &image, const QString &region) const
    {
        const auto *marker = m_map->frame().marker(region);
        const qreal dpr = image.devicePixelRatio();
        const QPointF at = marker->center + QPointF(-0.5, -0.55) * marker->radius;
        return image.pixelColor((at * dpr).toPoint());
    }

    static bool looksLike(const QColor &seen, const QColor &expected)
    {
        const int distance = qAbs(seen.red() - expected.red()) + qAbs(seen.green() - expected.green())
            + qAbs(seen.blue() - expected.blue());
        if (distance > 60)
            qWarning() << "painted" << seen.name() << "expected about" << expected.name();
        return distance <= 60;
    }

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ControlPlane> m_cp;
    QString m_token;
    std::unique_ptr<KeelClient> m_client;
    std::unique_ptr<NodeTableModel> m_nodes;
    std::unique_ptr<RegionListModel> m_regions;
    std::unique_ptr<FleetFeed> m_feed;
    std::unique_ptr<LiveMetrics> m_live;
    std::unique_ptr<FleetSelection> m_selection;
    std::unique_ptr<MapPane> m_pane;
    MapView *m_map = nullptr;
};

QTEST_MAIN(tst_MapPane)
#include "tst_mappane.moc"
