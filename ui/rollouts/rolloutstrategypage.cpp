#include "rolloutstrategypage.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMap>
#include <QRadioButton>
#include <QSpinBox>

#include <algorithm>

namespace Keel {

namespace {

std::optional<QList<RolloutStep>> parseSteps(const QString &text, QString *error)
{
    QList<RolloutStep> steps;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        const auto step = RolloutStep::parse(part.trimmed(), error);
        if (!step)
            return std::nullopt;
        steps.append(*step);
    }
    if (steps.isEmpty()) {
        *error = RolloutStrategyPage::tr("a canary needs at least one step, e.g. 1,10%,50%,100%");
        return std::nullopt;
    }
    return steps;
}

} // namespace

RolloutStrategyPage::RolloutStrategyPage(QWidget *parent)
    : QWizardPage(parent)
    , m_rolling(new QRadioButton(tr("&Rolling: waves of"), this))
    , m_canary(new QRadioButton(tr("C&anary: cumulative steps"), this))
    , m_batch(new QLineEdit(QStringLiteral("25%"), this))
    , m_steps(new QLineEdit(QStringLiteral("1,10%,50%,100%"), this))
    , m_pauseAfterStep(new QCheckBox(tr("Pause after each step until resumed"), this))
    , m_order(new QComboBox(this))
    , m_regions(new QListWidget(this))
    , m_bake(new QSpinBox(this))
    , m_deadline(new QSpinBox(this))
    , m_problem(new QLabel(this))
{
    setTitle(tr("Waves"));
    setSubTitle(tr("A wave never mixes two regions, and a region starts only when the one before it is done. "
                   "Each wave bakes, judged by the gates, before the next one starts."));
    m_rolling->setObjectName(QStringLiteral("rolloutRolling"));
    m_canary->setObjectName(QStringLiteral("rolloutCanary"));
    m_batch->setObjectName(QStringLiteral("rolloutBatch"));
    m_batch->setToolTip(tr("Nodes per wave (3), or a share of the rollout's nodes (25%, rounded up)"));
    m_steps->setObjectName(QStringLiteral("rolloutSteps"));
    m_steps->setToolTip(tr("Cumulative sizes, nodes or shares: 1,10%,50%,100% (100% is added when the last step falls short)"));
    m_pauseAfterStep->setObjectName(QStringLiteral("rolloutPauseAfterStep"));
    auto *group = new QButtonGroup(this);
    group->addButton(m_rolling);
    group->addButton(m_canary);
    m_rolling->setChecked(true);

    m_order->setObjectName(QStringLiteral("rolloutOrder"));
    m_order->addItem(tr("Smallest region first"), int(Order::SmallestFirst));
    m_order->addItem(tr("By jurisdiction, smallest first"), int(Order::ByJurisdiction));
    m_order->addItem(tr("In this order (drag to arrange):"), int(Order::Explicit));
    m_regions->setObjectName(QStringLiteral("rolloutRegionOrder"));
    m_regions->setDragDropMode(QAbstractItemView::InternalMove);
    m_regions->setDefaultDropAction(Qt::MoveAction);
    m_regions->setMaximumHeight(110);
    m_regions->setToolTip(tr("The first region is the canary region: its waves go first"));

    m_bake->setObjectName(QStringLiteral("rolloutBake"));
    m_bake->setRange(1, 24 * 3600);
    m_bake->setValue(30);
    m_bake->setSuffix(tr(" s"));
    m_bake->setToolTip(tr("How long each wave is watched after all its nodes switched"));
    m_deadline->setObjectName(QStringLiteral("rolloutDeadline"));
    m_deadline->setRange(1, 7 * 24 * 60);
    m_deadline->setValue(60);
    m_deadline->setSuffix(tr(" min"));
    m_deadline->setToolTip(tr("The whole rollout; past it the rollout fails and rolls back (time paused does not count)"));
    m_problem->setObjectName(QStringLiteral("rolloutStrategyProblem"));
    m_problem->setWordWrap(true);

    auto *rolling = new QHBoxLayout;
    rolling->addWidget(m_rolling);
    rolling->addWidget(m_batch, 1);
    auto *canary = new QHBoxLayout;
    canary->addWidget(m_canary);
    canary->addWidget(m_steps, 1);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Strategy:"), rolling);
    form->addRow(QString(), canary);
    form->addRow(QString(), m_pauseAfterStep);
    form->addRow(tr("Region &order:"), m_order);
    form->addRow(QString(), m_regions);
    form->addRow(tr("&Bake each wave:"), m_bake);
    form->addRow(tr("&Deadline:"), m_deadline);
    form->addRow(m_problem);

    for (QLineEdit *edit : {m_batch, m_steps})
        connect(edit, &QLineEdit::textChanged, this, &RolloutStrategyPage::updateEnabled);
    connect(m_rolling, &QRadioButton::toggled, this, &RolloutStrategyPage::updateEnabled);
    connect(m_order, &QComboBox::currentIndexChanged, this, &RolloutStrategyPage::updateEnabled);
    updateEnabled();
}

void RolloutStrategyPage::setNodes(const QList<Node> &nodes)
{
    m_nodes = nodes;
    // The regions the selector reaches, smallest first (ties by name): the default
    // order, and where an explicit order starts from.
    QMap<QString, int> counts;
    for (const Node &node : nodes)
        ++counts[node.region];
    QStringList regions = counts.keys();
    std::stable_sort(regions.begin(), regions.end(), [&](const QString &a, const QString &b) { return counts[a] < counts[b]; });
    // The same regions again (back and forth in the wizard) keep the order dragged.
    const QStringList shown = explicitOrder();
    const bool same = shown.size() == regions.size() && std::is_permutation(shown.cbegin(), shown.cend(), regions.cbegin());
    if (!same) {
        m_regions->clear();
        for (const QString &region : std::as_const(regions)) {
            const int n = counts.value(region);
            auto *item = new QListWidgetItem(tr("%1 (%2)").arg(region, n == 1 ? tr("1 node") : tr("%1 nodes").arg(n)), m_regions);
            item->setData(Qt::UserRole, region);
        }
    }
    updateEnabled();
}

void RolloutStrategyPage::setOrder(Order order)
{
    m_order->setCurrentIndex(m_order->findData(int(order)));
}

QStringList RolloutStrategyPage::explicitOrder() const
{
    QStringList regions;
    for (int i = 0; i < m_regions->count(); ++i)
        regions.append(m_regions->item(i)->data(Qt::UserRole).toString());
    return regions;
}

void RolloutStrategyPage::apply(RolloutSpec &spec) const
{
    QString ignored;
    spec.strategy = m_rolling->isChecked() ? RolloutStrategy::Rolling : RolloutStrategy::Canary;
    if (const auto batch = RolloutStep::parse(m_batch->text().trimmed(), &ignored))
        spec.batch = *batch;
    spec.steps = spec.strategy == RolloutStrategy::Canary ? parseSteps(m_steps->text(), &ignored).value_or(QList<RolloutStep>())
                                                          : QList<RolloutStep>();
    spec.pauseAfterStep = spec.strategy == RolloutStrategy::Canary && m_pauseAfterStep->isChecked();
    const auto order = Order(m_order->currentData().toInt());
    spec.orderByJurisdiction = order == Order::ByJurisdiction;
    spec.regionOrder = order == Order::Explicit ? explicitOrder() : QStringList();
    spec.bakeSeconds = m_bake->value();
    spec.deadlineSeconds = m_deadline->value() * 60;
}

QString RolloutStrategyPage::problem() const
{
    QString error;
    if (m_rolling->isChecked()) {
        if (!RolloutStep::parse(m_batch->text().trimmed(), &error))
            return tr("Batch: %1").arg(error);
    } else if (!parseSteps(m_steps->text(), &error)) {
        return tr("Steps: %1").arg(error);
    }
    return {};
}

bool RolloutStrategyPage::isComplete() const
{
    return problem().isEmpty();
}

void RolloutStrategyPage::updateEnabled()
{
    m_batch->setEnabled(m_rolling->isChecked());
    m_steps->setEnabled(m_canary->isChecked());
    m_pauseAfterStep->setEnabled(m_canary->isChecked());
    m_regions->setEnabled(Order(m_order->currentData().toInt()) == Order::Explicit);
    m_problem->setText(problem());
    emit completeChanged();
}

} // namespace Keel
