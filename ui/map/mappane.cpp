#include "mappane.h"

#include "common/stalebanner.h"

#include "common/colordotdelegate.h"
#include "fleet/fleetselection.h"
#include "mapframe.h"
#include "mapview.h"
#include "metrics/livemetrics.h"
#include "nodes/nodetablemodel.h"
#include "regionhealthmodel.h"
#include "regionnodesproxy.h"
#include "regionrollouts.h"
#include "regionviolations.h"
#include "regions/regionlistmodel.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace Keel {

namespace {

// The legend: each state as a coloured disc and its word.
QString legendText()
{
    using Health = RegionHealthModel::Health;
    QStringList parts;
    for (Health health : {Health::Ready, Health::Degraded, Health::Down, Health::NoNodes}) {
        parts.append(QStringLiteral("<span style=\"color:%1\">&#9679;</span>&nbsp;%2")
                         .arg(RegionHealthModel::healthColor(health).name(), RegionHealthModel::healthText(health)));
    }
    return MapPane::tr("Regions: %1 · circle area: node count · &#8635; ring: a rollout's wave at work · "
                       "shading: jurisdictions")
        .arg(parts.join(QStringLiteral("&nbsp;&nbsp; ")));
}

} // namespace

MapPane::MapPane(NodeTableModel *nodes, RegionListModel *regions, LiveMetrics *live, FleetSelection *selection,
                 QWidget *parent)
    : QWidget(parent)
    , m_nodes(nodes)
    , m_live(live)
    , m_selection(selection)
    , m_health(new RegionHealthModel(regions, nodes, this))
    , m_regionNodes(new RegionNodesProxy(this))
    , m_map(new MapView(m_health, live, this))
    , m_staleBanner(new StaleBanner(this))
    , m_regionTitle(new QLabel(this))
    , m_regionSummary(new QLabel(this))
    , m_nodeList(new QTableView(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
{
    setObjectName(QStringLiteral("mapPane"));

    auto *toolBar = new QToolBar(this);
    toolBar->setObjectName(QStringLiteral("mapToolBar"));
    toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto addMapAction = [&](const QString &name, const QString &text, const QKeySequence &shortcut, auto slot) {
        QAction *action = toolBar->addAction(text);
        action->setObjectName(name);
        action->setShortcut(shortcut);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        action->setToolTip(QStringLiteral("%1 (%2)").arg(text, shortcut.toString(QKeySequence::NativeText)));
        connect(action, &QAction::triggered, m_map, slot);
        this->addAction(action);
        return action;
    };
    addMapAction(QStringLiteral("zoomIn"), tr("Zoom in"), QKeySequence::ZoomIn, &MapView::zoomIn);
    addMapAction(QStringLiteral("zoomOut"), tr("Zoom out"), QKeySequence::ZoomOut, &MapView::zoomOut);
    addMapAction(QStringLiteral("fitFleet"), tr("Fit fleet"), QKeySequence(Qt::CTRL | Qt::Key_0), &MapView::fitFleet);
    auto *legend = new QLabel(legendText(), toolBar);
    legend->setObjectName(QStringLiteral("mapLegend"));
    legend->setContentsMargins(16, 0, 8, 0);
    toolBar->addWidget(legend);

    m_staleBanner->setObjectName(QStringLiteral("mapStaleBanner"));

    // The side panel: the selected region, its sites and nodes.
    m_regionNodes->setSourceModel(nodes);
    m_regionTitle->setObjectName(QStringLiteral("regionTitle"));
    QFont titleFont = m_regionTitle->font();
    titleFont.setBold(true);
    m_regionTitle->setFont(titleFont);
    m_regionSummary->setObjectName(QStringLiteral("regionSummary"));
    m_regionSummary->setWordWrap(true);
    m_regionSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_nodeList->setObjectName(QStringLiteral("regionNodes"));
    m_nodeList->setModel(m_regionNodes);
    m_nodeList->setItemDelegate(new ColorDotDelegate(m_nodeList));
    m_nodeList->setSortingEnabled(true);
    m_nodeList->sortByColumn(1, Qt::AscendingOrder); // the site column: nodes grouped by site
    m_nodeList->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_nodeList->setSelectionMode(QAbstractItemView::SingleSelection);
    m_nodeList->setAlternatingRowColors(true);
    m_nodeList->setShowGrid(false);
    m_nodeList->setWordWrap(false);
    m_nodeList->verticalHeader()->hide();
    m_nodeList->verticalHeader()->setDefaultSectionSize(m_nodeList->fontMetrics().height() + 8);
    m_nodeList->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_nodeList->horizontalHeader()->setStretchLastSection(true);
    m_nodeList->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);

    auto *panel = new QWidget(this);
    panel->setObjectName(QStringLiteral("regionPanel"));
    auto *panelLayout = new QVBoxLayout(panel);
    panelLayout->setContentsMargins(6, 0, 0, 0);
    panelLayout->addWidget(m_regionTitle);
    panelLayout->addWidget(m_regionSummary);
    panelLayout->addWidget(m_nodeList, 1);

    m_splitter->setObjectName(QStringLiteral("mapSplitter"));
    m_splitter->addWidget(m_map);
    m_splitter->addWidget(panel);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setSizes({900, 300});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 8);
    layout->setSpacing(4);
    layout->addWidget(toolBar);
    layout->addWidget(m_staleBanner);
    layout->addWidget(m_splitter, 1);

    // Map and list to the selection...
    connect(m_map, &MapView::regionClicked, selection, &FleetSelection::selectRegion);
    connect(m_map, &MapView::backgroundClicked, selection, [selection] { selection->selectRegion({}); });
    connect(m_map, &MapView::nodeClicked, selection, &FleetSelection::selectNode);
    connect(m_map, &MapView::nodeActivated, selection, &FleetSelection::openNode);
    connect(m_nodeList->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    m_selection->selectNode(m_regionNodes->nodeAt(current.row()), m_regionNodes->region());
            });
    connect(m_nodeList, &QAbstractItemView::activated, this,
            [this](const QModelIndex &index) { m_selection->openNode(m_regionNodes->nodeAt(index.row())); });
    // ...and back.
    connect(selection, &FleetSelection::regionSelected, this, &MapPane::showRegion);
    connect(selection, &FleetSelection::nodeSelected, this, &MapPane::followNode);

    connect(m_health, &QAbstractItemModel::dataChanged, this, &MapPane::updateRegionSummary);
    connect(m_health, &QAbstractItemModel::modelReset, this, &MapPane::updateRegionSummary);
    connect(live, &LiveMetrics::regionUpdated, this, [this](const QString &region) {
        if (region == m_regionNodes->region())
            updateRegionSummary();
    });

    setFocusProxy(m_map);
    showRegion(selection->region());
    followNode(selection->node());
}

void MapPane::setRollouts(RolloutListModel *rollouts)
{
    delete m_rollouts;
    m_rollouts = new RegionRollouts(rollouts, this);
    m_map->setRollouts(m_rollouts);
    connect(m_rollouts, &RegionRollouts::changed, this, &MapPane::updateRegionSummary);
}

void MapPane::setViolations(ViolationListModel *violations)
{
    delete m_violations;
    m_violations = new RegionViolations(violations, this);
    m_map->setViolations(m_violations);
    connect(m_violations, &RegionViolations::changed, this, &MapPane::updateRegionSummary);
}

void MapPane::setStale(bool stale)
{
    m_staleBanner->setVisible(stale);
}

void MapPane::showRegion(const QString &region)
{
    m_map->setSelectedRegion(region);
    m_regionNodes->setRegion(region);
    updateRegionSummary();
}

void MapPane::followNode(const QString &node)
{
    m_map->setSelectedNode(node);
    if (node.isEmpty()) {
        m_nodeList->clearSelection();
        return;
    }
    // A node selected elsewhere (the fleet table) brings its region along.
    const int sourceRow = m_nodes->rowOf(node);
    if (sourceRow >= 0) {
        const QString region = m_nodes->nodeAt(sourceRow).region;
        if (region != m_selection->region())
            m_selection->selectNode(node, region);
    }
    const int row = m_regionNodes->rowOfNode(node);
    if (row >= 0)
        m_nodeList->setCurrentIndex(m_regionNodes->index(row, 0));
}

void MapPane::updateRegionSummary()
{
    const QString region = m_regionNodes->region();
    const int row = m_health->rowOf(region);
    if (row < 0) {
        m_regionTitle->setText(tr("No region selected"));
        m_regionSummary->setText(tr("Click a region on the map to list its sites and nodes."));
        return;
    }
    const Region &r = m_health->regionAt(row);
    const RegionHealthModel::Counts c = m_health->counts(region);
    m_regionTitle->setText(r.jurisdiction.isEmpty() ? r.name : tr("%1 · %2").arg(r.name, r.jurisdiction));
    const QString sites = r.sites.isEmpty() ? tr("no sites") : tr("Sites: %1").arg(r.sites.join(QStringLiteral(", ")));
    QString summary = tr("%1 — %2/%3 nodes ready (%4)\n%5")
                          .arg(RegionHealthModel::healthText(RegionHealthModel::healthOf(c)))
                          .arg(c.ready)
                          .arg(c.total)
                          .arg(MapFrame::rateText(m_live->region(region).requestsPerSecond), sites);
    if (const auto mark = m_rollouts ? m_rollouts->mark(region) : std::nullopt)
        summary += tr("\nRollout %1: %2").arg(mark->rollout, mark->text());
    if (const auto mark = m_violations ? m_violations->region(region) : std::nullopt)
        summary += tr("\nResidency: %1 (%2; rule %3)")
                       .arg(mark->text(), mark->components.join(QStringLiteral(", ")), mark->rules.join(QStringLiteral(", ")));
    m_regionSummary->setText(summary);
}

} // namespace Keel
