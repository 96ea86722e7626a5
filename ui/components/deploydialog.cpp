#include "deploydialog.h"

#include "keelclient.h"
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

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form, 1);
    layout->addWidget(m_message);
    layout->addWidget(m_buttons);

    connect(m_preview, &SelectorPreview::previewChanged, this, &DeployDialog::updateButtons);
    connect(m_preview, &SelectorPreview::selectorEdited, this, &DeployDialog::updateButtons);
    connect(m_choice, &QComboBox::currentIndexChanged, this, &DeployDialog::updateButtons);
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
    return m_mode == Mode::Deploy ? tr("Deploy %1 to %2?").arg(choice(), m_preview->countText())
                                  : tr("Undeploy %1 from %2?").arg(choice(), m_preview->countText());
}

void DeployDialog::updateButtons()
{
    const bool ready = !m_running && !choice().isEmpty() && m_preview->isCurrent();
    m_go->setEnabled(ready);
    m_go->setToolTip(choice().isEmpty() ? tr("Nothing to choose: the registry is empty")
                     : !m_preview->isCurrent() ? tr("Waiting for a selector and the nodes it matches")
                                               : QString());
}

void DeployDialog::confirm()
{
    if (!m_go->isEnabled())
        return;
    auto *box = new QMessageBox(QMessageBox::Question, windowTitle(), question(), QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("deployConfirmation"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(m_mode == Mode::Deploy
        ? tr("Selector %1. Nodes that join later and match get it too.").arg(m_preview->selector())
        : tr("Selector %1. Nodes that join later and match do not run it.").arg(m_preview->selector()));
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
    auto done = [self, target, selector](const Result<int> &result) {
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
        const int matched = std::get<int>(result);
        const QString nodes = matched == 1 ? tr("1 node matches") : tr("%1 nodes match").arg(matched);
        self->m_result = self->m_mode == Mode::Deploy
            ? tr("Deployed %1 to %2: %3 now.").arg(target, selector, nodes)
            : tr("Undeployed %1 from %2: %3 now.").arg(target, selector, nodes);
        emit self->applied(self->m_result);
        self->accept();
    };
    if (m_mode == Mode::Deploy) {
        const qsizetype at = target.lastIndexOf(u'@');
        m_client->deploy(target.left(at), target.mid(at + 1), selector, done);
    } else {
        m_client->undeploy(target, selector, done);
    }
}

} // namespace Keel
