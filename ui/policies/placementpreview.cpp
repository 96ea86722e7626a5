#include "placementpreview.h"

#include "common/colordotdelegate.h"
#include "common/statuscolors.h"
#include "keelclient.h"
#include "policystyle.h"

#include <QCheckBox>
#include <QLabel>
#include <QListWidget>
#include <QPointer>
#include <QSet>
#include <QVBoxLayout>

namespace Keel {

PlacementPreview::PlacementPreview(KeelClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_summary(new QLabel(this))
    , m_list(new QListWidget(this))
    , m_skip(new QCheckBox(this))
{
    setObjectName(QStringLiteral("placementPreview"));
    m_summary->setObjectName(QStringLiteral("placementSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_list->setObjectName(QStringLiteral("placementNodes"));
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->setItemDelegate(new ColorDotDelegate(m_list));
    m_list->setMaximumHeight(m_list->fontMetrics().height() * 5 + 12);
    m_skip->setObjectName(QStringLiteral("placementSkip"));
    connect(m_skip, &QCheckBox::toggled, this, &PlacementPreview::changed);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_list);
    layout->addWidget(m_skip);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounce);
    connect(&m_debounce, &QTimer::timeout, this, &PlacementPreview::ask);
    setVisible(false);
    m_list->hide();
    m_skip->hide();
}

void PlacementPreview::setTarget(const QString &component, const QString &version, const QString &selector)
{
    if (component == m_component && version == m_version && selector == m_selector)
        return;
    m_component = component;
    m_version = version;
    m_selector = selector;
    ++m_asked;
    m_debounce.stop();
    m_decisions.clear();
    if (component.isEmpty() || version.isEmpty() || selector.isEmpty() || m_unsupported) {
        m_current = true;
        setVisible(false);
        emit changed();
        return;
    }
    m_current = false;
    setSummary(tr("Checking the residency policy for these nodes…"), palette().color(QPalette::WindowText));
    m_debounce.start();
    emit changed();
}

void PlacementPreview::ask()
{
    const quint64 asked = m_asked;
    const QPointer<PlacementPreview> self(this);
    m_client->checkPlacement(m_component, m_version, m_selector, [self, asked](const Result<QList<PlacementDecision>> &result) {
        if (!self || self->m_asked != asked)
            return;
        self->m_current = true;
        if (const auto *error = std::get_if<WireError>(&result)) {
            if (error->code == ErrorCode::Unimplemented) {
                // An older control plane: it places without a policy, so nothing to show.
                self->m_unsupported = true;
                self->setVisible(false);
            } else {
                self->setSummary(tr("Cannot check the residency policy: %1").arg(error->message), StatusColors::degraded());
                self->m_list->hide();
                self->m_skip->hide();
                self->setVisible(true);
            }
            emit self->changed();
            return;
        }
        self->showDecisions(std::get<QList<PlacementDecision>>(result));
        emit self->changed();
    });
}

void PlacementPreview::showDecisions(const QList<PlacementDecision> &decisions)
{
    m_decisions = decisions;
    m_list->clear();
    const QStringList forbidden = forbiddenNodes();
    const int flagged = flaggedCount();
    for (const PlacementDecision &d : std::as_const(m_decisions)) {
        if (d.allowed && d.rule.isEmpty())
            continue;
        const QString where = d.jurisdiction.isEmpty() ? d.region : tr("%1, %2").arg(d.region, d.jurisdiction);
        auto *item = new QListWidgetItem(d.allowed ? tr("%1 (%2) — flagged by audit rule %3: %4").arg(d.node, where, d.rule, d.reason)
                                                   : tr("%1 (%2) — forbidden by rule %3: %4").arg(d.node, where, d.rule, d.reason),
                                         m_list);
        item->setData(Qt::DecorationRole, d.allowed ? StatusColors::degraded() : StatusColors::failing());
        item->setData(Qt::UserRole, d.node);
        item->setToolTip(d.reason);
    }
    const int total = int(m_decisions.size());
    if (forbidden.isEmpty() && flagged == 0) {
        setSummary(tr("✔ The residency policy allows %1 on every matching node.").arg(m_component), StatusColors::healthy());
    } else if (forbidden.isEmpty()) {
        setSummary(tr("⚑ The residency policy allows every matching node; an audit rule flags %1 of %2.").arg(flagged).arg(total),
                   StatusColors::degraded());
    } else {
        setSummary(forbidden.size() == total
                       ? tr("✖ The residency policy forbids %1 on all %2 matching nodes.").arg(m_component).arg(total)
                       : tr("✖ The residency policy forbids %1 on %2 of the %3 matching nodes.")
                             .arg(m_component).arg(forbidden.size()).arg(total),
                   StatusColors::failing());
    }
    m_skip->setText(forbidden.size() == 1 ? tr("Skip the node the policy forbids (%1)").arg(forbidden.first())
                                          : tr("Skip the %1 nodes the policy forbids").arg(forbidden.size()));
    m_skip->setVisible(!forbidden.isEmpty());
    m_skip->setEnabled(forbidden.size() < total);
    if (forbidden.size() == total)
        m_skip->setChecked(false);
    m_list->setVisible(m_list->count() > 0);
    setVisible(true);
}

void PlacementPreview::setSummary(const QString &text, const QColor &color)
{
    QPalette palette = m_summary->palette();
    palette.setColor(QPalette::WindowText, color);
    m_summary->setPalette(palette);
    m_summary->setText(text);
}

QStringList PlacementPreview::forbiddenNodes() const
{
    QStringList nodes;
    for (const PlacementDecision &d : m_decisions) {
        if (!d.allowed)
            nodes << d.node;
    }
    return nodes;
}

int PlacementPreview::flaggedCount() const
{
    return int(std::count_if(m_decisions.cbegin(), m_decisions.cend(),
                             [](const PlacementDecision &d) { return d.allowed && !d.rule.isEmpty(); }));
}

bool PlacementPreview::skipDisallowed() const
{
    return m_skip->isChecked() && !forbiddenNodes().isEmpty();
}

void PlacementPreview::setSkipDisallowed(bool skip)
{
    m_skip->setChecked(skip);
}

bool PlacementPreview::blocks() const
{
    return !forbiddenNodes().isEmpty() && !skipDisallowed();
}

QList<Node> PlacementPreview::reached(const QList<Node> &matches) const
{
    if (!skipDisallowed())
        return matches;
    const QStringList forbidden = forbiddenNodes();
    QList<Node> nodes;
    for (const Node &node : matches) {
        if (!forbidden.contains(node.name))
            nodes << node;
    }
    return nodes;
}

QString PlacementPreview::summaryText() const
{
    return isVisibleTo(parentWidget()) ? m_summary->text() : QString();
}

QString PlacementPreview::countText(const QList<Node> &nodes)
{
    QSet<QString> regions;
    for (const Node &node : nodes)
        regions.insert(node.region);
    const QString nodeText = nodes.size() == 1 ? tr("1 node") : tr("%1 nodes").arg(nodes.size());
    if (nodes.isEmpty())
        return nodeText;
    return nodeText + u' ' + (regions.size() == 1 ? tr("in 1 region") : tr("in %1 regions").arg(regions.size()));
}

} // namespace Keel
