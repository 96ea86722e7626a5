#include "rolloutwizard.h"

#include "keelclient.h"
#include "rolloutgatespage.h"
#include "rolloutplanner.h"
#include "rolloutreviewpage.h"
#include "rolloutstrategypage.h"
#include "rollouttargetpage.h"

#include <QAbstractButton>
#include <QMessageBox>
#include <QPushButton>
#include <QSet>

namespace Keel {

RolloutWizard::RolloutWizard(KeelClient *client, QWidget *parent)
    : QWizard(parent)
    , m_client(client)
    , m_target(new RolloutTargetPage(client, this))
    , m_strategy(new RolloutStrategyPage(this))
    , m_gates(new RolloutGatesPage(this))
    , m_review(new RolloutReviewPage(this))
{
    setObjectName(QStringLiteral("rolloutWizard"));
    setWindowTitle(tr("New rollout"));
    setWizardStyle(QWizard::ClassicStyle); // the same look on every platform, and in screenshots
    setOption(QWizard::NoBackButtonOnStartPage);
    setPage(TargetPage, m_target);
    setPage(StrategyPage, m_strategy);
    setPage(GatesPage, m_gates);
    setPage(ReviewPage, m_review);
    setButtonText(QWizard::FinishButton, tr("Start rollout…"));
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("rolloutStart"));
    button(QWizard::NextButton)->setObjectName(QStringLiteral("rolloutNext"));
    resize(680, 580);

    const QPointer<RolloutWizard> self(this);
    m_client->listComponents({}, [self](const Result<QList<ComponentVersion>> &result) {
        if (!self)
            return;
        if (const auto *versions = std::get_if<QList<ComponentVersion>>(&result))
            self->m_target->setVersions(*versions);
        else
            self->m_target->setSubTitle(tr("Cannot list the registry: %1").arg(std::get<WireError>(result).message));
        self->m_versionsListed = true;
    });
    // The topology: the planner checks an explicit region order against it.
    m_client->listRegions([self](const Result<QList<Region>> &result) {
        if (!self)
            return;
        if (const auto *regions = std::get_if<QList<Region>>(&result))
            self->m_regions = *regions;
        self->m_regionsListed = true;
        if (self->currentId() == ReviewPage)
            self->replan();
    });
}

void RolloutWizard::setTarget(const QString &component, const QString &version)
{
    m_target->setTarget(component, version);
}

RolloutSpec RolloutWizard::spec() const
{
    RolloutSpec spec;
    spec.component = m_target->component();
    spec.version = m_target->version();
    spec.selector = m_target->selector();
    spec.skipDisallowed = m_target->skipDisallowed();
    m_strategy->apply(spec);
    m_gates->apply(spec);
    return spec;
}

std::variant<QList<RolloutWave>, WireError> RolloutWizard::plan() const
{
    return RolloutPlanner::plan(spec(), m_target->nodes(), m_regions);
}

QString RolloutWizard::countsText() const
{
    const QList<Node> nodes = m_target->nodes();
    QSet<QString> regions;
    for (const Node &node : nodes)
        regions.insert(node.region);
    const auto planned = plan();
    const int waves = std::holds_alternative<QList<RolloutWave>>(planned) ? int(std::get<QList<RolloutWave>>(planned).size()) : 0;
    const QString counts = tr("%1 in %2, %3")
        .arg(nodes.size() == 1 ? tr("1 node") : tr("%1 nodes").arg(nodes.size()),
             regions.size() == 1 ? tr("1 region") : tr("%1 regions").arg(regions.size()),
             waves == 1 ? tr("1 wave") : tr("%1 waves").arg(waves));
    const qsizetype skipped = m_target->matches().size() - nodes.size();
    if (skipped <= 0)
        return counts;
    return tr("%1, skipping %2 the residency policy forbids").arg(counts, skipped == 1 ? tr("1 node") : tr("%1 nodes").arg(skipped));
}

QString RolloutWizard::question() const
{
    return tr("Roll out %1@%2 to %3?").arg(m_target->component(), m_target->version(), countsText());
}

void RolloutWizard::initializePage(int id)
{
    if (id == StrategyPage)
        m_strategy->setNodes(m_target->nodes());
    if (id == ReviewPage)
        replan();
    QWizard::initializePage(id);
}

void RolloutWizard::replan()
{
    const auto planned = plan();
    if (const auto *error = std::get_if<WireError>(&planned)) {
        m_review->setProblem(error->message);
        return;
    }
    const QList<RolloutWave> &waves = std::get<QList<RolloutWave>>(planned);
    const QString baseline = m_target->baseline();
    m_review->setPlan(spec(), waves,
                      tr("%1 %2 → %3 where %4 matches: %5.")
                          .arg(m_target->component(), baseline.isEmpty() ? tr("(none)") : baseline, m_target->version(),
                               m_target->selector(), countsText()));
}

void RolloutWizard::accept()
{
    if (m_starting || !m_review->isComplete())
        return;
    if (m_confirmation)
        m_confirmation->close();
    auto *box = new QMessageBox(QMessageBox::Question, windowTitle(), question(), QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("rolloutStartConfirmation"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(tr("Each wave is judged by its gates before the next one starts; a failed gate %1.")
                                .arg(spec().onFailure == RolloutFailureAction::Rollback
                                         ? tr("returns every switched node to the baseline")
                                         : tr("pauses the rollout")));
    QPushButton *yes = box->addButton(tr("Start rollout"), QMessageBox::AcceptRole);
    yes->setObjectName(QStringLiteral("rolloutStartConfirm"));
    box->setDefaultButton(yes);
    connect(box, &QMessageBox::buttonClicked, this, [this, yes](QAbstractButton *clicked) {
        if (clicked == yes)
            start();
    });
    m_confirmation = box;
    box->open(); // window-modal, without a nested event loop
}

void RolloutWizard::start()
{
    m_starting = true;
    m_review->setBusy(true);
    m_review->setMessage(tr("Starting…"));
    const QPointer<RolloutWizard> self(this);
    m_client->startRollout(spec(), [self](const Result<Rollout> &result) {
        if (!self)
            return;
        self->m_starting = false;
        self->m_review->setBusy(false);
        if (const auto *error = std::get_if<WireError>(&result)) {
            self->m_review->setMessage(error->code == ErrorCode::Unavailable
                ? tr("The connection to the control plane was lost; the rollout may have started (%1). "
                     "The Rollouts pane lists it once the console is connected again.").arg(error->message)
                : tr("The control plane refused the rollout: %1").arg(error->message),
                true);
            return;
        }
        self->m_review->setMessage({});
        emit self->started(std::get<Rollout>(result));
        self->QWizard::accept();
    });
}

QString RolloutWizard::messageText() const
{
    return m_review->messageText();
}

} // namespace Keel
