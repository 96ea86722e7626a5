// Frame times of the console's Map pane over a large fleet: the real models (NodeTableModel,
// RegionListModel, LiveMetrics) filled with N nodes in R regions, the real MapPane in a
// window, and MapView repainted synchronously (repaint()) after each step of a pan, a zoom
// and other changes. Prints one Markdown table; no assertions.
//
//   keel-console-map-bench [--nodes N] [--regions R] [--frames F] [--size WxH]

#include "map/mappane.h"
#include "map/mapview.h"
#include "fleet/fleetselection.h"
#include "metrics/livemetrics.h"
#include "nodes/nodetablemodel.h"
#include "regions/regionlistmodel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>
#include <QMouseEvent>
#include <QRandomGenerator>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace Keel;

namespace {

struct Stats
{
    double median = 0, p95 = 0, max = 0;
    int frames = 0;
};

Stats summarize(QList<double> ms)
{
    std::sort(ms.begin(), ms.end());
    Stats s;
    s.frames = int(ms.size());
    if (ms.isEmpty())
        return s;
    s.median = ms.at(ms.size() / 2);
    s.p95 = ms.at(std::min<qsizetype>(ms.size() - 1, qsizetype(ms.size() * 0.95)));
    s.max = ms.last();
    return s;
}

// Times `frames` steps: each runs `step`, then paints the map synchronously.
Stats measure(MapView *map, int frames, const std::function<void(int)> &step)
{
    QList<double> ms;
    ms.reserve(frames);
    QElapsedTimer timer;
    for (int i = 0; i < frames; ++i) {
        timer.start();
        step(i);
        map->repaint();
        ms.append(timer.nsecsElapsed() / 1e6);
        QCoreApplication::processEvents(); // let queued work run between frames, as an event loop would
    }
    return summarize(ms);
}

void row(const char *what, const Stats &s)
{
    std::printf("| %s | %d | %.2f | %.2f | %.2f |\n", what, s.frames, s.median, s.p95, s.max);
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption nodesOption(QStringLiteral("nodes"), QStringLiteral("Nodes (10000)."), QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption regionsOption(QStringLiteral("regions"), QStringLiteral("Regions (40)."), QStringLiteral("R"), QStringLiteral("40"));
    const QCommandLineOption framesOption(QStringLiteral("frames"), QStringLiteral("Frames per scenario (300)."), QStringLiteral("F"), QStringLiteral("300"));
    const QCommandLineOption sizeOption(QStringLiteral("size"), QStringLiteral("Window size (1400x900)."), QStringLiteral("WxH"), QStringLiteral("1400x900"));
    const QCommandLineOption grabOption(QStringLiteral("grab"), QStringLiteral("Also save pictures of the pane into DIR."), QStringLiteral("DIR"));
    parser.addOptions({nodesOption, regionsOption, framesOption, sizeOption, grabOption});
    parser.addHelpOption();
    parser.process(app);
    const int nodeCount = parser.value(nodesOption).toInt();
    const int regionCount = std::max(1, parser.value(regionsOption).toInt());
    const int frames = std::max(10, parser.value(framesOption).toInt());
    const QStringList size = parser.value(sizeOption).split(u'x');

    // A deterministic fleet: regions scattered over the inhabited latitudes, 1-4 sites
    // each, nodes spread evenly, one in twenty unreachable.
    QRandomGenerator random(42);
    QList<Region> regions;
    for (int r = 0; r < regionCount; ++r) {
        Region region;
        region.name = QStringLiteral("region-%1").arg(r, 2, 10, QLatin1Char('0'));
        region.jurisdiction = QStringLiteral("J%1").arg(r % 12);
        region.latitude = -40 + random.bounded(100.0);
        region.longitude = -130 + random.bounded(280.0);
        for (int s = 0, sites = 1 + random.bounded(4); s < sites; ++s)
            region.sites.append(QStringLiteral("%1-s%2").arg(region.name).arg(s));
        regions.append(region);
    }
    QList<Node> nodes;
    nodes.reserve(nodeCount);
    for (int i = 0; i < nodeCount; ++i) {
        const Region &region = regions.at(i % regionCount);
        Node node;
        node.name = QStringLiteral("edge-%1").arg(i, 5, 10, QLatin1Char('0'));
        node.region = region.name;
        node.site = region.sites.at((i / regionCount) % region.sites.size());
        node.jurisdiction = region.jurisdiction;
        node.status = random.bounded(20) == 0 ? NodeStatus::Unreachable : NodeStatus::Ready;
        nodes.append(node);
    }

    NodeTableModel nodeModel;
    RegionListModel regionModel;
    LiveMetrics live;
    FleetSelection selection;
    MapPane pane(&nodeModel, &regionModel, &live, &selection);
    pane.resize(size.value(0).toInt(), size.value(1).toInt());
    pane.show();
    MapView *map = pane.mapView();
    QCoreApplication::processEvents();

    // First fill: the models take the fleet, the map fits it and paints once.
    QElapsedTimer timer;
    timer.start();
    regionModel.setRegions(regions);
    nodeModel.setNodes(nodes);
    const double fillMs = timer.nsecsElapsed() / 1e6;
    timer.start();
    map->repaint();
    const double firstPaintMs = timer.nsecsElapsed() / 1e6;
    for (const Region &region : regions) {
        MetricsWindow window;
        window.windowEnd = QDateTime::currentDateTimeUtc();
        window.region = region.name;
        window.requestsPerSecond = random.bounded(5000.0);
        window.p50Ms = 2;
        window.p99Ms = 20;
        live.add(window);
    }

    std::printf("Map pane %dx%d (map view %dx%d), %d nodes in %d regions, platform %s\n\n", pane.width(), pane.height(),
                map->width(), map->height(), nodeCount, regionCount, qPrintable(QGuiApplication::platformName()));
    std::printf("| scenario | frames | median ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|\n");
    std::printf("| first fill (models take the fleet, aggregation) | 1 | %.2f | | |\n", fillMs);
    std::printf("| first paint (land, markers, labels) | 1 | %.2f | | |\n", firstPaintMs);

    const QPointF middle(map->width() / 2.0, map->height() / 2.0);
    row("pan, world view (drag by 7 px a frame)", measure(map, frames, [&](int i) {
        map->panBy(QPointF(i % 60 < 30 ? 7 : -7, i % 40 < 20 ? 3 : -3));
    }));
    row("zoom in and out, world to 6x (wheel steps of 1.1x)", measure(map, frames, [&](int i) {
        map->zoomAt(middle, (i / 20) % 2 == 0 ? 1.1 : 1 / 1.1);
    }));
    // A jump beyond the cached margin draws the land anew: the full cost of the outline,
    // as in the frame after a zoom settles.
    map->fitFleet();
    map->zoomAt(middle, 2);
    row("land re-rendered (jumps of a view width; also the frame after a zoom settles)",
        measure(map, 40, [&](int i) { map->panBy(QPointF(i % 2 ? map->width() : -map->width(), 0)); }));
    row("repaint, view unchanged (hover, metrics)", measure(map, frames, [&](int) { map->update(); }));
    row("a node changes status each frame", measure(map, frames, [&](int i) {
        Node node = nodes.at((i * 37) % nodeCount);
        node.status = i % 2 ? NodeStatus::Ready : NodeStatus::Unreachable;
        nodeModel.applyChange({NodeChange::Kind::Updated, node});
    }));
    // Zoomed in on one region: it is spread into its sites and nodes.
    map->fitFleet();
    const QPointF region = *map->regionPosition(regions.first().name);
    while (!map->frame().isSpread())
        map->zoomAt(region, 1.25);
    map->repaint();
    const int dots = int(map->frame().dots().size());
    row(qPrintable(QStringLiteral("pan, zoomed in, regions spread into nodes (%1 node dots in view)").arg(dots)),
        measure(map, frames, [&](int i) { map->panBy(QPointF(i % 60 < 30 ? 9 : -9, i % 40 < 20 ? 4 : -4)); }));
    row("zoom across the spread threshold and back", measure(map, frames, [&](int i) {
        map->zoomAt(region, (i / 10) % 2 == 0 ? 1 / 1.15 : 1.15);
    }));
    if (parser.isSet(grabOption)) {
        // Pictures of what was measured: the fleet fitted, one region selected and hovered,
        // and zoomed in until regions spread into nodes.
        const QString dir = parser.value(grabOption);
        map->fitFleet();
        selection.selectRegion(regions.first().name);
        const QPointF at = *map->regionPosition(regions.first().name);
        QMouseEvent move(QEvent::MouseMove, at, map->mapToGlobal(at), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(map, &move);
        pane.grab().save(dir + QStringLiteral("/map-fleet.png"));
        while (!map->frame().isSpread())
            map->zoomAt(at, 1.25);
        map->zoomAt(at, 1.25);
        QEventLoop settle; // the land is drawn sharp again once a zoom rests
        QTimer::singleShot(300, &settle, &QEventLoop::quit);
        settle.exec();
        QCoreApplication::sendEvent(map, &move);
        pane.grab().save(dir + QStringLiteral("/map-spread.png"));
    }
    return 0;
}
