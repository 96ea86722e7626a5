#include "nodespane.h"

#include "common/colordotdelegate.h"
#include "common/stalebanner.h"
#include "nodefilterproxy.h"
#include "nodetablemodel.h"
#include "fleet/fleetselection.h"
#include "regions/regionlistmodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <chrono>

namespace Keel {

namespace {

// "Last seen" is relative; refreshing it more often than this would only burn cycles.
constexpr std::chrono::seconds kAgeRefresh{10};
constexpr int kWidthSampleRows = 100;
// Rows arriving one by one (enrollments) fit the columns again at most this often.
constexpr std::chrono::seconds kFitAfterInserts{1};

QString countOf(int n, const char *singular, const char *plural)
{
    return (n == 1 ? NodesPane::tr(singular) : NodesPane::tr(plural)).arg(n);
}

} // namespace

NodesPane::NodesPane(NodeTableModel *nodes, RegionListModel *regions, QWidget *parent)
    : QWidget(parent)
    , m_nodes(nodes)
    , m_regions(regions)
    , m_proxy(new NodeFilterProxy(this))
    , m_filter(new QLineEdit(this))
    , m_status(new QComboBox(this))
    , m_view(new QTableView(this))
    , m_summary(new QLabel(this))
    , m_staleBanner(new StaleBanner(this))
    , m_placeholder(new QLabel(m_view->viewport()))
    , m_split(new QSplitter(Qt::Vertical, this))
{
    m_proxy->setSourceModel(m_nodes);

    m_filter->setObjectName(QStringLiteral("nodeFilter"));
    m_filter->setPlaceholderText(tr("Filter by name, region, site, status, label…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_status->addItem(tr("All statuses"), -1);
    m_status->addItem(tr("Ready"), int(NodeStatus::Ready));
    m_status->addItem(tr("Unreachable"), int(NodeStatus::Unreachable));
    connect(m_status, &QComboBox::currentIndexChanged, this, [this] {
        const int status = m_status->currentData().toInt();
        m_proxy->setStatusFilter(status < 0 ? std::nullopt : std::optional<NodeStatus>(NodeStatus(status)));
        updatePlaceholder();
    });

    m_summary->setObjectName(QStringLiteral("nodeSummary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_staleBanner->setObjectName(QStringLiteral("staleBanner"));

    m_view->setObjectName(QStringLiteral("nodeTable"));
    m_view->setModel(m_proxy);
    m_view->setItemDelegate(new ColorDotDelegate(m_view));
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(NodeTableModel::NameColumn, Qt::AscendingOrder);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    // Compact rows: an operator scans many nodes at once.
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    // Columns fit their contents when rows are listed or added, not on every sort or live
    // re-sort: ResizeToContents measured the text of every column's sampled rows after each
    // one, most of a sort's time at 10,000 nodes. Between fits the operator may resize them.
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    // Column widths from the rows in view and a few more, not from a thousand rows of
    // a large fleet.
    m_view->horizontalHeader()->setResizeContentsPrecision(kWidthSampleRows);
    m_fitColumns.setSingleShot(true);
    connect(&m_fitColumns, &QTimer::timeout, m_view, &QTableView::resizeColumnsToContents);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, [this] { m_fitColumns.start(0); });
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_fitColumns.isActive())
            m_fitColumns.start(kFitAfterInserts);
    });
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);

    // The viewport's own layout keeps the hint centred over the empty table.
    m_placeholder->setObjectName(QStringLiteral("nodePlaceholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setEnabled(false); // drawn in the palette's muted text colour
    m_placeholder->setAttribute(Qt::WA_TransparentForMouseEvents);
    auto *viewportLayout = new QVBoxLayout(m_view->viewport());
    viewportLayout->addWidget(m_placeholder);

    // Ctrl+C copies the selection as TSV (a spreadsheet takes it as it is).
    auto *copy = new QAction(tr("Copy rows"), m_view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(copy, &QAction::triggered, this, [this] { QApplication::clipboard()->setText(selectionAsTsv()); });
    m_view->addAction(copy);
    // Ctrl+F: to the filter, as in every list of the console.
    auto *find = new QAction(tr("Filter"), this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, this, [this] { m_filter->setFocus(); m_filter->selectAll(); });
    addAction(find);

    auto *header = new QHBoxLayout;
    header->addWidget(m_filter, 1);
    header->addWidget(m_status);
    header->addSpacing(12);
    header->addWidget(m_summary);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);
    layout->addLayout(header);
    layout->addWidget(m_staleBanner);
    m_split->addWidget(m_view);
    m_split->setChildrenCollapsible(false);
    layout->addWidget(m_split, 1);

    connect(m_nodes, &NodeTableModel::countsChanged, this, &NodesPane::updateSummary);
    connect(m_regions, &QAbstractItemModel::modelReset, this, &NodesPane::updateSummary);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &NodesPane::updatePlaceholder);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &NodesPane::updatePlaceholder);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &NodesPane::updatePlaceholder);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &NodesPane::updatePlaceholder);

    auto *ageTimer = new QTimer(this);
    ageTimer->setInterval(kAgeRefresh);
    connect(ageTimer, &QTimer::timeout, m_nodes, &NodeTableModel::refreshAges);
    ageTimer->start();

    setFocusProxy(m_filter);
    updateSummary();
    updatePlaceholder();
}

void NodesPane::setStale(bool stale)
{
    m_staleBanner->setVisible(stale);
}

void NodesPane::setSelection(FleetSelection *selection)
{
    m_selection = selection;
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        if (!current.isValid())
            return;
        m_selection->selectNode(current.data(NodeTableModel::NameRole).toString(),
                                current.data(NodeTableModel::RegionRole).toString());
    });
    connect(selection, &FleetSelection::nodeSelected, this, [this](const QString &node) {
        const int row = m_nodes->rowOf(node);
        if (row < 0)
            return;
        const QModelIndex index = m_proxy->mapFromSource(m_nodes->index(row, NodeTableModel::NameColumn));
        if (!index.isValid() || m_view->currentIndex().row() == index.row())
            return;
        m_view->setCurrentIndex(index);
        m_view->scrollTo(index);
    });
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) {
        m_selection->openNode(index.data(NodeTableModel::NameRole).toString());
    });
}

void NodesPane::setDetail(QWidget *detail)
{
    m_detail = detail;
    m_split->addWidget(detail);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    detail->hide();
}

void NodesPane::showDetail()
{
    if (m_detail)
        m_detail->show();
}

void NodesPane::hideDetail()
{
    if (m_detail)
        m_detail->hide();
    m_view->setFocus();
}

QString NodesPane::summaryText() const
{
    return QStringLiteral("%1 · %2 · %3 · %4")
        .arg(countOf(m_nodes->nodeCount(), "%1 node", "%1 nodes"),
             tr("%1 ready").arg(m_nodes->count(NodeStatus::Ready)),
             tr("%1 unreachable").arg(m_nodes->count(NodeStatus::Unreachable)),
             countOf(m_regions->regionCount(), "%1 region", "%1 regions"));
}

void NodesPane::updateSummary()
{
    m_summary->setText(summaryText());
}

QString NodesPane::selectionAsTsv() const
{
    QList<int> rows;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        rows.append(index.row());
    if (rows.isEmpty()) {
        for (int row = 0; row < m_proxy->rowCount(); ++row)
            rows.append(row);
    }
    std::sort(rows.begin(), rows.end());
    // Tabs and line breaks inside a cell would shift the columns: they become spaces.
    auto cell = [](QString text) { return text.replace(u'\t', u' ').replace(u'\n', u' '); };
    QStringList lines;
    QStringList header;
    for (int column = 0; column < m_proxy->columnCount(); ++column)
        header.append(cell(m_proxy->headerData(column, Qt::Horizontal).toString()));
    lines.append(header.join(u'\t'));
    for (int row : rows) {
        QStringList cells;
        for (int column = 0; column < m_proxy->columnCount(); ++column)
            cells.append(cell(m_proxy->index(row, column).data().toString()));
        lines.append(cells.join(u'\t'));
    }
    return lines.join(u'\n') + u'\n';
}

void NodesPane::updatePlaceholder()
{
    if (m_proxy->rowCount() > 0) {
        m_placeholder->hide();
        return;
    }
    m_placeholder->setText(m_nodes->nodeCount() == 0
        ? tr("No nodes have joined this control plane yet.\n"
             "Create a join token with \"keelctl join-token create --region REGION\"\n"
             "and start keel-agent with --join-token.")
        : m_filter->text().isEmpty() ? tr("No node is %1.").arg(m_status->currentText().toLower())
                                     : tr("No node matches \"%1\".").arg(m_filter->text()));
    m_placeholder->show();
}

} // namespace Keel
