#include "deploydialog.h"

#include "keelclient.h"
#include "policies/placementpreview.h"
#include "selectorpreview.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace Keel {

DeployDialog::DeployDialog(Mode mode, KeelClient *client, const QStringList &choices, QWidget *parent)
    : QDialog(parent)
    , m_mode(mode)
    , m_client(client)
    , m_choice(new QComboBox(this))
    , m_preview(new SelectorPreview(client, this))
    , m_placement(new PlacementPreview(client, this))
    , m_message(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this))
{
    const bool deploy = mode == Mode::Deploy;
    setObjectName(deploy ? QStringLiteral("deployDialog") : QStringLiteral("undeployDialog"));
    setWindowTitle(deploy ? tr("Deploy a component") : tr("Undeploy a component"));
    m_choice->setObjectName(QStringLiteral("deployChoice"));
    m_choice->addItems(choices);
    m_message->setObjectName(QStringLiteral("deployMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    auto *intro = new QLabel(deploy ? tr("Runs the version on every node the selector matches, now and as nodes join. "
                                         "Rules apply in order; a later rule for the same component wins.")
                                    : tr("Stops the component on every node the selector matches, whatever earlier rules say."),
                             this);
    intro->setWordWrap(true);

    m_go = m_buttons->addButton(deploy ? tr("Deploy…") : tr("Undeploy…"), QDialogButtonBox::AcceptRole);
    m_go->setObjectName(QStringLiteral("deployRun"));
    m_go->setDefault(true);
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("deployCancel"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &DeployDialog::confirm);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(deploy ? tr("&Version:") : tr("&Component:"), m_choice);
    form->addRow(tr("&Nodes:"), m_preview);
    form->addRow(QString(), m_placement);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form, 1);
    layout->addWidget(m_message);
    layout->addWidget(m_buttons);

    connect(m_preview, &SelectorPreview::previewChanged, this, &DeployDialog::checkPlacement);
    connect(m_preview, &SelectorPreview::selectorEdited, this, &DeployDialog::updateButtons);
    connect(m_choice, &QComboBox::currentIndexChanged, this, &DeployDialog::checkPlacement);
    connect(m_placement, &PlacementPreview::changed, this, &DeployDialog::updateButtons);
    resize(560, 440);
    m_preview->setFocus();
    updateButtons();
}

void DeployDialog::setChoice(const QString &choice)
{
    const int at = m_choice->findText(choice);
    if (at >= 0)
        m_choice->setCurrentIndex(at);
}

QString DeployDialog::choice() const
{
    return m_choice->currentText();
}

QString DeployDialog::messageText() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

QString DeployDialog::question() const
{
    if (m_mode == Mode::Undeploy)
        return tr("Undeploy %1 from %2?").arg(choice(), m_preview->countText());
    if (!m_placement->skipDisallowed())
        return tr("Deploy %1 to %2?").arg(choice(), m_preview->countText());
    const int skipped = int(m_placement->forbiddenNodes().size());
    return tr("Deploy %1 to %2, skipping %3 the residency policy forbids?")
        .arg(choice(), PlacementPreview::countText(m_placement->reached(m_preview->matches())),
             skipped == 1 ? tr("1 node") : tr("%1 nodes").arg(skipped));
}

void DeployDialog::checkPlacement()
{
    // Only a deploy places anything; only a selector that matched can be checked.
    const bool check = m_mode == Mode::Deploy && m_preview->isCurrent() && !m_preview->matches().isEmpty();
    const qsizetype at = choice().lastIndexOf(u'@');
    m_placement->setTarget(check ? choice().left(at) : QString(), check ? choice().mid(at + 1) : QString(),
                           check ? m_preview->selector() : QString());
    updateButtons();
}

void DeployDialog::updateButtons()
{
    const bool ready = !m_running && !choice().isEmpty() && m_preview->isCurrent() && m_placement->isCurrent()
        && !m_placement->blocks();
    m_go->setEnabled(ready);
    m_go->setToolTip(choice().isEmpty() ? tr("Nothing to choose: the registry is empty")
                     : !m_preview->isCurrent() ? tr("Waiting for a selector and the nodes it matches")
                     : !m_placement->isCurrent() ? tr("Waiting for the residency policy's verdict on these nodes")
                     : m_placement->blocks() ? tr("The residency policy forbids some of these nodes: skip them, or narrow the selector")
                                             : QString());
}

void DeployDialog::confirm()
{
    if (!m_go->isEnabled())
        return;
    auto *box = new QMessageBox(QMessageBox::Question, windowTitle(), question(), QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("deployConfirmation"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(m_mode == Mode::Undeploy
        ? tr("Selector %1. Nodes that join later and match do not run it.").arg(m_preview->selector())
        : m_placement->skipDisallowed()
        ? tr("Selector %1. Skipped: %2. Nodes that join later and match get it too where the policy allows it.")
              .arg(m_preview->selector(), m_placement->forbiddenNodes().join(QStringLiteral(", ")))
        : tr("Selector %1. Nodes that join later and match get it too.").arg(m_preview->selector()));
    QPushButton *yes = box->addButton(m_mode == Mode::Deploy ? tr("Deploy") : tr("Undeploy"), QMessageBox::AcceptRole);
    yes->setObjectName(QStringLiteral("deployConfirm"));
    box->setDefaultButton(yes);
    connect(box, &QMessageBox::buttonClicked, this, [this, yes](QAbstractButton *button) {
        if (button == yes)
            run();
    });
    m_confirmation = box;
    box->open(); // window-modal, without a nested event loop
}

void DeployDialog::run()
{
    m_running = true;
    updateButtons();
    m_message->setText(m_mode == Mode::Deploy ? tr("Deploying…") : tr("Undeploying…"));
    m_message->show();
    const QString target = choice();
    const QString selector = m_preview->selector();
    const QPointer<DeployDialog> self(this);
    // The answer: the nodes matched, and those skipped for the residency policy.
    auto done = [self, target, selector](const std::variant<Op::Deployed, WireError> &result) {
        if (!self)
            return;
        self->m_running = false;
        if (const auto *error = std::get_if<WireError>(&result)) {
            self->m_message->setText(error->code == ErrorCode::Unavailable
                ? tr("The connection to the control plane was lost; the rule may not have been stored (%1). "
                     "The rules list shows it once the console is connected again.").arg(error->message)
                : tr("Refused: %1").arg(error->message));
            self->updateButtons();
            return;
        }
        const Op::Deployed &deployed = std::get<Op::Deployed>(result);
        const int matched = deployed.nodesMatched;
        const QString nodes = matched == 1 ? tr("1 node matches") : tr("%1 nodes match").arg(matched);
        if (self->m_mode == Mode::Undeploy) {
            self->m_result = tr("Undeployed %1 from %2: %3 now.").arg(target, selector, nodes);
        } else if (deployed.skipped.isEmpty()) {
            self->m_result = tr("Deployed %1 to %2: %3 now.").arg(target, selector, nodes);
        } else {
            QStringList skipped;
            for (const PlacementDecision &d : deployed.skipped)
                skipped << d.node;
            self->m_result = tr("Deployed %1 to %2: %3 now; skipped %4, which the residency policy forbids.")
                                 .arg(target, selector, nodes, skipped.join(QStringLiteral(", ")));
        }
        emit self->applied(self->m_result);
        self->accept();
    };
    if (m_mode == Mode::Deploy) {
        const qsizetype at = target.lastIndexOf(u'@');
        m_client->deploy(target.left(at), target.mid(at + 1), selector, m_placement->skipDisallowed(),
                         [done](const Result<Op::Deployed> &result) { done(result); });
    } else {
        m_client->undeploy(target, selector, [done](const Result<int> &result) {
            if (const auto *error = std::get_if<WireError>(&result))
                done(*error);
            else
                done(Op::Deployed{std::get<int>(result), {}});
        });
    }
}

} // namespace Keel
