#include "metricspane.h"

#include "common/chartpalette.h"

#include "keelclient.h"
#include "metrics/livemetrics.h"
#include "nodes/nodetablemodel.h"
#include "regions/regionlistmodel.h"
#include "timeserieschart.h"

#include <QAction>
#include <QButtonGroup>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QToolButton>

#include <algorithm>

namespace Keel {

namespace {

double errorPercent(const MetricsWindow &w)
{
    return w.requestsPerSecond > 0 ? 100.0 * w.errorsPerSecond / w.requestsPerSecond : 0.0;
}

} // namespace

MetricsPane::MetricsPane(KeelClient *client, LiveMetrics *live, NodeTableModel *nodes, RegionListModel *regions,
                         QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_live(live)
    , m_nodes(nodes)
    , m_regions(regions)
    , m_componentBox(new QComboBox(this))
    , m_scopeBox(new QComboBox(this))
    , m_ranges(new QButtonGroup(this))
    , m_status(new QLabel(this))
    , m_latency(new TimeSeriesChart(tr("Latency"), tr("ms"), this))
    , m_rate(new TimeSeriesChart(tr("Request rate"), tr("req/s"), this))
    , m_errors(new TimeSeriesChart(tr("Error rate"), tr("%"), this))
    , m_memory(new TimeSeriesChart(tr("Memory (RSS) per node"), tr("MiB"), this))
    , m_choicesTimer(new QTimer(this))
{
    m_componentBox->setObjectName(QStringLiteral("metricsComponent"));
    m_scopeBox->setObjectName(QStringLiteral("metricsScope"));
    m_status->setObjectName(QStringLiteral("metricsStatus"));
    m_latency->setObjectName(QStringLiteral("latencyChart"));
    m_rate->setObjectName(QStringLiteral("rateChart"));
    m_errors->setObjectName(QStringLiteral("errorChart"));
    m_memory->setObjectName(QStringLiteral("memoryChart"));
    m_componentBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_scopeBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_componentBox->setToolTip(tr("Which component's requests; \"All components\" merges them"));
    m_scopeBox->setToolTip(tr("The whole fleet (one line per region in the rate charts), a region or a node"));
    m_latency->setEmptyText(tr("No requests in this range yet"));
    m_rate->setEmptyText(tr("No requests in this range yet"));
    m_errors->setEmptyText(tr("No requests in this range yet"));
    m_memory->setEmptyText(tr("No memory reports from these nodes yet"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Component:"), this));
    bar->addWidget(m_componentBox);
    bar->addSpacing(12);
    bar->addWidget(new QLabel(tr("Scope:"), this));
    bar->addWidget(m_scopeBox);
    bar->addSpacing(12);
    const std::pair<QString, std::chrono::seconds> ranges[] = {
        {tr("5 min"), std::chrono::minutes(5)}, {tr("1 h"), std::chrono::hours(1)}, {tr("24 h"), std::chrono::hours(24)}};
    for (const auto &[text, range] : ranges) {
        auto *button = new QToolButton(this);
        button->setText(text);
        button->setCheckable(true);
        button->setAutoRaise(true);
        button->setObjectName(QStringLiteral("range") + QString::number(range.count()));
        button->setToolTip(tr("Show the last %1").arg(text));
        m_ranges->addButton(button, int(range.count()));
        bar->addWidget(button);
        const std::chrono::seconds r = range;
        connect(button, &QToolButton::clicked, this, [this, r] { setRange(r); });
    }
    m_ranges->button(int(m_range.count()))->setChecked(true);
    bar->addSpacing(12);
    bar->addWidget(m_status, 1);

    auto *grid = new QGridLayout;
    grid->setSpacing(6);
    grid->addWidget(m_latency, 0, 0);
    grid->addWidget(m_rate, 0, 1);
    grid->addWidget(m_errors, 1, 0);
    grid->addWidget(m_memory, 1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addLayout(grid, 1);

    m_componentBox->addItem(tr("All components"), QString());
    m_scopeBox->addItem(tr("Fleet"), QStringList{QString(), QString()});
    connect(m_componentBox, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updatingChoices)
            showComponent(m_componentBox->currentData().toString());
    });
    connect(m_scopeBox, &QComboBox::currentIndexChanged, this, [this] {
        if (m_updatingChoices)
            return;
        const QStringList scope = m_scopeBox->currentData().toStringList();
        showScope(scope.value(0), scope.value(1));
    });

    // The lists of components and regions follow the fleet, at most a few times a second.
    m_choicesTimer->setSingleShot(true);
    m_choicesTimer->setInterval(300);
    connect(m_choicesTimer, &QTimer::timeout, this, &MetricsPane::refreshChoices);
    const auto later = [this] { m_choicesTimer->start(); };
    for (QAbstractItemModel *model : {static_cast<QAbstractItemModel *>(nodes), static_cast<QAbstractItemModel *>(regions)}) {
        connect(model, &QAbstractItemModel::modelReset, this, later);
        connect(model, &QAbstractItemModel::rowsInserted, this, later);
    }
    connect(regions, &QAbstractItemModel::dataChanged, this, later);
    // A node's live numbers and ages change all the time and say nothing about which
    // components or nodes exist: only changes to the other columns count.
    connect(nodes, &QAbstractItemModel::dataChanged, this, [later](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
        if (NodeTableModel::touchesState(topLeft, bottomRight))
            later();
    });
    auto *refresh = new QAction(tr("Refresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(refresh, &QAction::triggered, this, &MetricsPane::reload);
    addAction(refresh);
    connect(m_live, &LiveMetrics::windowArrived, this, &MetricsPane::onWindow);
    // Back on the control plane: what was missed while away is read again.
    connect(m_client, &KeelClient::connected, this, &MetricsPane::reload);
    refreshChoices();
}

void MetricsPane::refreshChoices()
{
    m_updatingChoices = true;
    QSet<QString> names;
    for (int row = 0; row < m_nodes->nodeCount(); ++row) {
        for (const ComponentStatus &c : m_nodes->nodeAt(row).components)
            names.insert(c.name);
    }
    if (!m_component.isEmpty())
        names.insert(m_component);
    QStringList sorted(names.cbegin(), names.cend());
    sorted.sort();
    while (m_componentBox->count() > 1)
        m_componentBox->removeItem(1);
    for (const QString &name : std::as_const(sorted))
        m_componentBox->addItem(name, name);
    m_componentBox->setCurrentIndex(std::max(0, m_componentBox->findData(m_component)));

    while (m_scopeBox->count() > 1)
        m_scopeBox->removeItem(1);
    for (int row = 0; row < m_regions->regionCount(); ++row) {
        const Region &r = m_regions->regionAt(row);
        m_scopeBox->addItem(tr("Region %1 (%2)").arg(r.name, r.jurisdiction), QStringList{r.name, QString()});
    }
    if (!m_node.isEmpty())
        m_scopeBox->addItem(tr("Node %1").arg(m_node), QStringList{m_region, m_node});
    m_scopeBox->setCurrentIndex(std::max(0, m_scopeBox->findData(QStringList{m_region, m_node})));
    m_updatingChoices = false;

    // The memory chart follows the nodes in scope as they come and go; which of them are
    // the largest is chosen when the chart is read, not again with every report.
    if (memoryNodesChanged())
        reload();
}

void MetricsPane::showScope(const QString &region, const QString &node)
{
    QString r = region;
    if (!node.isEmpty() && r.isEmpty()) {
        const int row = m_nodes->rowOf(node);
        if (row >= 0)
            r = m_nodes->nodeAt(row).region;
    }
    if (r == m_region && node == m_node)
        return;
    m_region = r;
    m_node = node;
    refreshChoices();
    reload();
}

void MetricsPane::showComponent(const QString &component)
{
    if (component == m_component)
        return;
    m_component = component;
    refreshChoices();
    reload();
}

void MetricsPane::setRange(std::chrono::seconds range)
{
    if (QAbstractButton *button = m_ranges->button(int(range.count())))
        button->setChecked(true);
    if (range == m_range)
        return;
    m_range = range;
    reload();
}

QString MetricsPane::scopeName() const
{
    return !m_node.isEmpty() ? m_node : !m_region.isEmpty() ? m_region : tr("fleet");
}

QStringList MetricsPane::memoryNodes() const
{
    if (!m_node.isEmpty())
        return {m_node};
    // The nodes in scope with the most memory first, so a crowded fleet shows the biggest.
    QList<std::pair<quint64, QString>> inScope;
    for (int row = 0; row < m_nodes->nodeCount(); ++row) {
        const Node &n = m_nodes->nodeAt(row);
        if (m_region.isEmpty() || n.region == m_region)
            inScope.append({m_live->node(n.name).rssBytes, n.name});
    }
    std::sort(inScope.begin(), inScope.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    QStringList names;
    for (int i = 0; i < inScope.size() && i < kMaxMemorySeries; ++i)
        names.append(inScope.at(i).second);
    names.sort();
    return names;
}

bool MetricsPane::memoryNodesChanged() const
{
    QSet<QString> inScope;
    for (int row = 0; row < m_nodes->nodeCount(); ++row) {
        const Node &n = m_nodes->nodeAt(row);
        if (m_node.isEmpty() ? (m_region.isEmpty() || n.region == m_region) : n.name == m_node)
            inScope.insert(n.name);
    }
    // A charted node is gone, or there is room for one that joined.
    for (const QString &name : m_memoryNodes) {
        if (!inScope.contains(name))
            return true;
    }
    return m_memoryNodes.size() < kMaxMemorySeries && inScope.size() > m_memoryNodes.size();
}

void MetricsPane::setStatus(const QString &text)
{
    m_status->setText(text);
}

void MetricsPane::reload()
{
    const quint64 generation = ++m_generation;
    for (TimeSeriesChart *chart : {m_latency, m_rate, m_errors, m_memory}) {
        chart->clear();
        chart->setRange(m_range);
    }
    const QString component = m_component.isEmpty() ? tr("all components") : m_component;
    m_latency->chart()->setTitle(tr("Latency of %1 in %2").arg(component, scopeName()));
    m_rate->chart()->setTitle(tr("Request rate of %1").arg(component));
    m_errors->chart()->setTitle(tr("Error rate of %1 (errors per request)").arg(component));
    m_memoryNodes = memoryNodes();
    m_memory->chart()->setTitle(m_region.isEmpty() && m_node.isEmpty() && m_nodes->nodeCount() > kMaxMemorySeries
                                    ? tr("Memory (RSS) of the %1 largest nodes").arg(kMaxMemorySeries)
                                    : tr("Memory (RSS) per node"));
    if (m_client->state() != KeelClient::State::Connected) {
        setStatus(tr("Not connected: live points appear once connected."));
        return;
    }
    const QDateTime since = QDateTime::currentDateTimeUtc().addSecs(-m_range.count());
    const QPointer<MetricsPane> self(this);
    m_pending = 0;
    const auto ask = [&](const QString &region, const QString &node, const QString &componentName,
                         std::function<void(const MetricsWindow &)> add) {
        ++m_pending;
        m_client->queryMetrics(componentName, region, node, since,
                               [self, generation, add](const Result<QList<MetricsWindow>> &result) {
            if (!self || self->m_generation != generation)
                return; // another choice since: its own answers come
            --self->m_pending;
            if (const auto *error = std::get_if<WireError>(&result)) {
                self->setStatus(tr("Cannot read the series: %1").arg(error->message));
                return;
            }
            for (const MetricsWindow &w : std::get<QList<MetricsWindow>>(result))
                add(w);
            if (self->m_pending == 0)
                self->setStatus(tr("Live: updated as windows arrive"));
        });
    };
    setStatus(tr("Loading the last %1…").arg(m_ranges->checkedButton() ? m_ranges->checkedButton()->text() : QString()));
    ask(m_region, m_node, m_component, [this](const MetricsWindow &w) { addAggregate(w); });
    if (m_node.isEmpty() && m_region.isEmpty()) {
        for (int row = 0; row < m_regions->regionCount(); ++row)
            ask(m_regions->regionAt(row).name, {}, m_component, [this](const MetricsWindow &w) { addRegionLine(w); });
    }
    for (const QString &node : std::as_const(m_memoryNodes))
        ask({}, node, {}, [this](const MetricsWindow &w) { addMemory(w); });
}

void MetricsPane::addAggregate(const MetricsWindow &w)
{
    using Series = ChartPalette::Series;
    m_latency->append(tr("p50"), w.windowEnd, w.p50Ms, ChartPalette::series(Series::P50, palette()));
    m_latency->append(tr("p95"), w.windowEnd, w.p95Ms, ChartPalette::series(Series::P95, palette()));
    m_latency->append(tr("p99"), w.windowEnd, w.p99Ms, ChartPalette::series(Series::P99, palette()));
    const QString total = m_node.isEmpty() && m_region.isEmpty() ? tr("fleet") : scopeName();
    m_rate->append(total, w.windowEnd, w.requestsPerSecond, ChartPalette::series(Series::Total, palette()));
    m_errors->append(total, w.windowEnd, errorPercent(w), ChartPalette::series(Series::Total, palette()));
}

void MetricsPane::addRegionLine(const MetricsWindow &w)
{
    m_rate->append(w.region, w.windowEnd, w.requestsPerSecond);
    m_errors->append(w.region, w.windowEnd, errorPercent(w));
}

void MetricsPane::addMemory(const MetricsWindow &w)
{
    if (w.rssBytes > 0)
        m_memory->append(w.node, w.windowEnd, double(w.rssBytes) / (1 << 20));
}

void MetricsPane::onWindow(const MetricsWindow &w)
{
    if (!w.node.isEmpty()) {
        // A node's reading: all components merged, with its memory.
        if (m_memoryNodes.contains(w.node))
            addMemory(w);
        if (w.node == m_node && m_component.isEmpty() && w.component.isEmpty())
            addAggregate(w);
        return;
    }
    if (w.component != m_component || !m_node.isEmpty())
        return;
    if (w.region == m_region)
        addAggregate(w);
    else if (m_region.isEmpty())
        addRegionLine(w);
}

} // namespace Keel
