#include "policiespane.h"

#include "common/colordotdelegate.h"
#include "keelclient.h"
#include "policyeditor.h"
#include "policyfeed.h"
#include "policyhistorymodel.h"
#include "policypreview.h"
#include "policyrulesmodel.h"
#include "policystyle.h"
#include "violationlistmodel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <chrono>

namespace Keel {

namespace {

constexpr std::chrono::seconds kAgeRefresh{10};

QTableView *readOnlyTable(QAbstractItemModel *model, const char *name, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setObjectName(QLatin1String(name));
    table->setModel(model);
    table->setItemDelegate(new ColorDotDelegate(table));
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->setShowGrid(false);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

// A muted sentence in an empty table, the panes' way of saying what would be there.
QLabel *placeholderIn(QTableView *table, const char *name)
{
    auto *label = new QLabel(table->viewport());
    label->setObjectName(QLatin1String(name));
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setEnabled(false); // the palette's muted text colour
    label->setAttribute(Qt::WA_TransparentForMouseEvents);
    auto *layout = new QVBoxLayout(table->viewport());
    layout->addWidget(label);
    return label;
}

} // namespace

PoliciesPane::PoliciesPane(KeelClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_rules(new PolicyRulesModel(this))
    , m_violations(new ViolationListModel(ViolationListModel::Kind::Live, this))
    , m_history(new PolicyHistoryModel(this))
    , m_feed(new PolicyFeed(client, m_rules, m_violations, m_history, this))
{
    setObjectName(QStringLiteral("policiesPane"));
    buildLayout();

    connect(m_rules, &PolicyRulesModel::edited, this, [this] {
        ++m_generation;
        m_preview->setOutOfDate();
        m_confirmAfterPreview = false;
        updateActions();
        updateSummary();
    });
    connect(m_violations, &ViolationListModel::countsChanged, this, &PoliciesPane::updateViolationCounts);
    connect(m_history, &QAbstractItemModel::modelReset, this, &PoliciesPane::updateSummary);
    connect(m_history, &QAbstractItemModel::rowsInserted, this, &PoliciesPane::updateSummary);
    connect(m_violations, &QAbstractItemModel::modelReset, this, [this] {
        updateViolationCounts();
        // Listed with violations while nothing is previewed: they are what there is to see.
        if (m_violations->rowCount() > 0 && m_tabs->currentIndex() == PreviewTab && !m_busy && !m_preview->isCurrent())
            m_tabs->setCurrentIndex(ViolationsTab);
    });
    connect(m_feed, &PolicyFeed::lastErrorChanged, this, [this](const QString &text) { showBanner(text); });
    connect(m_feed, &PolicyFeed::listedChanged, this, [this] {
        updateActions();
        updateSummary();
        updateViolationCounts();
    });
    connect(m_feed, &PolicyFeed::appliedChanged, this, [this](quint64 version, const QString &by, bool edited) {
        m_preview->setOutOfDate(); // it was made against another version
        updateSummary();
        if (edited)
            showBanner(tr("Version %1 was applied by %2 while you edited. Your edit is kept; Preview again shows what it "
                          "would do now.").arg(version).arg(by.isEmpty() ? tr("someone") : by));
    });
    connect(m_rules, &PolicyRulesModel::appliedChanged, this, &PoliciesPane::updateActions);
    connect(m_client, &KeelClient::stateChanged, this, &PoliciesPane::updateActions);

    auto *ageTimer = new QTimer(this);
    ageTimer->setInterval(kAgeRefresh);
    connect(ageTimer, &QTimer::timeout, m_history, &PolicyHistoryModel::refreshAges);
    connect(ageTimer, &QTimer::timeout, this, &PoliciesPane::updateSummary);
    ageTimer->start();

    auto *refresh = new QAction(tr("Refresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(refresh, &QAction::triggered, m_feed, &PolicyFeed::refresh);
    addAction(refresh);

    updateActions();
    updateSummary();
    updateViolationCounts();
}

void PoliciesPane::buildLayout()
{
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("policySummary"));
    m_revert = new QPushButton(tr("Revert"), this);
    m_revert->setObjectName(QStringLiteral("policyRevert"));
    m_previewButton = new QPushButton(tr("Preview"), this);
    m_previewButton->setObjectName(QStringLiteral("policyPreviewRun"));
    m_apply = new QPushButton(tr("Apply…"), this);
    m_apply->setObjectName(QStringLiteral("policyApply"));
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_refresh->setObjectName(QStringLiteral("policyRefresh"));
    m_refresh->setToolTip(tr("Read the policy, the violations and the history again (F5)"));
    connect(m_revert, &QPushButton::clicked, m_rules, &PolicyRulesModel::revert);
    connect(m_previewButton, &QPushButton::clicked, this, &PoliciesPane::runPreview);
    connect(m_apply, &QPushButton::clicked, this, &PoliciesPane::requestApply);
    connect(m_refresh, &QPushButton::clicked, m_feed, &PolicyFeed::refresh);
    auto *header = new QHBoxLayout;
    header->addWidget(m_summary, 1);
    header->addWidget(m_revert);
    header->addWidget(m_previewButton);
    header->addWidget(m_apply);
    header->addSpacing(12);
    header->addWidget(m_refresh);

    // Results and failures, in a sentence at the top (the palette's tooltip colours).
    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("policyBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setAutoFillBackground(true);
    m_banner->setBackgroundRole(QPalette::ToolTipBase);
    m_banner->setForegroundRole(QPalette::ToolTipText);
    m_banner->setContentsMargins(8, 4, 8, 4);
    m_banner->setFrameShape(QFrame::Box);
    m_banner->hide();

    m_editor = new PolicyEditor(m_rules, this);
    connect(m_editor, &PolicyEditor::message, this, &PoliciesPane::showBanner);
    m_preview = new PolicyPreview(this);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("policyTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->insertTab(PreviewTab, m_preview, tr("Preview"));
    m_tabs->insertTab(ViolationsTab, buildViolations(), tr("Violations"));
    m_tabs->insertTab(HistoryTab, buildHistory(), tr("History"));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("policySplitter"));
    splitter->addWidget(m_editor);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({220, 530});
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);
    layout->addLayout(header);
    layout->addWidget(m_banner);
    layout->addWidget(splitter, 1);
}

QWidget *PoliciesPane::buildViolations()
{
    auto *box = new QWidget(this);
    m_violationSummary = new QLabel(box);
    m_violationSummary->setObjectName(QStringLiteral("violationSummary"));
    m_violationSummary->setWordWrap(true);
    m_violationTable = readOnlyTable(m_violations, "violationTable", box);
    m_violationPlaceholder = placeholderIn(m_violationTable, "violationPlaceholder");
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_violationSummary);
    layout->addWidget(m_violationTable, 1);
    return box;
}

QWidget *PoliciesPane::buildHistory()
{
    m_historyTable = readOnlyTable(m_history, "policyHistoryTable", this);
    QLabel *placeholder = placeholderIn(m_historyTable, "policyHistoryPlaceholder");
    placeholder->setText(tr("No versions yet: the first Apply… makes version 1."));
    const auto update = [this, placeholder] { placeholder->setVisible(m_history->rowCount() == 0); };
    connect(m_history, &QAbstractItemModel::modelReset, placeholder, update);
    connect(m_history, &QAbstractItemModel::rowsInserted, placeholder, update);
    connect(m_history, &QAbstractItemModel::rowsRemoved, placeholder, update);
    update();
    return m_historyTable;
}

void PoliciesPane::setIdentity(const Op::Identity &identity)
{
    setRole(identity.principal.isEmpty() ? std::nullopt : std::optional<Role>(identity.token.role));
}

void PoliciesPane::setRole(std::optional<Role> role)
{
    m_role = role;
    m_editor->setEditable(canEdit(), roleReason());
    updateActions();
}

bool PoliciesPane::canEdit() const
{
    return !m_role || *m_role >= Role::Operator;
}

QString PoliciesPane::roleReason() const
{
    return canEdit() ? QString() : tr("Needs the operator role; this console's token has the %1 role.").arg(toText(*m_role));
}

void PoliciesPane::updateActions()
{
    const bool connected = m_client->state() == KeelClient::State::Connected;
    const bool valid = m_rules->isValid();
    const bool modified = m_rules->isModified();
    const QString reason = !canEdit() ? roleReason()
        : !connected                  ? tr("Not connected to a control plane")
        : m_busy                      ? tr("Waiting for the control plane's answer")
        : !modified                   ? tr("Nothing to apply: the rules are as applied")
        : !valid                      ? tr("Fix the rules first: %1").arg(m_rules->problemText())
                                      : QString();
    m_previewButton->setEnabled(reason.isEmpty());
    m_previewButton->setToolTip(reason.isEmpty() ? tr("Ask the control plane what this policy would remove and flag; nothing changes")
                                                 : reason);
    m_apply->setEnabled(reason.isEmpty());
    m_apply->setToolTip(reason.isEmpty() ? tr("Apply this policy, after one confirmation naming what it removes") : reason);
    m_revert->setEnabled(canEdit() && modified && !m_busy);
    m_revert->setToolTip(!canEdit() ? roleReason() : tr("Drop the edit and show the policy as applied"));
}

void PoliciesPane::updateSummary()
{
    const ResidencyPolicy &applied = m_rules->applied();
    if (!m_feed->isListed()) {
        m_summary->setText(tr("The residency policy is read once the console is connected."));
        return;
    }
    if (applied.version == 0) {
        m_summary->setText(tr("No policy applied yet"));
        return;
    }
    const QString rules = applied.rules.size() == 1 ? tr("1 rule") : tr("%1 rules").arg(applied.rules.size());
    const int row = m_history->rowOf(applied.version);
    const QString when = row >= 0 ? m_history->index(row, PolicyHistoryModel::AppliedColumn).data().toString() : QString();
    m_summary->setText(tr("Version %1 · %2 · applied by %3%4")
                           .arg(applied.version)
                           .arg(rules, applied.appliedBy.empty() ? tr("unknown") : QString::fromStdString(applied.appliedBy),
                                when.isEmpty() ? QString() : u' ' + when));
}

void PoliciesPane::updateViolationCounts()
{
    const int enforce = m_violations->count(ResidencyMode::Enforce);
    const int audit = m_violations->count(ResidencyMode::Audit);
    const int total = enforce + audit;
    m_tabs->setTabText(ViolationsTab, total == 0 ? tr("Violations") : tr("Violations (%1)").arg(total));
    QStringList parts;
    if (enforce > 0)
        parts << tr("%1 %2 (enforce)").arg(PolicyStyle::glyph(ResidencyMode::Enforce)).arg(enforce == 1 ? tr("1 placement removed") : tr("%1 placements removed").arg(enforce));
    if (audit > 0)
        parts << tr("%1 %2 (audit)").arg(PolicyStyle::glyph(ResidencyMode::Audit), PolicyStyle::flaggedText(audit));
    m_violationSummary->setText(parts.join(QStringLiteral(" · ")));
    m_violationSummary->setVisible(!parts.isEmpty());
    m_violationPlaceholder->setVisible(total == 0);
    m_violationPlaceholder->setText(m_feed->isListed() ? tr("No violations: every placement complies with the residency policy.")
                                                       : tr("The violations are listed once the console is connected."));
}

QString PoliciesPane::violationsPlaceholderText() const
{
    return m_violationPlaceholder->isVisibleTo(m_violationTable) ? m_violationPlaceholder->text() : QString();
}

void PoliciesPane::runPreview()
{
    if (!m_previewButton->isEnabled())
        return;
    m_busy = true;
    m_asked = m_generation;
    m_previewBase = m_rules->applied().version;
    updateActions();
    m_preview->setBusy();
    m_tabs->setCurrentIndex(PreviewTab);
    const QPointer<PoliciesPane> self(this);
    const quint64 asked = m_asked;
    m_client->setPolicy(m_rules->policy(), true, m_previewBase, [self, asked](const Result<Op::PolicySet> &result) {
        if (!self)
            return;
        self->m_busy = false;
        self->updateActions();
        if (asked != self->m_generation) { // edited meanwhile: this answer is about other rules
            self->m_confirmAfterPreview = false;
            return;
        }
        if (const auto *error = std::get_if<WireError>(&result)) {
            self->m_confirmAfterPreview = false;
            self->m_preview->setProblem(error->code == ErrorCode::Unimplemented
                                            ? tr("this control plane is older than the console and cannot preview a policy.")
                                            : error->message);
            return;
        }
        self->m_preview->setImpact(std::get<Op::PolicySet>(result).impact, self->m_violations->violations());
        if (std::exchange(self->m_confirmAfterPreview, false))
            self->confirm();
    });
}

void PoliciesPane::previewFile(const QString &path)
{
    auto *once = new QObject(this);
    const auto run = [this, path, once] {
        if (!m_feed->isListed())
            return;
        delete once;
        QString error;
        if (!m_editor->importFile(path, &error)) {
            showBanner(tr("Not imported: %1").arg(error));
            return;
        }
        runPreview();
    };
    connect(m_feed, &PolicyFeed::listedChanged, once, run);
    run();
}

void PoliciesPane::requestApply()
{
    if (!m_apply->isEnabled())
        return;
    if (!m_preview->isCurrent()) {
        // What is confirmed is always what the preview showed: ask for it first.
        m_confirmAfterPreview = true;
        runPreview();
        return;
    }
    confirm();
}

QString PoliciesPane::question() const
{
    return tr("Apply policy: %1?").arg(m_preview->countText());
}

void PoliciesPane::confirm()
{
    if (m_confirmation)
        m_confirmation->close();
    auto *box = new QMessageBox(QMessageBox::Question, tr("Apply the residency policy"), question(), QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("policyApplyConfirmation"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    const quint64 base = m_previewBase;
    box->setInformativeText(
        tr("%1 It replaces version %2; if another version was applied since this preview, the control plane refuses it.")
            .arg(m_preview->diffText().isEmpty() ? QString() : m_preview->diffText())
            .arg(base));
    QPushButton *yes = box->addButton(tr("Apply"), QMessageBox::AcceptRole);
    yes->setObjectName(QStringLiteral("policyApplyConfirm"));
    box->setDefaultButton(yes);
    connect(box, &QMessageBox::buttonClicked, this, [this, yes](QAbstractButton *button) {
        if (button == yes)
            apply();
    });
    m_confirmation = box;
    box->open(); // window-modal, without a nested event loop
}

void PoliciesPane::apply()
{
    if (m_asked != m_generation) {
        showBanner(tr("Not applied: the rules were edited while the confirmation was open. Preview again, then Apply…"));
        return;
    }
    // Against the version the preview was made from: if another was applied since (even
    // one this console has heard of meanwhile), the control plane refuses with CONFLICT.
    m_busy = true;
    updateActions();
    showBanner(tr("Applying…"));
    const QString counts = m_preview->countText();
    const QPointer<PoliciesPane> self(this);
    m_client->setPolicy(m_rules->policy(), false, m_previewBase, [self, counts](const Result<Op::PolicySet> &result) {
        if (!self)
            return;
        self->m_busy = false;
        if (const auto *error = std::get_if<WireError>(&result)) {
            self->updateActions();
            if (error->code == ErrorCode::Conflict) {
                self->showBanner(tr("Not applied: another version of the policy was applied since the preview (%1). Your edit is "
                                    "kept; Preview again shows what it would do now.").arg(error->message));
                self->m_preview->setOutOfDate();
                self->m_feed->refresh();
            } else if (error->code == ErrorCode::Unavailable) {
                self->showBanner(tr("The connection to the control plane was lost; the policy may have been applied (%1). "
                                    "The history shows it once the console is connected again.").arg(error->message));
            } else {
                self->showBanner(tr("Refused: %1").arg(error->message));
            }
            return;
        }
        const Op::PolicySet &set = std::get<Op::PolicySet>(result);
        self->m_feed->apply(set.policy, set.impact.diff);
        self->m_preview->clear();
        self->showBanner(tr("Applied version %1: %2.").arg(set.policy.version).arg(counts));
        self->m_tabs->setCurrentIndex(ViolationsTab);
        self->updateActions();
    });
}

void PoliciesPane::showBanner(const QString &text)
{
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
}

QString PoliciesPane::bannerText() const
{
    return m_banner->isVisibleTo(this) ? m_banner->text() : QString();
}

QString PoliciesPane::summaryText() const
{
    return m_summary->text();
}

} // namespace Keel
