#include "policypreview.h"

#include "common/colordotdelegate.h"
#include "common/statuscolors.h"
#include "policystyle.h"
#include "violationlistmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QSet>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace Keel {

PolicyPreview::PolicyPreview(QWidget *parent)
    : QWidget(parent)
    , m_placements(new ViolationListModel(ViolationListModel::Kind::Preview, this))
    , m_headline(new QLabel(this))
    , m_diff(new QLabel(this))
    , m_table(new QTableView(this))
    , m_lossTitle(new QLabel(tr("What each node would lose"), this))
    , m_losses(new QListWidget(this))
{
    setObjectName(QStringLiteral("policyPreview"));
    m_headline->setObjectName(QStringLiteral("policyPreviewHeadline"));
    m_headline->setWordWrap(true);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_diff->setObjectName(QStringLiteral("policyPreviewDiff"));
    m_diff->setWordWrap(true);
    m_diff->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_table->setObjectName(QStringLiteral("policyPreviewPlacements"));
    m_table->setModel(m_placements);
    m_table->setItemDelegate(new ColorDotDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);

    m_lossTitle->setObjectName(QStringLiteral("policyPreviewLossTitle"));
    m_losses->setObjectName(QStringLiteral("policyPreviewLosses"));
    m_losses->setSelectionMode(QAbstractItemView::NoSelection);
    m_losses->setItemDelegate(new ColorDotDelegate(m_losses));
    auto *lossBox = new QWidget(this);
    auto *lossLayout = new QVBoxLayout(lossBox);
    lossLayout->setContentsMargins(0, 0, 0, 0);
    lossLayout->addWidget(m_lossTitle);
    lossLayout->addWidget(m_losses, 1);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    m_details = splitter;
    splitter->addWidget(m_table);
    splitter->addWidget(lossBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_headline);
    layout->addWidget(m_diff);
    layout->addWidget(splitter, 1);
    clear();
}

void PolicyPreview::setHeadline(const QString &text, Tone tone)
{
    QPalette palette = this->palette();
    if (tone == Tone::Failure)
        palette.setColor(QPalette::WindowText, StatusColors::failing());
    else if (tone == Tone::Note)
        palette.setColor(QPalette::WindowText, palette.color(QPalette::Disabled, QPalette::WindowText));
    m_headline->setPalette(palette);
    QFont font = this->font();
    font.setBold(tone != Tone::Note);
    m_headline->setFont(font);
    m_headline->setText(text);
}

void PolicyPreview::clear()
{
    m_current = false;
    m_impact = {};
    m_removedComponents = m_removedNodes = m_flagged = 0;
    m_placements->clear();
    m_losses->clear();
    m_diff->clear();
    m_diff->hide();
    m_details->hide();
    setHeadline(tr("Preview asks the control plane what the edited policy would do — which running placements it would "
                   "remove or flag — before anything is applied."),
                Tone::Note);
}

void PolicyPreview::setBusy()
{
    m_current = false;
    setHeadline(tr("Asking the control plane what this policy would do…"), Tone::Note);
}

void PolicyPreview::setProblem(const QString &message)
{
    m_current = false;
    m_details->hide();
    setHeadline(tr("No preview: %1").arg(message), Tone::Failure);
}

void PolicyPreview::setOutOfDate()
{
    if (!m_current)
        return;
    m_current = false;
    setHeadline(tr("Out of date: the rules or the applied policy changed since this preview. Preview again to see what "
                   "it would do now."),
                Tone::Note);
}

void PolicyPreview::setImpact(const PolicyImpact &impact, const QList<ResidencyViolation> &now)
{
    m_impact = impact;
    m_current = true;
    m_placements->setViolations(impact.violations, now);

    // Placements removed already stay removed: only new removals count.
    auto removedNow = [&now](const QString &node, const QString &ref) {
        return std::any_of(now.cbegin(), now.cend(), [&](const ResidencyViolation &v) {
            return v.mode == ResidencyMode::Enforce && v.node == node && v.component + u'@' + v.version == ref;
        });
    };
    m_removedComponents = m_removedNodes = 0;
    m_losses->clear();
    for (const NodeLoss &loss : impact.losses) {
        QStringList fresh;
        for (const QString &ref : loss.components) {
            if (!removedNow(loss.node, ref))
                fresh << ref;
        }
        m_removedComponents += int(fresh.size());
        m_removedNodes += fresh.isEmpty() ? 0 : 1;
        auto *item = new QListWidgetItem(fresh.isEmpty() ? tr("%1 keeps running what it runs now (%2 removed already)")
                                                               .arg(loss.node, loss.components.join(QStringLiteral(", ")))
                                                         : tr("%1 loses %2").arg(loss.node, fresh.join(QStringLiteral(", "))),
                                         m_losses);
        item->setData(Qt::DecorationRole, fresh.isEmpty() ? StatusColors::inactive() : StatusColors::failing());
        item->setData(Qt::UserRole, loss.node);
    }
    m_flagged = 0;
    for (int row = 0; row < m_placements->rowCount(); ++row) {
        if (m_placements->isNew(row) && m_placements->violationAt(row).mode == ResidencyMode::Audit)
            ++m_flagged;
    }
    if (impact.losses.isEmpty()) {
        auto *item = new QListWidgetItem(tr("No node loses a component."), m_losses);
        item->setData(Qt::DecorationRole, StatusColors::healthy());
    }

    if (m_removedComponents == 0 && m_flagged == 0)
        setHeadline(impact.violations.isEmpty() ? tr("Applying this policy would change nothing that runs: every placement complies.")
                                                : tr("Applying this policy would remove and flag nothing new; %1 placements stay violations.")
                                                      .arg(impact.violations.size()),
                    Tone::Result);
    else
        setHeadline(tr("Applying this policy: %1.").arg(countText()), Tone::Result);
    m_details->show();
    m_diff->setText(impact.diff.isEmpty() ? tr("Changes: none to the rules.") : tr("Changes: %1.").arg(impact.diff));
    m_diff->show();
}

QString PolicyPreview::countText() const
{
    QString text = PolicyStyle::removalText(m_removedComponents, m_removedNodes);
    if (m_flagged > 0)
        text += tr(", %1").arg(PolicyStyle::flaggedText(m_flagged));
    return text;
}

QString PolicyPreview::headlineText() const
{
    return m_headline->text();
}

QString PolicyPreview::diffText() const
{
    return m_diff->isVisibleTo(this) ? m_diff->text() : QString();
}

} // namespace Keel
