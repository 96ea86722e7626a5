// keel-console-fleet-bench: the console's fleet table and charts under a large fleet.
// Fills the real models (NodeTableModel, RegionListModel, LiveMetrics) with N nodes in
// R regions and times, on the real widgets: the first paint of the Fleet pane after the
// list arrives, sorting and filtering the table, a burst of live metrics windows reaching
// the table, and a chart update with 50 series. Prints a Markdown table.
// With --server URL --token TOKEN it measures the console's client path against a running
// control plane instead (connectedbench.cpp).
#include "benchstats.h"
#include "connectedbench.h"
#include "keelclient.h"
#include "metrics/livemetrics.h"
#include "metrics/timeserieschart.h"
#include "nodes/nodespane.h"
#include "nodes/nodetablemodel.h"
#include "regions/regionlistmodel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSortFilterProxyModel>
#include <QTableView>

#include <algorithm>
#include <cstdio>

using namespace Keel;
using namespace KeelBench;

namespace {

QList<Node> makeFleet(int nodes, int regions, QList<Region> *regionList)
{
    QRandomGenerator random(42);
    for (int r = 0; r < regions; ++r) {
        Region region;
        region.name = QStringLiteral("region-%1").arg(r, 2, 10, QLatin1Char('0'));
        region.jurisdiction = QStringList{QStringLiteral("EU"), QStringLiteral("US"), QStringLiteral("IN"), QStringLiteral("BR")}.at(r % 4);
        region.latitude = -40 + random.bounded(100);
        region.longitude = -170 + random.bounded(340);
        region.sites = {region.name + QStringLiteral("-a"), region.name + QStringLiteral("-b")};
        regionList->append(region);
    }
    QList<Node> list;
    for (int i = 0; i < nodes; ++i) {
        const Region &region = regionList->at(i % regions);
        Node n;
        n.name = QStringLiteral("edge-%1").arg(i, 5, 10, QLatin1Char('0'));
        n.region = region.name;
        n.site = region.sites.at(i % 2);
        n.jurisdiction = region.jurisdiction;
        n.status = i % 20 == 0 ? NodeStatus::Unreachable : NodeStatus::Ready;
        n.agentVersion = QStringLiteral("0.1.0");
        n.lastSeen = QDateTime::currentDateTimeUtc().addSecs(-random.bounded(600));
        n.desiredGeneration = 7;
        n.ackedGeneration = i % 50 == 0 ? 6 : 7;
        n.labels = {{QStringLiteral("tier"), QStringLiteral("edge")}};
        n.components = {{QStringLiteral("hello"), QStringLiteral("1.0.0"), ComponentStatus::State::Running, RuntimeTier::Aot, {}},
                        {QStringLiteral("hash"), QStringLiteral("1.2.0"), ComponentStatus::State::Running, RuntimeTier::Aot, {}}};
        list.append(n);
    }
    return list;
}

MetricsWindow nodeWindow(const Node &n, QRandomGenerator &random)
{
    MetricsWindow w;
    w.windowEnd = QDateTime::currentDateTimeUtc();
    w.node = n.name;
    w.region = n.region;
    w.requestsPerSecond = random.bounded(500.0);
    w.p50Ms = 0.5 + random.bounded(2.0);
    w.p95Ms = w.p50Ms * 3;
    w.p99Ms = w.p50Ms * 5;
    w.rssBytes = quint64(8 + random.bounded(12)) << 20;
    return w;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption nodesOption(QStringLiteral("nodes"), QStringLiteral("Nodes (default 10000)."), QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption regionsOption(QStringLiteral("regions"), QStringLiteral("Regions (default 40)."), QStringLiteral("N"), QStringLiteral("40"));
    // Connected mode: the console's client path against a running control plane.
    const QCommandLineOption serverOption(QStringLiteral("server"),
                                          QStringLiteral("Measure against this control plane (ws://HOST:PORT) instead of a synthetic fleet."),
                                          QStringLiteral("URL"));
    const QCommandLineOption tokenOption(QStringLiteral("token"), QStringLiteral("Operator token (with --server)."), QStringLiteral("TOKEN"));
    const QCommandLineOption caOption(QStringLiteral("ca"), QStringLiteral("For wss://: trust this CA certificate (PEM)."), QStringLiteral("FILE"));
    const QCommandLineOption expectOption(QStringLiteral("expect"),
                                          QStringLiteral("With --server: wait until this many nodes are listed (default: the first list)."),
                                          QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption streamOption(QStringLiteral("stream-seconds"),
                                          QStringLiteral("With --server: seconds of frames measured while metrics flow (default 10)."),
                                          QStringLiteral("S"), QStringLiteral("10"));
    parser.addOptions({nodesOption, regionsOption, serverOption, tokenOption, caOption, expectOption, streamOption});
    parser.addHelpOption();
    parser.process(app);
    if (parser.isSet(serverOption)) {
        ConnectedOptions options;
        options.server = KeelClient::normalizeServer(parser.value(serverOption));
        options.token = parser.value(tokenOption);
        options.caFile = parser.value(caOption);
        options.expectNodes = std::max(0, parser.value(expectOption).toInt());
        options.streamSeconds = std::max(2, parser.value(streamOption).toInt());
        if (!options.server.isValid() || options.token.isEmpty()) {
            std::fprintf(stderr, "keel-console-fleet-bench: --server needs ws://HOST:PORT and --token\n");
            return 2;
        }
        return runConnected(options);
    }
    const int nodeCount = std::max(1, parser.value(nodesOption).toInt());
    const int regionCount = std::max(1, parser.value(regionsOption).toInt());

    QList<Region> regionList;
    const QList<Node> fleet = makeFleet(nodeCount, regionCount, &regionList);
    QRandomGenerator random(7);

    NodeTableModel nodes;
    RegionListModel regions;
    LiveMetrics live;
    nodes.setLiveMetrics(&live);
    NodesPane pane(&nodes, &regions);
    pane.resize(1400, 820);
    pane.show();
    QApplication::processEvents();

    // First paint: the list arrives (models filled), then the pane paints once.
    QElapsedTimer timer;
    timer.start();
    regions.setRegions(regionList);
    nodes.setNodes(fleet);
    for (const Node &n : fleet)
        live.add(nodeWindow(n, random));
    nodes.flushLiveUpdates();
    QApplication::processEvents();
    pane.repaint();
    const double firstPaint = since(timer);

    // Sorting and filtering through the view's proxy, as a click on a header does.
    QTableView *view = pane.view();
    auto *proxy = qobject_cast<QSortFilterProxyModel *>(view->model());
    QList<double> sorts;
    const int columns[] = {NodeTableModel::NameColumn, NodeTableModel::StatusColumn, NodeTableModel::RequestsColumn,
                           NodeTableModel::P99Column, NodeTableModel::LastSeenColumn, NodeTableModel::RegionColumn};
    for (int round = 0; round < 3; ++round) {
        for (int column : columns) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                timer.restart();
                view->sortByColumn(column, order);
                view->repaint();
                sorts.append(since(timer));
            }
        }
    }
    QList<double> filters;
    for (const QString &text : {QStringLiteral("region-1"), QStringLiteral("edge-0999"), QStringLiteral("unreachable"), QString(),
                                QStringLiteral("hash@1.2.0"), QString()}) {
        timer.restart();
        proxy->setFilterFixedString(text);
        view->repaint();
        filters.append(since(timer));
    }

    // A second of live metrics: every node's report (one window each), then a repaint.
    view->sortByColumn(NodeTableModel::RequestsColumn, Qt::DescendingOrder);
    QList<double> liveUpdates;
    for (int round = 0; round < 5; ++round) {
        timer.restart();
        for (const Node &n : fleet)
            live.add(nodeWindow(n, random));
        nodes.flushLiveUpdates(); // the batch the model announces a quarter second later
        QApplication::processEvents();
        view->repaint();
        liveUpdates.append(since(timer));
    }

    // Charts: 50 series, 5 minutes of 2-second points, then one point per series per update.
    TimeSeriesChart chart(QStringLiteral("Request rate"), QStringLiteral("req/s"));
    chart.resize(900, 500);
    chart.show();
    QDateTime now = QDateTime::currentDateTimeUtc();
    chart.setClockForTest([&now] { return now; });
    chart.setRange(std::chrono::minutes(5));
    for (int s = 0; s < 150; ++s) {
        for (int series = 0; series < 50; ++series)
            chart.append(QStringLiteral("series %1").arg(series), now.addSecs(-300 + s * 2), random.bounded(100.0));
    }
    QApplication::processEvents();
    QList<double> chartUpdates;
    for (int tick = 0; tick < 60; ++tick) {
        now = now.addSecs(1);
        timer.restart();
        for (int series = 0; series < 50; ++series)
            chart.append(QStringLiteral("series %1").arg(series), now, random.bounded(100.0));
        chart.advance();
        chart.repaint();
        chartUpdates.append(since(timer));
    }

    std::printf("%d nodes in %d regions, Fleet pane 1400×820, chart 900×500.\n\n", nodeCount, regionCount);
    header();
    row("first paint: list of every node applied, live readings in, pane painted", Stats{firstPaint, firstPaint, firstPaint}, "≤ 1000");
    row("sort the table by a column (6 columns × 2 orders × 3 rounds), repainted", stats(sorts), "≤ 100");
    row("filter the table by text (6 filters), repainted", stats(filters), "—");
    row("one report from every node (one window each) reaching the table, repainted", stats(liveUpdates), "—");
    row("chart: one point on each of 50 series, trim, rescale, repaint", stats(chartUpdates), "≤ 16");
    return 0;
}
