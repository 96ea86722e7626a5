#include "nodedetail.h"

#include "common/chartpalette.h"

#include "common/colordotdelegate.h"
#include "common/statuscolors.h"
#include "keelclient.h"
#include "metrics/livemetrics.h"
#include "metrics/timeserieschart.h"
#include "nodehistory.h"
#include "nodetablemodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace Keel {

namespace {

QString labelsText(const Labels &labels)
{
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        parts.append(it.key() + u'=' + it.value());
    return parts.join(u' ');
}

// What the node's charts show: its minutes so far, then its reports as they arrive.
constexpr std::chrono::minutes kChartRange{5};
constexpr std::chrono::seconds kMemoryRefresh{10};

QTableWidgetItem *item(const QString &text, const QColor &dot = {})
{
    auto *cell = new QTableWidgetItem(text);
    cell->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    cell->setToolTip(text);
    if (dot.isValid())
        cell->setData(Qt::DecorationRole, dot);
    return cell;
}

} // namespace

NodeDetail::NodeDetail(KeelClient *client, NodeTableModel *nodes, LiveMetrics *live, NodeHistory *history, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_nodes(nodes)
    , m_live(live)
    , m_history(history)
    , m_title(new QLabel(this))
    , m_facts(new QLabel(this))
    , m_message(new QLabel(this))
    , m_label(new QPushButton(tr("Label…"), this))
    , m_components(new QTableWidget(0, ColumnCount, this))
    , m_latency(new TimeSeriesChart(tr("Latency, all components"), tr("ms"), this))
    , m_rate(new TimeSeriesChart(tr("Request rate, all components"), tr("req/s"), this))
    , m_events(new QListWidget(this))
{
    setObjectName(QStringLiteral("nodeDetail"));
    m_components->setObjectName(QStringLiteral("nodeComponents"));
    m_events->setObjectName(QStringLiteral("nodeEvents"));
    m_events->setItemDelegate(new ColorDotDelegate(m_events));
    m_label->setObjectName(QStringLiteral("labelNode"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_facts->setWordWrap(true);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setWordWrap(true);
    m_message->hide();

    auto *metrics = new QPushButton(tr("Show in Metrics"), this);
    metrics->setToolTip(tr("Open this node's charts in the Metrics pane"));
    connect(metrics, &QPushButton::clicked, this, [this] { emit metricsRequested(m_node); });
    auto *close = new QPushButton(tr("Close"), this);
    close->setShortcut(QKeySequence(Qt::Key_Escape));
    close->setToolTip(tr("Close the detail (Esc)"));
    connect(close, &QPushButton::clicked, this, &NodeDetail::closeRequested);
    connect(m_label, &QPushButton::clicked, this, &NodeDetail::editLabels);
    setIdentity({});

    m_components->setHorizontalHeaderLabels({tr("Component"), tr("Version"), tr("Tier"), tr("State"), tr("Memory (MiB)"), tr("Error")});
    m_components->verticalHeader()->hide();
    m_components->setItemDelegate(new ColorDotDelegate(m_components));
    m_components->setShowGrid(false);
    m_components->setAlternatingRowColors(true);
    m_components->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_components->horizontalHeader()->setStretchLastSection(true);
    m_components->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_components->verticalHeader()->setDefaultSectionSize(m_components->fontMetrics().height() + 8);
    m_latency->setRange(kChartRange);
    m_rate->setRange(kChartRange);
    m_latency->setEmptyText(tr("No requests to this node in the last 5 minutes"));
    m_rate->setEmptyText(tr("No requests to this node in the last 5 minutes"));

    auto *head = new QHBoxLayout;
    head->addWidget(m_title, 1);
    head->addWidget(m_label);
    head->addWidget(metrics);
    head->addWidget(close);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_components, 1);
    auto *eventsTitle = new QLabel(tr("Recent events"), left);
    leftLayout->addWidget(eventsTitle);
    leftLayout->addWidget(m_events, 1);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(m_latency);
    split->addWidget(m_rate);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addLayout(head);
    layout->addWidget(m_facts);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);

    connect(m_nodes, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
        const int row = m_nodes->rowOf(m_node);
        if (row >= topLeft.row() && row <= bottomRight.row()
            && NodeTableModel::touchesState(topLeft, bottomRight))
            refresh();
    });
    // Memory is read from the component series: again every few seconds while shown.
    auto *memoryTimer = new QTimer(this);
    memoryTimer->setInterval(kMemoryRefresh);
    connect(memoryTimer, &QTimer::timeout, this, [this] {
        if (isVisible())
            loadMemory();
    });
    memoryTimer->start();
    connect(m_history, &NodeHistory::recorded, this, [this](const QString &node) {
        if (node == m_node)
            refreshEvents();
    });
    connect(m_live, &LiveMetrics::windowArrived, this, [this](const MetricsWindow &w) {
        if (w.node != m_node || !w.component.isEmpty())
            return;
        plot(w);
    });
}

void NodeDetail::setIdentity(const Op::Identity &identity)
{
    m_canLabel = !identity.principal.isEmpty() && identity.token.role >= Role::Operator;
    m_label->setEnabled(m_canLabel);
    m_label->setToolTip(m_canLabel ? tr("Set or remove this node's labels (selectors match them)")
                                   : tr("Labelling a node needs the operator role"));
}

void NodeDetail::showNode(const QString &name)
{
    m_message->hide();
    if (name == m_node)
        return;
    m_node = name;
    refresh();
    refreshEvents();
    loadSeries();
}

void NodeDetail::refresh()
{
    const int row = m_nodes->rowOf(m_node);
    if (row < 0) {
        m_title->setText(tr("%1 (no longer listed)").arg(m_node));
        m_facts->clear();
        m_components->setRowCount(0);
        return;
    }
    const Node &n = m_nodes->nodeAt(row);
    const bool ready = n.status == NodeStatus::Ready;
    m_title->setText(QStringLiteral("%1 — %2").arg(n.name, toText(n.status)));
    QPalette titlePalette = m_title->palette();
    titlePalette.setColor(QPalette::WindowText, ready ? palette().color(QPalette::WindowText) : StatusColors::failing());
    m_title->setPalette(titlePalette);
    QStringList facts{tr("Region %1 (%2)").arg(n.region, n.jurisdiction)};
    if (!n.site.isEmpty())
        facts.append(tr("site %1").arg(n.site));
    facts.append(tr("agent %1").arg(n.agentVersion));
    facts.append(n.ackedGeneration == n.desiredGeneration ? tr("generation %1").arg(n.desiredGeneration)
                                                           : tr("generation %1 of %2 acknowledged").arg(n.ackedGeneration).arg(n.desiredGeneration));
    if (!n.httpEndpoint.isEmpty())
        facts.append(tr("HTTP %1").arg(n.httpEndpoint));
    if (!n.labels.isEmpty())
        facts.append(tr("labels %1").arg(labelsText(n.labels)));
    const LiveMetrics::Reading r = m_live->node(n.name);
    if (r.at.isValid())
        facts.append(tr("RSS %1 MiB").arg(QLocale().toString(double(r.rssBytes) / (1 << 20), 'f', 1)));
    m_facts->setText(facts.join(QStringLiteral(" · ")));

    m_components->setRowCount(int(n.components.size()));
    for (int i = 0; i < n.components.size(); ++i) {
        const ComponentStatus &c = n.components.at(i);
        const QColor dot = c.state == ComponentStatus::State::Running ? StatusColors::healthy()
                           : c.state == ComponentStatus::State::Failed ? StatusColors::failing() : StatusColors::degraded();
        m_components->setItem(i, NameColumn, item(c.name));
        m_components->setItem(i, VersionColumn, item(c.version));
        m_components->setItem(i, TierColumn, item(c.tier ? (*c.tier == RuntimeTier::Aot ? tr("AOT") : tr("interpreter")) : tr("–")));
        m_components->setItem(i, StateColumn, item(toText(c.state), dot));
        auto *memory = item(m_memory.contains(c.name) ? QLocale().toString(double(m_memory.value(c.name)) / (1 << 20), 'f', 1)
                                                      : QStringLiteral("–"));
        memory->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        memory->setToolTip(tr("Instance memory of %1 on this node, the peak of its last minute of reports "
                              "(a WAGI component has an instance only while it serves a request)").arg(c.name));
        m_components->setItem(i, MemoryColumn, memory);
        m_components->setItem(i, ErrorColumn, item(c.error));
    }
}

void NodeDetail::refreshEvents()
{
    m_events->clear();
    const auto entries = m_history->entries(m_node);
    if (entries.isEmpty()) {
        auto *hint = new QListWidgetItem(tr("Nothing has happened to this node since the console connected."));
        hint->setFlags(Qt::NoItemFlags);
        m_events->addItem(hint);
        return;
    }
    for (const NodeHistory::Entry &e : entries) {
        auto *line = new QListWidgetItem(QStringLiteral("%1  %2").arg(e.at.toLocalTime().toString(QStringLiteral("HH:mm:ss")), e.text));
        line->setData(Qt::DecorationRole, e.bad ? StatusColors::failing() : StatusColors::inactive());
        line->setToolTip(e.at.toUTC().toString(Qt::ISODate));
        m_events->addItem(line);
    }
}

void NodeDetail::loadMemory()
{
    const int row = m_nodes->rowOf(m_node);
    if (row < 0 || m_client->state() != KeelClient::State::Connected)
        return;
    const quint64 generation = m_generation;
    const QPointer<NodeDetail> self(this);
    // Each component's own series on this node carries its instance memory.
    for (const ComponentStatus &c : m_nodes->nodeAt(row).components) {
        const QString name = c.name;
        m_client->queryMetrics(name, {}, m_node, QDateTime::currentDateTimeUtc().addSecs(-180),
                               [self, generation, name](const Result<QList<MetricsWindow>> &result) {
            if (!self || self->m_generation != generation || !std::holds_alternative<QList<MetricsWindow>>(result))
                return;
            const auto &windows = std::get<QList<MetricsWindow>>(result);
            if (windows.isEmpty())
                return; // no report of it yet: stays "–"
            self->m_memory.insert(name, windows.last().instanceMemoryBytes);
            self->refresh();
        });
    }
}

void NodeDetail::loadSeries()
{
    m_latency->clear();
    m_rate->clear();
    m_memory.clear();
    const quint64 generation = ++m_generation;
    loadMemory();
    if (m_client->state() != KeelClient::State::Connected)
        return;
    const QPointer<NodeDetail> self(this);
    m_client->queryMetrics({}, {}, m_node, QDateTime::currentDateTimeUtc().addSecs(-std::chrono::seconds(kChartRange).count()),
                           [self, generation](const Result<QList<MetricsWindow>> &result) {
        if (!self || self->m_generation != generation || !std::holds_alternative<QList<MetricsWindow>>(result))
            return;
        for (const MetricsWindow &w : std::get<QList<MetricsWindow>>(result)) {
            self->plot(w);
        }
    });
}

void NodeDetail::editLabels()
{
    const int row = m_nodes->rowOf(m_node);
    if (row < 0 || !m_canLabel)
        return;
    auto *dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Label %1").arg(m_node));
    dialog->setLabelText(tr("Labels as KEY=VALUE separated by spaces; a KEY= with no value removes it.\n"
                            "Selectors such as tier=edge match them."));
    dialog->setTextValue(labelsText(m_nodes->nodeAt(row).labels));
    const QString node = m_node;
    connect(dialog, &QInputDialog::textValueSelected, this, [this, node](const QString &text) {
        Labels set;
        QStringList remove;
        const Labels before = m_nodes->rowOf(node) >= 0 ? m_nodes->nodeAt(m_nodes->rowOf(node)).labels : Labels();
        for (const QString &part : text.split(u' ', Qt::SkipEmptyParts)) {
            const qsizetype eq = part.indexOf(u'=');
            if (eq <= 0) {
                m_message->setText(tr("\"%1\" is not KEY=VALUE: nothing was changed").arg(part));
                m_message->show();
                return;
            }
            if (eq == part.size() - 1)
                remove.append(part.left(eq));
            else
                set.insert(part.left(eq), part.mid(eq + 1));
        }
        // Labels left out of the text are removed too: the text is the whole set.
        for (auto it = before.cbegin(); it != before.cend(); ++it) {
            if (!set.contains(it.key()) && !remove.contains(it.key()))
                remove.append(it.key());
        }
        const QPointer<NodeDetail> self(this);
        m_client->labelNode(node, set, remove, [self, node](const Result<Node> &result) {
            if (!self)
                return;
            if (const auto *error = std::get_if<WireError>(&result)) {
                self->m_message->setText(tr("Cannot label %1: %2").arg(node, error->message));
                self->m_message->show();
            } else {
                self->m_message->hide();
            }
        });
    });
    dialog->open();
}

void NodeDetail::plot(const MetricsWindow &w)
{
    using Series = ChartPalette::Series;
    if (w.requestsPerSecond > 0) {
        m_latency->append(tr("p50"), w.windowEnd, w.p50Ms, ChartPalette::series(Series::P50, palette()));
        m_latency->append(tr("p99"), w.windowEnd, w.p99Ms, ChartPalette::series(Series::P99, palette()));
    }
    m_rate->append(tr("req/s"), w.windowEnd, w.requestsPerSecond, ChartPalette::series(Series::Total, palette()));
}

} // namespace Keel
