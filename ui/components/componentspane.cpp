#include "componentspane.h"

#include "common/colordotdelegate.h"
#include "componentdetail.h"
#include "componentfeed.h"
#include "componentregistrymodel.h"
#include "deploydialog.h"
#include "deploymentrulesmodel.h"
#include "keelclient.h"
#include "pushdialog.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>
#include <chrono>

namespace Keel {

namespace {

// "Pushed" and "When" are relative; refreshing them more often would only burn cycles.
constexpr std::chrono::seconds kAgeRefresh{10};

QLabel *placeholderOver(QAbstractItemView *view, const char *name)
{
    auto *label = new QLabel(view->viewport());
    label->setObjectName(QLatin1String(name));
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setEnabled(false); // the palette's muted text colour
    label->setAttribute(Qt::WA_TransparentForMouseEvents);
    auto *layout = new QVBoxLayout(view->viewport());
    layout->addWidget(label);
    return label;
}

} // namespace

ComponentsPane::ComponentsPane(KeelClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_registry(new ComponentRegistryModel(this))
    , m_rules(new DeploymentRulesModel(this))
    , m_feed(new ComponentFeed(client, m_registry, m_rules, this))
{
    setObjectName(QStringLiteral("componentsPane"));
    buildLayout();

    connect(m_registry, &ComponentRegistryModel::countsChanged, this, [this] {
        updateSummary();
        updatePlaceholders();
        updateActions();
        if (!m_pendingSelection.isEmpty()) {
            const qsizetype at = m_pendingSelection.lastIndexOf(u'@');
            selectVersion(m_pendingSelection.left(at), m_pendingSelection.mid(at + 1));
        }
    });
    connect(m_registry, &QAbstractItemModel::dataChanged, this, &ComponentsPane::updateDetail);
    const auto rulesChanged = [this] {
        updateSummary();
        updatePlaceholders();
        updateActions();
        updateDetail();
    };
    connect(m_rules, &QAbstractItemModel::modelReset, this, rulesChanged);
    connect(m_rules, &QAbstractItemModel::rowsInserted, this, rulesChanged);
    connect(m_rules, &QAbstractItemModel::rowsRemoved, this, rulesChanged);
    connect(m_rules, &QAbstractItemModel::dataChanged, this, &ComponentsPane::updateDetail);
    connect(m_feed, &ComponentFeed::listedChanged, this, [this] { updatePlaceholders(); updateActions(); });
    connect(m_feed, &ComponentFeed::lastErrorChanged, this, [this](const QString &message) {
        if (!message.isEmpty())
            showBanner(message);
    });
    connect(m_client, &KeelClient::stateChanged, this, &ComponentsPane::updateActions);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, &ComponentsPane::updateDetail);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, &ComponentsPane::updateActions);

    auto *ageTimer = new QTimer(this);
    ageTimer->setInterval(kAgeRefresh);
    connect(ageTimer, &QTimer::timeout, m_registry, &ComponentRegistryModel::refreshAges);
    connect(ageTimer, &QTimer::timeout, m_rules, &DeploymentRulesModel::refreshAges);
    ageTimer->start();

    auto *refresh = new QAction(tr("Refresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(refresh, &QAction::triggered, m_feed, &ComponentFeed::refresh);
    addAction(refresh);

    updateSummary();
    updatePlaceholders();
    updateActions();
}

void ComponentsPane::buildLayout()
{
    m_push = new QPushButton(tr("Push…"), this);
    m_push->setObjectName(QStringLiteral("componentsPush"));
    m_deploy = new QPushButton(tr("Deploy…"), this);
    m_deploy->setObjectName(QStringLiteral("componentsDeploy"));
    m_undeploy = new QPushButton(tr("Undeploy…"), this);
    m_undeploy->setObjectName(QStringLiteral("componentsUndeploy"));
    m_rollOut = new QPushButton(tr("Roll out…"), this);
    m_rollOut->setObjectName(QStringLiteral("componentsRollOut"));
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_refresh->setObjectName(QStringLiteral("componentsRefresh"));
    m_refresh->setToolTip(tr("List the registry and the rules again (F5)"));
    connect(m_push, &QPushButton::clicked, this, &ComponentsPane::openPushDialog);
    connect(m_deploy, &QPushButton::clicked, this, &ComponentsPane::openDeployDialog);
    connect(m_undeploy, &QPushButton::clicked, this, &ComponentsPane::openUndeployDialog);
    connect(m_rollOut, &QPushButton::clicked, this, [this] {
        if (const auto version = m_registry->versionAt(m_tree->currentIndex()))
            emit rolloutRequested(version->manifest.name, version->manifest.version);
    });
    connect(m_refresh, &QPushButton::clicked, m_feed, &ComponentFeed::refresh);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("componentsSummary"));
    auto *header = new QHBoxLayout;
    header->addWidget(m_push);
    header->addWidget(m_deploy);
    header->addWidget(m_undeploy);
    header->addWidget(m_rollOut);
    header->addStretch(1);
    header->addWidget(m_summary);
    header->addSpacing(12);
    header->addWidget(m_refresh);

    // Results and failures, in a sentence at the top (the palette's tooltip colours).
    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("componentsBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setAutoFillBackground(true);
    m_banner->setBackgroundRole(QPalette::ToolTipBase);
    m_banner->setForegroundRole(QPalette::ToolTipText);
    m_banner->setContentsMargins(8, 4, 8, 4);
    m_banner->setFrameShape(QFrame::Box);
    m_banner->hide();

    m_tree = new QTreeView(this);
    m_tree->setObjectName(QStringLiteral("componentsTree"));
    m_tree->setModel(m_registry);
    m_tree->setItemDelegate(new ColorDotDelegate(m_tree));
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setAllColumnsShowFocus(true);
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(true);
    connect(m_registry, &QAbstractItemModel::modelReset, m_tree, &QTreeView::expandAll);
    connect(m_registry, &QAbstractItemModel::rowsInserted, m_tree, [this](const QModelIndex &parent, int first) {
        m_tree->expand(parent.isValid() ? parent : m_registry->index(first, 0));
    });
    m_placeholder = placeholderOver(m_tree, "componentsPlaceholder");

    m_detail = new ComponentDetail(this);

    // The detail scrolls when its wrapped lines need more height than the splitter gives.
    auto *detailScroll = new QScrollArea(this);
    detailScroll->setWidget(m_detail);
    detailScroll->setWidgetResizable(true);
    detailScroll->setFrameShape(QFrame::NoFrame);
    detailScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto *registrySplitter = new QSplitter(Qt::Horizontal, this);
    registrySplitter->setObjectName(QStringLiteral("componentsRegistrySplitter"));
    registrySplitter->addWidget(m_tree);
    registrySplitter->addWidget(detailScroll);
    registrySplitter->setStretchFactor(0, 3);
    registrySplitter->setStretchFactor(1, 2);
    registrySplitter->setSizes({600, 400});

    m_rulesView = new QTableView(this);
    m_rulesView->setObjectName(QStringLiteral("deploymentRulesTable"));
    m_rulesView->setModel(m_rules);
    m_rulesView->setAlternatingRowColors(true);
    m_rulesView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_rulesView->setShowGrid(false);
    m_rulesView->setWordWrap(false);
    // The vertical header numbers the rules: the order they apply in.
    m_rulesView->verticalHeader()->setDefaultSectionSize(m_rulesView->fontMetrics().height() + 8);
    m_rulesView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_rulesView->horizontalHeader()->setStretchLastSection(true);
    m_rulesPlaceholder = placeholderOver(m_rulesView, "rulesPlaceholder");
    auto *rulesTitle = new QLabel(tr("<b>Deployment rules</b> — applied in this order; for each component a later rule wins."), this);
    auto *rulesBox = new QWidget(this);
    auto *rulesLayout = new QVBoxLayout(rulesBox);
    rulesLayout->setContentsMargins(0, 0, 0, 0);
    rulesLayout->addWidget(rulesTitle);
    rulesLayout->addWidget(m_rulesView, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("componentsSplitter"));
    splitter->addWidget(registrySplitter);
    splitter->addWidget(rulesBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({600, 300});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);
    layout->addLayout(header);
    layout->addWidget(m_banner);
    layout->addWidget(splitter, 1);
}

PushDialog *ComponentsPane::pushDialog() const
{
    return m_pushDialog.data();
}

DeployDialog *ComponentsPane::deployDialog() const
{
    return m_deployDialog.data();
}

void ComponentsPane::setIdentity(const Op::Identity &identity)
{
    setRole(identity.principal.isEmpty() ? std::nullopt : std::optional<Role>(identity.token.role));
}

void ComponentsPane::setRole(std::optional<Role> role)
{
    m_role = role;
    updateActions();
    updatePlaceholders();
}

void ComponentsPane::updateActions()
{
    const bool connected = m_client->state() == KeelClient::State::Connected;
    const bool allowed = !m_role || *m_role >= Role::Operator;
    const QString roleNeeded = m_role ? tr("Needs the operator role; this console's token has the %1 role.").arg(toText(*m_role))
                                      : QString();
    const QString offline = tr("Not connected to a control plane");
    const bool anyVersion = m_registry->versionCount() > 0;
    const bool anyDeployed = std::any_of(m_rules->rules().cbegin(), m_rules->rules().cend(),
                                         [](const DeploymentRule &r) { return !r.deployment.version.isEmpty(); });
    auto set = [&](QPushButton *button, bool possible, const QString &why, const QString &what) {
        const bool enabled = allowed && connected && possible;
        button->setEnabled(enabled);
        button->setToolTip(!allowed ? roleNeeded : !connected ? offline : !possible ? why : what);
    };
    set(m_push, true, {}, tr("Push a .wasm with its manifest to the registry"));
    set(m_deploy, anyVersion, tr("Push a component first"), tr("Run a version on the nodes a selector matches"));
    set(m_undeploy, anyDeployed, tr("No component is deployed"), tr("Stop a component on the nodes a selector matches"));
    set(m_rollOut, m_registry->versionAt(m_tree->currentIndex()).has_value(), tr("Select the version to roll out"),
        tr("Replace the version the nodes run with the selected one, wave by wave, judged by health gates"));
}

void ComponentsPane::updateSummary()
{
    const int components = m_registry->componentCount();
    const int versions = m_registry->versionCount();
    const int rules = int(m_rules->rules().size());
    m_summary->setText(tr("%1 · %2 · %3")
                           .arg(components == 1 ? tr("1 component") : tr("%1 components").arg(components),
                                versions == 1 ? tr("1 version") : tr("%1 versions").arg(versions),
                                rules == 1 ? tr("1 rule") : tr("%1 rules").arg(rules)));
}

void ComponentsPane::updatePlaceholders()
{
    const bool canPush = !m_role || *m_role >= Role::Operator;
    m_placeholder->setVisible(m_registry->componentCount() == 0);
    m_placeholder->setText(!m_feed->isListed() ? tr("The registry is listed once the console is connected.")
                           : canPush ? tr("No components in the registry yet.\nPush a .wasm with Push… "
                                          "(or keelctl component push --manifest FILE).")
                                     : tr("No components in the registry yet.\nSomeone with the operator role can push one."));
    m_rulesPlaceholder->setVisible(m_rules->rules().isEmpty());
    m_rulesPlaceholder->setText(tr("No deployment rules yet: a component runs nowhere until Deploy… places it."));
}

QString ComponentsPane::placeholderText() const
{
    return m_placeholder->isVisibleTo(m_tree) ? m_placeholder->text() : QString();
}

void ComponentsPane::updateDetail()
{
    const QModelIndex current = m_tree->currentIndex();
    const auto version = m_registry->versionAt(current);
    if (!version) {
        m_detail->showNothing(m_registry->componentCount() == 0 ? tr("Nothing pushed yet.")
                                                                : tr("Select a version to see its detail."));
        return;
    }
    m_detail->showVersion(*version, m_rules->rulesFor(version->manifest.name));
}

void ComponentsPane::showBanner(const QString &text)
{
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
}

QString ComponentsPane::bannerText() const
{
    return m_banner->isVisibleTo(this) ? m_banner->text() : QString();
}

void ComponentsPane::selectVersion(const QString &name, const QString &version)
{
    const QModelIndex index = m_registry->indexOf(name, version);
    if (!index.isValid())
        return;
    m_pendingSelection.clear();
    m_tree->expand(index.parent());
    m_tree->setCurrentIndex(index);
    m_tree->scrollTo(index);
}

void ComponentsPane::openPushDialog()
{
    if (m_pushDialog) {
        m_pushDialog->raise();
        m_pushDialog->activateWindow();
        return;
    }
    auto *dialog = new PushDialog(m_client, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PushDialog::pushed, this, [this](const QString &name, const QString &version) {
        m_pendingSelection = name + u'@' + version;
        m_feed->refreshComponent(name);
        selectVersion(name, version);
        showBanner(tr("%1@%2 is in the registry.").arg(name, version));
    });
    m_pushDialog = dialog;
    dialog->open();
}

void ComponentsPane::openDeployDialog()
{
    openDeploymentDialog(true);
}

void ComponentsPane::openUndeployDialog()
{
    openDeploymentDialog(false);
}

void ComponentsPane::openDeploymentDialog(bool deploy)
{
    if (m_deployDialog)
        m_deployDialog->close();
    QStringList choices;
    if (deploy) {
        choices = m_registry->versionRefs();
    } else {
        for (const DeploymentRule &rule : m_rules->rules()) {
            if (!rule.deployment.version.isEmpty() && !choices.contains(rule.deployment.component))
                choices.append(rule.deployment.component);
        }
    }
    auto *dialog = new DeployDialog(deploy ? DeployDialog::Mode::Deploy : DeployDialog::Mode::Undeploy, m_client, choices, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (const auto selected = m_registry->versionAt(m_tree->currentIndex())) {
        dialog->setChoice(deploy ? selected->manifest.name + u'@' + selected->manifest.version : selected->manifest.name);
    } else if (const QModelIndex current = m_tree->currentIndex(); current.isValid() && !deploy) {
        dialog->setChoice(current.data(ComponentRegistryModel::NameRole).toString());
    }
    connect(dialog, &DeployDialog::applied, this, [this](const QString &text) {
        showBanner(text);
        m_feed->refreshRules();
    });
    m_deployDialog = dialog;
    dialog->open();
}

} // namespace Keel
