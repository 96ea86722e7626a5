#include "selectorpreview.h"

#include "common/colordotdelegate.h"
#include "common/statuscolors.h"
#include "keelclient.h"
#include "nodeselector.h"

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QSet>
#include <QVBoxLayout>

#include <algorithm>
#include <tuple>

namespace Keel {

SelectorPreview::SelectorPreview(KeelClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_edit(new QLineEdit(this))
    , m_summary(new QLabel(this))
    , m_list(new QListWidget(this))
{
    m_edit->setObjectName(QStringLiteral("selectorEdit"));
    m_edit->setPlaceholderText(tr("all, or key=value terms: region=eu-west, jurisdiction=EU,tier=edge"));
    m_edit->setClearButtonEnabled(true);
    m_summary->setObjectName(QStringLiteral("selectorSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_list->setObjectName(QStringLiteral("selectorMatches"));
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->setMinimumHeight(120);
    m_list->setItemDelegate(new ColorDotDelegate(m_list));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_edit);
    layout->addWidget(m_summary);
    layout->addWidget(m_list, 1);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounce);
    connect(&m_debounce, &QTimer::timeout, this, &SelectorPreview::ask);
    connect(m_edit, &QLineEdit::textChanged, this, &SelectorPreview::onEdited);
    setFocusProxy(m_edit);
    onEdited();
}

QString SelectorPreview::selector() const
{
    return m_edit->text().trimmed();
}

void SelectorPreview::setSelector(const QString &text)
{
    m_edit->setText(text);
}

int SelectorPreview::regionCount() const
{
    QSet<QString> regions;
    for (const Node &node : m_matches)
        regions.insert(node.region);
    return int(regions.size());
}

QString SelectorPreview::countText() const
{
    const int nodes = int(m_matches.size());
    const int regions = regionCount();
    const QString nodeText = nodes == 1 ? tr("1 node") : tr("%1 nodes").arg(nodes);
    if (nodes == 0)
        return nodeText;
    return nodeText + u' ' + (regions == 1 ? tr("in 1 region") : tr("in %1 regions").arg(regions));
}

QString SelectorPreview::summaryText() const
{
    return m_summary->text();
}

void SelectorPreview::onEdited()
{
    ++m_asked;
    m_current = false;
    m_debounce.stop();
    emit selectorEdited();
    const QString text = selector();
    if (text.isEmpty()) {
        m_matches.clear();
        m_list->clear();
        m_summary->setText(tr("Type a selector to see the nodes it matches."));
        emit previewChanged();
        return;
    }
    // The same parser the control plane uses: a mistake is named at once.
    const auto parsed = NodeSelector::parse(text);
    if (const auto *problem = std::get_if<QString>(&parsed)) {
        showProblem(*problem);
        return;
    }
    m_summary->setText(tr("Looking for matching nodes…"));
    m_debounce.start();
}

void SelectorPreview::ask()
{
    const quint64 asked = m_asked;
    const QPointer<SelectorPreview> self(this);
    m_client->listNodes(selector(), [self, asked](const Result<QList<Node>> &result) {
        if (!self || self->m_asked != asked)
            return;
        if (const auto *error = std::get_if<WireError>(&result)) {
            self->showProblem(error->code == ErrorCode::BadRequest ? error->message
                                                                  : tr("Cannot preview the matching nodes: %1").arg(error->message));
            return;
        }
        self->showMatches(std::get<QList<Node>>(result));
    });
}

void SelectorPreview::showMatches(const QList<Node> &nodes)
{
    m_matches = nodes;
    std::sort(m_matches.begin(), m_matches.end(), [](const Node &a, const Node &b) {
        return std::tie(a.region, a.name) < std::tie(b.region, b.name);
    });
    m_list->clear();
    int unreachable = 0;
    for (const Node &node : std::as_const(m_matches)) {
        const bool ready = node.status == NodeStatus::Ready;
        unreachable += ready ? 0 : 1;
        auto *item = new QListWidgetItem(
            tr("%1 — %2 (%3), %4").arg(node.name, node.region, node.jurisdiction, ready ? tr("ready") : tr("unreachable")),
            m_list);
        item->setData(Qt::DecorationRole, ready ? StatusColors::healthy() : StatusColors::failing());
        item->setData(Qt::UserRole, node.name);
    }
    m_current = true;
    if (m_matches.isEmpty()) {
        m_summary->setText(tr("Matches no node now. Nodes that join later and match are included."));
    } else {
        m_summary->setText(unreachable == 0 ? tr("Matches %1 now.").arg(countText())
                                            : tr("Matches %1 now (%2 unreachable: they catch up when they are back).")
                                                  .arg(countText()).arg(unreachable));
    }
    emit previewChanged();
}

void SelectorPreview::showProblem(const QString &message)
{
    m_matches.clear();
    m_list->clear();
    m_current = false;
    m_summary->setText(tr("Not a selector: %1").arg(message));
    emit previewChanged();
}

} // namespace Keel
