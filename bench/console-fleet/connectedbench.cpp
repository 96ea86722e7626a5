#include "connectedbench.h"

#include "benchstats.h"
#include "fleet/fleetfeed.h"
#include "fleet/fleetselection.h"
#include "keelclient.h"
#include "map/mappane.h"
#include "map/mapview.h"
#include "metrics/livemetrics.h"
#include "nodes/nodespane.h"
#include "nodes/nodetablemodel.h"
#include "regions/regionlistmodel.h"

#include <QApplication>
#include <QEventLoop>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>

#include <cstdio>
#include <functional>

using namespace Keel;

namespace KeelBench {

namespace {

constexpr int kFrameMs = 16;

// Runs the event loop until `done` holds (checked after every event batch, at most every
// 10 ms) or the deadline passes; false on the deadline.
bool waitUntil(const std::function<bool()> &done, const QDeadlineTimer &deadline)
{
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QApplication::processEvents(QEventLoop::WaitForMoreEvents, 10);
    }
    return true;
}

struct StreamSample
{
    QList<double> frames;   // ms to paint one frame of the pane
    QList<double> lateness; // ms a 16 ms timer fired after it was due
    double windowsPerSecond = 0;
    double nodeWindowsPerSecond = 0;
};

// For `seconds`, a 16 ms single-shot timer is armed again after each frame; when it fires
// its lateness is taken (the event loop was busy with the stream), then `paint` is timed.
StreamSample sampleStream(int seconds, const quint64 &windows, const quint64 &nodeWindows, const std::function<void()> &paint)
{
    StreamSample sample;
    QEventLoop loop;
    QTimer tick;
    tick.setSingleShot(true);
    tick.setTimerType(Qt::PreciseTimer);
    QElapsedTimer armed, total;
    const quint64 windows0 = windows, nodeWindows0 = nodeWindows;
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        sample.lateness.append(std::max(0.0, since(armed) - kFrameMs));
        QElapsedTimer frame;
        frame.start();
        paint();
        sample.frames.append(since(frame));
        if (total.elapsed() >= seconds * 1000) {
            loop.quit();
            return;
        }
        armed.start();
        tick.start(kFrameMs);
    });
    total.start();
    armed.start();
    tick.start(kFrameMs);
    loop.exec();
    const double elapsed = std::max(0.001, total.elapsed() / 1000.0);
    sample.windowsPerSecond = double(windows - windows0) / elapsed;
    sample.nodeWindowsPerSecond = double(nodeWindows - nodeWindows0) / elapsed;
    return sample;
}

} // namespace

int runConnected(const ConnectedOptions &options)
{
    KeelClient client;
    if (!options.caFile.isEmpty()) {
        const QList<QSslCertificate> ca = QSslCertificate::fromPath(options.caFile);
        if (ca.isEmpty()) {
            std::fprintf(stderr, "keel-console-fleet-bench: --ca %s: no PEM certificate in it\n", qPrintable(options.caFile));
            return 2;
        }
        client.setCaCertificates(ca);
    }
    // Wired as keel-console wires them (app/console/main.cpp).
    NodeTableModel nodes;
    RegionListModel regions;
    FleetFeed feed(&client, &nodes, &regions);
    LiveMetrics live;
    QObject::connect(&client, &KeelClient::metricsWindow, &live, &LiveMetrics::add);
    nodes.setLiveMetrics(&live);
    QObject::connect(&feed, &FleetFeed::staleChanged, &nodes, &NodeTableModel::setStale);
    FleetSelection selection;
    NodesPane fleetPane(&nodes, &regions);
    fleetPane.setSelection(&selection);
    fleetPane.resize(1400, 820);
    MapPane mapPane(&nodes, &regions, &live, &selection);
    mapPane.resize(1400, 820);
    quint64 windows = 0, nodeWindows = 0;
    QObject::connect(&client, &KeelClient::metricsWindow, &client, [&](const MetricsWindow &w) {
        ++windows;
        nodeWindows += !w.node.isEmpty() && w.component.isEmpty();
    });
    bool regionsListed = false;
    QObject::connect(&regions, &QAbstractItemModel::modelReset, &regions, [&] { regionsListed = true; });
    double connectedMs = -1;
    QElapsedTimer timer;
    QObject::connect(&client, &KeelClient::connected, &client, [&] {
        if (connectedMs < 0)
            connectedMs = since(timer);
    });
    fleetPane.show(); // the pane an operator opens to see the fleet; the map is shown after it
    QApplication::processEvents();

    // First paint: from opening the connection to the Fleet pane painted with every node,
    // then the Map pane with every region.
    const QDeadlineTimer deadline(std::chrono::seconds(options.timeoutSeconds));
    timer.start();
    feed.start(options.server, options.token);
    const bool listed = waitUntil(
        [&] {
            return feed.phase() == FleetFeed::Phase::Live && regionsListed && nodes.nodeCount() > 0
                   && nodes.nodeCount() >= options.expectNodes;
        },
        deadline);
    if (!listed) {
        std::fprintf(stderr, "keel-console-fleet-bench: %d of %d nodes listed from %s after %d s (%s)\n", nodes.nodeCount(),
                     options.expectNodes, qPrintable(options.server.toString()), options.timeoutSeconds,
                     qPrintable(feed.lastError().isEmpty() ? QStringLiteral("no error") : feed.lastError()));
        return 1;
    }
    const double listedMs = since(timer);
    QApplication::processEvents(); // what the event loop does before it paints (column widths)
    fleetPane.repaint();
    const double fleetPaintMs = since(timer);
    mapPane.show();
    mapPane.repaint();
    const double mapPaintMs = since(timer);
    mapPane.hide();

    // Sorting through the pane's proxy as a header click does, by every column, while the
    // stream flows (it is taken between sorts).
    QTableView *view = fleetPane.view();
    QList<double> sorts;
    double worstMs = 0;
    int worstColumn = 0;
    for (int round = 0; round < 3; ++round) {
        for (int column = 0; column < NodeTableModel::ColumnCount; ++column) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                QApplication::processEvents();
                timer.restart();
                view->sortByColumn(column, order);
                view->repaint();
                const double ms = since(timer);
                sorts.append(ms);
                if (ms > worstMs) {
                    worstMs = ms;
                    worstColumn = column;
                }
            }
        }
    }

    // Frames while the whole fleet's metrics flow in: the map, then the table sorted by a
    // live column (each flush of live numbers re-sorts it).
    const int half = std::max(1, options.streamSeconds / 2);
    fleetPane.hide();
    mapPane.show();
    MapView *map = mapPane.mapView();
    const StreamSample onMap = sampleStream(half, windows, nodeWindows, [map] { map->repaint(); });
    mapPane.hide();
    fleetPane.show();
    view->sortByColumn(NodeTableModel::RequestsColumn, Qt::DescendingOrder);
    const StreamSample onTable = sampleStream(half, windows, nodeWindows, [view] { view->viewport()->repaint(); });
    QList<double> lateness = onMap.lateness + onTable.lateness;

    const QString worst = nodes.headerData(worstColumn, Qt::Horizontal).toString();
    std::printf("Connected to %s: %d nodes in %d regions listed; metrics stream %.0f windows/s (%.0f node windows/s) "
                "while frames were measured (%d s on the map, %d s on the table); Fleet and Map panes 1400×820, platform %s.\n\n",
                qPrintable(options.server.toString()), nodes.nodeCount(), regions.regionCount(),
                (onMap.windowsPerSecond + onTable.windowsPerSecond) / 2, (onMap.nodeWindowsPerSecond + onTable.nodeWindowsPerSecond) / 2,
                half, half, qPrintable(QGuiApplication::platformName()));
    header();
    row("connect → connected (socket, upgrade, token)", once(connectedMs), "—");
    row("connect → every node and region listed into the models", once(listedMs), "—");
    row("connect → Fleet pane painted with every node", once(fleetPaintMs), "—");
    row("connect → Map pane painted with every region (after the Fleet pane)", once(mapPaintMs), "—");
    row(qPrintable(QStringLiteral("sort the table by a column (%1 columns × 2 orders × 3 rounds), repainted; slowest: %2")
                       .arg(int(NodeTableModel::ColumnCount))
                       .arg(worst)),
        stats(sorts), "≤ 100");
    row("map frame while the metrics stream flows (repaint)", stats(onMap.frames), "≤ 16 median");
    row("table frame while the stream flows, sorted by req/s (repaint)", stats(onTable.frames), "≤ 16 median");
    row("event-loop latency while the stream flows: how late a 16 ms timer fires", stats(lateness), "—");
    return 0;
}

} // namespace KeelBench
