#include "modebar.h"

namespace Keel {

namespace {
constexpr int kWidth = 96; // "Components" in bold fits
constexpr int kItemHeight = 64;
} // namespace

ModeBar::ModeBar(QWidget *parent)
    : QListWidget(parent)
{
    setObjectName(QStringLiteral("modeBar"));
    setViewMode(QListView::IconMode);
    setFlow(QListView::TopToBottom);
    setMovement(QListView::Static);
    setWrapping(false);
    setUniformItemSizes(true);
    setIconSize(QSize(28, 28));
    setSpacing(0);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFixedWidth(kWidth);
    setSelectionMode(QAbstractItemView::SingleSelection);
    // Dark, like the mode bars operators know from IDEs, so that it reads as navigation
    // and not as content whatever the window theme.
    setStyleSheet(QStringLiteral(
        "QListWidget#modeBar { background: #2f3237; border: none; outline: none; }"
        "QListWidget#modeBar::item { color: #c8ccd2; border: none; padding: 6px 0; }"
        "QListWidget#modeBar::item:hover { background: #3a3e44; }"
        "QListWidget#modeBar::item:selected { background: #1f2226; color: #ffffff;"
        " border-left: 3px solid #4a9eff; }"));
}

int ModeBar::addMode(const QIcon &icon, const QString &title)
{
    auto *item = new QListWidgetItem(icon, title, this);
    item->setTextAlignment(Qt::AlignHCenter | Qt::AlignBottom);
    item->setSizeHint(QSize(kWidth, kItemHeight));
    const int row = count() - 1;
    if (currentRow() < 0)
        setCurrentRow(row);
    return row;
}

QSize ModeBar::sizeHint() const
{
    return {kWidth, QListWidget::sizeHint().height()};
}

} // namespace Keel
