#include "rolloutreviewpage.h"

#include "common/statuscolors.h"
#include "rolloutstyle.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Keel {

RolloutReviewPage::RolloutReviewPage(QWidget *parent)
    : QWizardPage(parent)
    , m_summary(new QLabel(this))
    , m_waves(new QTreeWidget(this))
    , m_spec(new QLabel(this))
    , m_message(new QLabel(this))
{
    setTitle(tr("Planned waves"));
    setSubTitle(tr("Cut from the nodes the selector matches now, exactly as the control plane will cut them."));
    m_summary->setObjectName(QStringLiteral("rolloutPlanSummary"));
    m_summary->setWordWrap(true);
    m_waves->setObjectName(QStringLiteral("rolloutPlannedWaves"));
    m_waves->setRootIsDecorated(false);
    m_waves->setAlternatingRowColors(true);
    m_waves->setHeaderLabels({tr("Wave"), tr("Step"), tr("Region"), tr("Nodes")});
    m_waves->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_waves->header()->setStretchLastSection(true);
    m_spec->setObjectName(QStringLiteral("rolloutPlanSpec"));
    m_spec->setWordWrap(true);
    m_spec->setEnabled(false); // muted: the settings, for a last look
    m_message->setObjectName(QStringLiteral("rolloutStartMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_waves, 1);
    layout->addWidget(m_spec);
    layout->addWidget(m_message);
}

void RolloutReviewPage::setPlan(const RolloutSpec &spec, const QList<RolloutWave> &waves, const QString &summary)
{
    m_planned = true;
    m_summary->setText(summary);
    m_waves->clear();
    for (const RolloutWave &wave : waves) {
        auto *item = new QTreeWidgetItem(m_waves, {QString::number(wave.index), QString::number(wave.step),
                                                   wave.regions.join(QStringLiteral(", ")), wave.nodes.join(QStringLiteral(", "))});
        item->setTextAlignment(0, Qt::AlignRight | Qt::AlignVCenter);
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    }
    m_waves->show();
    m_spec->setText(RolloutStyle::specText(spec));
    m_message->hide();
    emit completeChanged();
}

void RolloutReviewPage::setProblem(const QString &problem)
{
    m_planned = false;
    m_waves->clear();
    m_summary->setText(tr("These waves cannot be planned: %1").arg(problem));
    m_spec->clear();
    emit completeChanged();
}

void RolloutReviewPage::setMessage(const QString &message, bool failure)
{
    QPalette palette = this->palette();
    if (failure)
        palette.setColor(QPalette::WindowText, StatusColors::failing());
    m_message->setPalette(palette);
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
}

QString RolloutReviewPage::messageText() const
{
    return m_message->isVisibleTo(this) ? m_message->text() : QString();
}

int RolloutReviewPage::plannedWaves() const
{
    return m_waves->topLevelItemCount();
}

void RolloutReviewPage::setBusy(bool busy)
{
    m_busy = busy;
    emit completeChanged();
}

bool RolloutReviewPage::isComplete() const
{
    return m_planned && !m_busy;
}

} // namespace Keel
