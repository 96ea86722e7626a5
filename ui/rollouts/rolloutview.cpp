#include "rolloutview.h"

#include "common/colordotdelegate.h"
#include "gatehistory.h"
#include "gatepanel.h"
#include "keelclient.h"
#include "rolloutbanner.h"
#include "rolloutnodesmodel.h"
#include "rolloutstyle.h"
#include "wavestrip.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTextDocument>
#include <QVBoxLayout>

namespace Keel {

namespace {

constexpr RolloutAction kActions[] = {RolloutAction::Pause, RolloutAction::Resume, RolloutAction::Abort, RolloutAction::Rollback};

QString actionTitle(RolloutAction action)
{
    switch (action) {
    case RolloutAction::Pause: return RolloutView::tr("Pause");
    case RolloutAction::Resume: return RolloutView::tr("Resume");
    case RolloutAction::Abort: return RolloutView::tr("Abort");
    case RolloutAction::Rollback: return RolloutView::tr("Roll back");
    }
    return {};
}

QString actionWhat(RolloutAction action)
{
    switch (action) {
    case RolloutAction::Pause: return RolloutView::tr("Stop where it is: the switched nodes keep the new version until it resumes or rolls back");
    case RolloutAction::Resume: return RolloutView::tr("Go on: the current wave bakes again from the start");
    case RolloutAction::Abort: return RolloutView::tr("Stop and return every switched node to the baseline");
    case RolloutAction::Rollback: return RolloutView::tr("Return every switched node to the baseline (also after it succeeded)");
    }
    return {};
}

} // namespace

RolloutView::RolloutView(KeelClient *client, GateHistory *history, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_banner(new RolloutBanner(this))
    , m_title(new QLabel(this))
    , m_spec(new QLabel(this))
    , m_message(new QLabel(this))
    , m_strip(new WaveStrip(this))
    , m_nodes(new RolloutNodesModel(this))
    , m_nodeTable(new QTableView(this))
    , m_gates(new GatePanel(history, this))
    , m_placeholder(new QLabel(this))
    , m_body(new QWidget(this))
{
    setObjectName(QStringLiteral("rolloutView"));
    m_title->setObjectName(QStringLiteral("rolloutTitle"));
    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_spec->setObjectName(QStringLiteral("rolloutSpec"));
    m_spec->setWordWrap(true);
    m_spec->setEnabled(false); // muted: how it was asked, not what happens
    m_message->setObjectName(QStringLiteral("rolloutActionMessage"));
    m_message->setWordWrap(true);
    m_message->hide();

    auto *actions = new QHBoxLayout;
    actions->setSpacing(6);
    for (RolloutAction action : kActions) {
        auto *button = new QPushButton(actionTitle(action) + QStringLiteral("…"), this);
        button->setObjectName(QStringLiteral("rollout_") + toText(action));
        connect(button, &QPushButton::clicked, this, [this, action] { requestAction(action); });
        actions->addWidget(button);
        m_actions.append(button);
    }
    actions->addStretch(1);

    m_nodeTable->setObjectName(QStringLiteral("rolloutNodes"));
    m_nodeTable->setModel(m_nodes);
    m_nodeTable->setItemDelegate(new ColorDotDelegate(m_nodeTable));
    m_nodeTable->setAlternatingRowColors(true);
    m_nodeTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_nodeTable->setShowGrid(false);
    m_nodeTable->setWordWrap(false);
    m_nodeTable->verticalHeader()->hide();
    m_nodeTable->verticalHeader()->setDefaultSectionSize(m_nodeTable->fontMetrics().height() + 8);
    m_nodeTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_nodeTable->horizontalHeader()->setStretchLastSection(true);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName(QStringLiteral("rolloutDetailSplitter"));
    split->addWidget(m_nodeTable);
    split->addWidget(m_gates);
    // The charts get most of the width: a wave's nodes are a few short columns.
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setSizes({430, 670});
    split->setChildrenCollapsible(false);

    auto *body = new QVBoxLayout(m_body);
    body->setContentsMargins(0, 0, 0, 0);
    body->setSpacing(6);
    body->addWidget(m_banner);
    body->addWidget(m_title);
    body->addWidget(m_spec);
    body->addLayout(actions);
    body->addWidget(m_message);
    body->addWidget(m_strip);
    body->addWidget(split, 1);

    m_placeholder->setObjectName(QStringLiteral("rolloutViewPlaceholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setEnabled(false);
    m_placeholder->setText(tr("Select a rollout to follow it live: its waves, its nodes and its gates."));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_placeholder, 1);
    layout->addWidget(m_body, 1);
    connect(m_client, &KeelClient::stateChanged, this, &RolloutView::updateActions);
    clear();
}

void RolloutView::setRollout(const Rollout &rollout)
{
    if (rollout.id != m_rollout.id) {
        m_message->hide();
        if (m_confirmation)
            m_confirmation->close();
    }
    m_rollout = rollout;
    m_placeholder->hide();
    m_body->show();
    m_strip->setRollout(rollout);
    m_nodes->setRollout(rollout);
    m_gates->setRollout(rollout);
    updateBanner();
    updateHeader();
    updateActions();
}

void RolloutView::clear()
{
    m_rollout = {};
    m_title->clear();
    m_strip->clear();
    m_nodes->clear();
    m_gates->clear();
    m_body->hide();
    m_placeholder->show();
    updateActions();
}

void RolloutView::setRole(std::optional<Role> role)
{
    m_role = role;
    updateActions();
}

QPushButton *RolloutView::actionButton(RolloutAction action) const
{
    return m_actions.value(int(action));
}

bool RolloutView::allows(RolloutAction action, RolloutState state)
{
    switch (action) {
    case RolloutAction::Pause: return state == RolloutState::Pending || state == RolloutState::Progressing;
    case RolloutAction::Resume: return state == RolloutState::Paused;
    case RolloutAction::Abort:
        return state == RolloutState::Pending || state == RolloutState::Progressing || state == RolloutState::Paused;
    case RolloutAction::Rollback:
        return state == RolloutState::Pending || state == RolloutState::Progressing || state == RolloutState::Paused
            || state == RolloutState::Succeeded;
    }
    return false;
}

int RolloutView::switchedNodes(const Rollout &rollout)
{
    int count = 0;
    for (const RolloutWave &wave : rollout.waves) {
        if (wave.state != WaveState::Pending && wave.state != WaveState::Reverted)
            count += int(wave.nodes.size());
    }
    return count;
}

QString RolloutView::question(RolloutAction action, const Rollout &r)
{
    const int switched = switchedNodes(r);
    const bool one = switched == 1;
    const QString back = r.baselineVersion.isEmpty()
        ? (one ? tr("1 switched node returns to running no version of %1").arg(r.spec.component)
               : tr("%1 switched nodes return to running no version of %2").arg(switched).arg(r.spec.component))
        : (one ? tr("1 switched node returns to %1 %2").arg(r.spec.component, r.baselineVersion)
               : tr("%1 switched nodes return to %2 %3").arg(switched).arg(r.spec.component, r.baselineVersion));
    switch (action) {
    case RolloutAction::Pause:
        return (one ? tr("Pause rollout %1? 1 switched node keeps %2 %3 until it resumes or rolls back.").arg(r.id, r.spec.component, r.spec.version)
                    : tr("Pause rollout %1? %2 switched nodes keep %3 %4 until it resumes or rolls back.")
                          .arg(r.id).arg(switched).arg(r.spec.component, r.spec.version));
    case RolloutAction::Resume: {
        const auto current = std::find_if(r.waves.cbegin(), r.waves.cend(), [](const RolloutWave &w) {
            return w.state != WaveState::Passed;
        });
        return current == r.waves.cend() ? tr("Resume rollout %1?").arg(r.id)
                                         : tr("Resume rollout %1? Wave %2 of %3 bakes again from the start.")
                                               .arg(r.id).arg(current->index).arg(r.waves.size());
    }
    case RolloutAction::Abort:
        return tr("Abort rollout %1? %2.").arg(r.id, back);
    case RolloutAction::Rollback:
        return r.state == RolloutState::Succeeded
            ? tr("Roll back rollout %1? %2, and its rule %3@%4 to %5 no longer applies.")
                  .arg(r.id, back, r.spec.component, r.spec.version, r.spec.selector)
            : tr("Roll back rollout %1? %2.").arg(r.id, back);
    }
    return {};
}

void RolloutView::updateBanner()
{
    // Only a failed gate gets the top of the pane: a pause or a rollback by hand is the
    // operator's own doing, and the header says it.
    const QString failure = RolloutStyle::failureSentence(m_rollout);
    if (failure.isEmpty()) {
        m_banner->clear();
        return;
    }
    // "Rolled back: error rate …": the words before the colon go in bold.
    const qsizetype colon = failure.indexOf(QStringLiteral(": "));
    const auto severity = m_rollout.state == RolloutState::Paused ? RolloutBanner::Severity::Warning
                          : m_rollout.state == RolloutState::Aborted ? RolloutBanner::Severity::Note
                                                                     : RolloutBanner::Severity::Failure;
    m_banner->setMessage(severity, RolloutStyle::color(m_rollout.state), failure.left(colon), failure.mid(colon + 2));
}

void RolloutView::updateHeader()
{
    const Rollout &r = m_rollout;
    // The control plane's message, unless it only repeats the failure the banner says.
    const QString message = RolloutStyle::failureSentence(r).isEmpty() ? r.message : QString();
    m_title->setText(tr("<b>%1</b> &nbsp;%2 to %3 &nbsp;·&nbsp; <span style=\"color:%4\">&#9679;</span>&nbsp;<b>%5</b> "
                        "%6 &nbsp;·&nbsp; %7/%8 nodes")
                         .arg(r.id.toHtmlEscaped(), RolloutStyle::changeText(r).toHtmlEscaped(), r.spec.selector.toHtmlEscaped(),
                              RolloutStyle::color(r.state).name(), RolloutStyle::word(r.state),
                              message.isEmpty() ? QString() : QStringLiteral("&nbsp;·&nbsp; ") + message.toHtmlEscaped())
                         .arg(r.nodesDone()).arg(r.nodesTotal()));
    m_spec->setText(RolloutStyle::specText(r.spec) + tr(" · started by %1").arg(r.createdBy.isEmpty() ? tr("unknown") : r.createdBy));
}

void RolloutView::updateActions()
{
    const bool connected = m_client->state() == KeelClient::State::Connected;
    const bool allowed = !m_role || *m_role >= Role::Operator;
    const QString roleNeeded = m_role ? tr("Needs the operator role; this console's token has the %1 role.").arg(toText(*m_role))
                                      : QString();
    for (RolloutAction action : kActions) {
        QPushButton *button = actionButton(action);
        const bool possible = !m_rollout.id.isEmpty() && allows(action, m_rollout.state);
        button->setEnabled(allowed && connected && possible && !m_running);
        button->setToolTip(!allowed ? roleNeeded
                           : !connected ? tr("Not connected to a control plane")
                           : !possible ? tr("Not possible while the rollout is %1").arg(RolloutStyle::word(m_rollout.state))
                                       : actionWhat(action));
    }
}

void RolloutView::requestAction(RolloutAction action)
{
    QPushButton *button = actionButton(action);
    if (!button->isEnabled())
        return;
    if (m_confirmation)
        m_confirmation->close();
    auto *box = new QMessageBox(QMessageBox::Question, actionTitle(action) + tr(" rollout"), question(action, m_rollout),
                                QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("rolloutConfirmation"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(actionWhat(action) + u'.');
    QPushButton *yes = box->addButton(actionTitle(action), QMessageBox::AcceptRole);
    yes->setObjectName(QStringLiteral("rolloutConfirm"));
    box->setDefaultButton(yes);
    const QString id = m_rollout.id;
    connect(box, &QMessageBox::buttonClicked, this, [this, yes, action, id](QAbstractButton *clicked) {
        if (clicked == yes && id == m_rollout.id)
            run(action);
    });
    m_confirmation = box;
    box->open(); // window-modal, without a nested event loop
}

void RolloutView::run(RolloutAction action)
{
    m_running = true;
    updateActions();
    m_message->setText(tr("%1: asking the control plane…").arg(actionTitle(action)));
    m_message->show();
    const QString id = m_rollout.id;
    const QPointer<RolloutView> self(this);
    m_client->controlRollout(id, action, [self, id, action](const Result<Rollout> &result) {
        if (!self)
            return;
        self->m_running = false;
        if (const auto *error = std::get_if<WireError>(&result)) {
            if (self->m_rollout.id == id)
                self->m_message->setText(tr("%1 of %2 refused: %3").arg(actionTitle(action), id, error->message));
            self->updateActions();
            return;
        }
        const Rollout &rollout = std::get<Rollout>(result);
        if (self->m_rollout.id == id)
            self->m_message->setText(tr("%1 of %2 accepted: %3.").arg(actionTitle(action), id, RolloutStyle::word(rollout.state)));
        self->updateActions();
        emit self->rolloutControlled(rollout);
    });
}

QString RolloutView::bannerText() const
{
    return m_banner->text();
}

QString RolloutView::headerText() const
{
    QTextDocument doc;
    doc.setHtml(m_title->text());
    return doc.toPlainText().simplified();
}

QString RolloutView::messageText() const
{
    return m_message->isVisibleTo(this) ? m_message->text() : QString();
}

} // namespace Keel
