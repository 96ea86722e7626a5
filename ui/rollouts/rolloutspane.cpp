#include "rolloutspane.h"

#include "common/colordotdelegate.h"
#include "gatehistory.h"
#include "keelclient.h"
#include "rolloutfeed.h"
#include "rolloutlistmodel.h"
#include "rolloutview.h"
#include "rolloutwizard.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <chrono>

namespace Keel {

namespace {

// "Started" is relative; refreshing it more often would only burn cycles.
constexpr std::chrono::seconds kAgeRefresh{10};

} // namespace

RolloutsPane::RolloutsPane(KeelClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_rollouts(new RolloutListModel(this))
    , m_history(new GateHistory(this))
    , m_feed(new RolloutFeed(client, m_rollouts, m_history, this))
    , m_sorted(new QSortFilterProxyModel(this))
{
    setObjectName(QStringLiteral("rolloutsPane"));
    buildLayout();

    const auto rowsChanged = [this] {
        updateSummary();
        updatePlaceholder();
        followNewest();
    };
    connect(m_rollouts, &QAbstractItemModel::modelReset, this, rowsChanged);
    connect(m_rollouts, &QAbstractItemModel::rowsInserted, this, rowsChanged);
    connect(m_rollouts, &QAbstractItemModel::rowsRemoved, this, rowsChanged);
    connect(m_rollouts, &RolloutListModel::rolloutUpdated, this, [this](const QString &id) {
        updateSummary();
        if (id == m_selected)
            showSelected();
    });
    connect(m_feed, &RolloutFeed::listedChanged, this, [this] {
        updatePlaceholder();
        updateActions();
    });
    connect(m_feed, &RolloutFeed::lastErrorChanged, this, &RolloutsPane::showBanner);
    connect(m_client, &KeelClient::stateChanged, this, &RolloutsPane::updateActions);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        m_selected = current.isValid() ? current.data(RolloutListModel::IdRole).toString() : QString();
        if (!m_selecting)
            m_followNewest = m_rollouts->rowCount() == 0 || m_selected == m_rollouts->rolloutAt(0).id;
        showSelected();
    });
    connect(m_view, &RolloutView::rolloutControlled, m_feed, &RolloutFeed::apply);

    auto *ageTimer = new QTimer(this);
    ageTimer->setInterval(kAgeRefresh);
    connect(ageTimer, &QTimer::timeout, m_rollouts, &RolloutListModel::refreshAges);
    ageTimer->start();

    auto *refresh = new QAction(tr("Refresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(refresh, &QAction::triggered, m_feed, &RolloutFeed::refresh);
    addAction(refresh);

    updateSummary();
    updatePlaceholder();
    updateActions();
}

void RolloutsPane::buildLayout()
{
    m_new = new QPushButton(tr("New rollout…"), this);
    m_new->setObjectName(QStringLiteral("rolloutsNew"));
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_refresh->setObjectName(QStringLiteral("rolloutsRefresh"));
    m_refresh->setToolTip(tr("List the rollouts again (F5)"));
    connect(m_new, &QPushButton::clicked, this, [this] { openWizard(); });
    connect(m_refresh, &QPushButton::clicked, m_feed, &RolloutFeed::refresh);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("rolloutsSummary"));
    auto *header = new QHBoxLayout;
    header->addWidget(m_new);
    header->addStretch(1);
    header->addWidget(m_summary);
    header->addSpacing(12);
    header->addWidget(m_refresh);

    // Failures to list, in a sentence at the top (the palette's tooltip colours).
    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("rolloutsBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setAutoFillBackground(true);
    m_banner->setBackgroundRole(QPalette::ToolTipBase);
    m_banner->setForegroundRole(QPalette::ToolTipText);
    m_banner->setContentsMargins(8, 4, 8, 4);
    m_banner->setFrameShape(QFrame::Box);
    m_banner->hide();

    m_sorted->setSourceModel(m_rollouts);
    m_sorted->setSortRole(RolloutListModel::SortRole);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("rolloutsTable"));
    m_table->setModel(m_sorted);
    m_table->setItemDelegate(new ColorDotDelegate(m_table));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RolloutListModel::StartedColumn, Qt::DescendingOrder);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setMinimumHeight(m_table->verticalHeader()->defaultSectionSize() * 3);

    m_placeholder = new QLabel(m_table->viewport());
    m_placeholder->setObjectName(QStringLiteral("rolloutsPlaceholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setEnabled(false); // the palette's muted text colour
    m_placeholder->setAttribute(Qt::WA_TransparentForMouseEvents);
    auto *placeholderLayout = new QVBoxLayout(m_table->viewport());
    placeholderLayout->addWidget(m_placeholder);

    m_view = new RolloutView(m_client, m_history, this);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("rolloutsSplitter"));
    splitter->addWidget(m_table);
    splitter->addWidget(m_view);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 4);
    splitter->setSizes({150, 650});
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);
    layout->addLayout(header);
    layout->addWidget(m_banner);
    layout->addWidget(splitter, 1);
}

RolloutWizard *RolloutsPane::wizard() const
{
    return m_wizard.data();
}

void RolloutsPane::setIdentity(const Op::Identity &identity)
{
    setRole(identity.principal.isEmpty() ? std::nullopt : std::optional<Role>(identity.token.role));
}

void RolloutsPane::setRole(std::optional<Role> role)
{
    m_role = role;
    m_view->setRole(role);
    updateActions();
    updatePlaceholder();
}

void RolloutsPane::updateActions()
{
    const bool connected = m_client->state() == KeelClient::State::Connected;
    const bool allowed = !m_role || *m_role >= Role::Operator;
    m_new->setEnabled(allowed && connected);
    m_new->setToolTip(!allowed ? tr("Needs the operator role; this console's token has the %1 role.").arg(toText(*m_role))
                      : !connected ? tr("Not connected to a control plane")
                                   : tr("Replace a component's version on a set of nodes, wave by wave, judged by health gates"));
}

void RolloutsPane::updateSummary()
{
    const int total = m_rollouts->rowCount();
    const int active = m_rollouts->activeCount();
    m_summary->setText(tr("%1 · %2").arg(total == 1 ? tr("1 rollout") : tr("%1 rollouts").arg(total),
                                         active == 0 ? tr("none running") : tr("%1 running").arg(active)));
}

void RolloutsPane::updatePlaceholder()
{
    const bool canStart = !m_role || *m_role >= Role::Operator;
    m_placeholder->setVisible(m_rollouts->rowCount() == 0);
    m_placeholder->setText(!m_feed->isListed() ? tr("The rollouts are listed once the console is connected.")
                           : canStart ? tr("No rollouts yet: New rollout… replaces a component's version wave by wave.")
                                      : tr("No rollouts yet. Someone with the operator role can start one."));
}

QString RolloutsPane::placeholderText() const
{
    return m_placeholder->isVisibleTo(m_table) ? m_placeholder->text() : QString();
}

void RolloutsPane::showBanner(const QString &text)
{
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
}

QString RolloutsPane::bannerText() const
{
    return m_banner->isVisibleTo(this) ? m_banner->text() : QString();
}

QString RolloutsPane::selectedId() const
{
    return m_selected;
}

void RolloutsPane::showSelected()
{
    const auto rollout = m_rollouts->rollout(m_selected);
    if (rollout)
        m_view->setRollout(*rollout);
    else
        m_view->clear();
}

void RolloutsPane::selectRollout(const QString &id)
{
    const int row = m_rollouts->rowOf(id);
    if (row < 0)
        return;
    const QModelIndex index = m_sorted->mapFromSource(m_rollouts->index(row, 0));
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index);
}

void RolloutsPane::followNewest()
{
    // The model lists newest first, whatever order the view sorts in.
    if (m_rollouts->rowCount() == 0 || (!m_followNewest && m_rollouts->rowOf(m_selected) >= 0)) {
        showSelected();
        return;
    }
    const QScopedValueRollback<bool> selecting(m_selecting, true);
    m_followNewest = true;
    selectRollout(m_rollouts->rolloutAt(0).id);
}

void RolloutsPane::openWizard(const QString &component, const QString &version)
{
    if (m_wizard) {
        m_wizard->raise();
        m_wizard->activateWindow();
        return;
    }
    auto *wizard = new RolloutWizard(m_client, this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    if (!component.isEmpty())
        wizard->setTarget(component, version);
    connect(wizard, &RolloutWizard::started, this, [this](const Rollout &rollout) {
        m_feed->apply(rollout);
        selectRollout(rollout.id);
    });
    m_wizard = wizard;
    wizard->open();
}

} // namespace Keel
