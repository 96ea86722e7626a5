#include "auditpane.h"

#include "alertmodel.h"
#include "auditfilterproxy.h"
#include "auditlogmodel.h"
#include "common/colordotdelegate.h"
#include "fleet/fleetselection.h"
#include "keelclient.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPointer>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace Keel {

namespace {

constexpr int kPage = 500;

QLabel *hintLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    label->setContentsMargins(6, 4, 6, 4);
    return label;
}

QLabel *heading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

} // namespace

AuditPane::AuditPane(KeelClient *client, AlertModel *alerts, FleetSelection *selection, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_alerts(alerts)
    , m_log(new AuditLogModel(this))
    , m_proxy(new AuditFilterProxy(this))
    , m_alertView(new QListView(this))
    , m_alertHint(hintLabel(this))
    , m_logView(new QTableView(this))
    , m_logHint(hintLabel(this))
    , m_principal(new QLineEdit(this))
    , m_action(new QLineEdit(this))
    , m_result(new QComboBox(this))
    , m_since(new QComboBox(this))
    , m_poll(new QTimer(this))
{
    m_alertView->setObjectName(QStringLiteral("alertList"));
    m_logView->setObjectName(QStringLiteral("auditLog"));
    m_principal->setObjectName(QStringLiteral("auditPrincipal"));
    m_action->setObjectName(QStringLiteral("auditAction"));
    m_result->setObjectName(QStringLiteral("auditResult"));
    m_since->setObjectName(QStringLiteral("auditSince"));

    m_alertView->setModel(alerts);
    m_alertView->setAlternatingRowColors(true);
    m_alertView->setItemDelegate(new ColorDotDelegate(m_alertView));
    m_alertView->setWordWrap(true);
    m_alertView->setToolTip(tr("Double-click an alert about a node to select that node"));
    connect(m_alertView, &QListView::doubleClicked, this, [selection](const QModelIndex &index) {
        const QString node = index.data(AlertModel::NodeRole).toString();
        if (!node.isEmpty())
            selection->openNode(node);
    });

    m_proxy->setSourceModel(m_log);
    m_logView->setModel(m_proxy);
    m_logView->setSortingEnabled(true);
    m_logView->sortByColumn(AuditLogModel::TimeColumn, Qt::DescendingOrder);
    m_logView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_logView->setAlternatingRowColors(true);
    m_logView->verticalHeader()->hide();
    m_logView->setItemDelegateForColumn(AuditLogModel::ResultColumn, new ColorDotDelegate(m_logView));
    m_logView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_logView->horizontalHeader()->setSectionResizeMode(AuditLogModel::ResultColumn, QHeaderView::Stretch);

    m_principal->setPlaceholderText(tr("Principal, e.g. token:ci"));
    m_principal->setClearButtonEnabled(true);
    m_action->setPlaceholderText(tr("Action, e.g. deploy"));
    m_action->setClearButtonEnabled(true);
    m_result->addItem(tr("Any result"), QString());
    m_result->addItem(tr("ok"), QStringLiteral("ok"));
    m_result->addItem(tr("denied"), QStringLiteral("denied"));
    m_result->addItem(tr("error"), QStringLiteral("error"));
    m_since->addItem(tr("Any time"), 0);
    m_since->addItem(tr("Last hour"), 3600);
    m_since->addItem(tr("Last 24 hours"), 24 * 3600);
    m_since->addItem(tr("Last 7 days"), 7 * 24 * 3600);
    connect(m_principal, &QLineEdit::textChanged, m_proxy, &AuditFilterProxy::setPrincipal);
    connect(m_action, &QLineEdit::textChanged, m_proxy, &AuditFilterProxy::setAction);
    connect(m_result, &QComboBox::currentIndexChanged, this, [this] { m_proxy->setResultKind(m_result->currentData().toString()); });
    connect(m_since, &QComboBox::currentIndexChanged, this, &AuditPane::applySince);

    auto *alertsBox = new QWidget(this);
    auto *alertsLayout = new QVBoxLayout(alertsBox);
    alertsLayout->setContentsMargins(0, 0, 0, 0);
    alertsLayout->addWidget(heading(tr("Alerts"), alertsBox));
    alertsLayout->addWidget(m_alertHint);
    alertsLayout->addWidget(m_alertView, 1);

    auto *logBox = new QWidget(this);
    auto *logLayout = new QVBoxLayout(logBox);
    logLayout->setContentsMargins(0, 0, 0, 0);
    auto *filters = new QHBoxLayout;
    filters->addWidget(heading(tr("Audit log"), logBox));
    filters->addSpacing(12);
    filters->addWidget(m_principal, 1);
    filters->addWidget(m_action, 1);
    filters->addWidget(m_result);
    filters->addWidget(m_since);
    logLayout->addLayout(filters);
    logLayout->addWidget(m_logHint);
    logLayout->addWidget(m_logView, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(alertsBox);
    splitter->addWidget(logBox);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(alerts, &AlertModel::countsChanged, this, &AuditPane::updateHints);
    connect(m_log, &QAbstractItemModel::rowsInserted, this, &AuditPane::updateHints);
    connect(m_log, &QAbstractItemModel::modelReset, this, &AuditPane::updateHints);
    // Another control plane or a reconnect: read from the start again.
    connect(m_client, &KeelClient::connected, this, [this] {
        m_log->clear();
        m_refusal.clear();
        if (isVisible())
            refresh();
    });
    auto *refreshAction = new QAction(tr("Refresh"), this);
    refreshAction->setShortcut(QKeySequence::Refresh);
    refreshAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(refreshAction, &QAction::triggered, this, &AuditPane::refresh);
    addAction(refreshAction);
    auto *find = new QAction(tr("Filter"), this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, m_principal, [this] { m_principal->setFocus(); });
    addAction(find);
    m_poll->setInterval(std::chrono::seconds(3));
    connect(m_poll, &QTimer::timeout, this, &AuditPane::refresh);
    updateHints();
}

void AuditPane::applySince()
{
    const int seconds = m_since->currentData().toInt();
    m_proxy->setSince(seconds > 0 ? QDateTime::currentDateTimeUtc().addSecs(-seconds) : QDateTime());
}

void AuditPane::refresh()
{
    if (m_reading || m_client->state() != KeelClient::State::Connected)
        return;
    m_reading = true;
    const QPointer<AuditPane> self(this);
    m_client->listAudit({}, m_log->lastSequence(), kPage, [self](const Result<Op::AuditList> &result) {
        if (!self)
            return;
        self->m_reading = false;
        if (const auto *error = std::get_if<WireError>(&result)) {
            self->m_refusal = error->code == ErrorCode::PermissionDenied
                                  ? tr("The audit log needs the operator role; this token cannot read it.")
                                  : tr("Cannot read the audit log: %1").arg(error->message);
            self->updateHints();
            return;
        }
        self->m_refusal.clear();
        const auto &page = std::get<Op::AuditList>(result);
        self->m_log->append(page.records);
        self->applySince();
        self->updateHints();
        if (page.truncated) // more after this page: read on
            QMetaObject::invokeMethod(self, &AuditPane::refresh, Qt::QueuedConnection);
    });
}

void AuditPane::updateHints()
{
    m_alertHint->setText(tr("No alerts: every node is reachable, every component runs and every AOT build worked."));
    m_alertHint->setVisible(m_alerts->alertCount() == 0);
    m_alertView->setVisible(m_alerts->alertCount() > 0);
    QString logHint = m_refusal;
    if (logHint.isEmpty() && m_log->recordCount() == 0)
        logHint = m_client->state() == KeelClient::State::Connected ? tr("No audit records yet.")
                                                                      : tr("Not connected: the audit log is read from the control plane.");
    m_logHint->setText(logHint);
    m_logHint->setVisible(!logHint.isEmpty());
}

void AuditPane::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
    m_poll->start();
}

void AuditPane::hideEvent(QHideEvent *event)
{
    m_poll->stop();
    QWidget::hideEvent(event);
}

} // namespace Keel
