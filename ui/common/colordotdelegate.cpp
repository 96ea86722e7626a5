#include "colordotdelegate.h"

#include <QPainter>
#include <QPixmap>

namespace Keel {

void ColorDotDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QVariant decoration = index.data(Qt::DecorationRole);
    if (decoration.typeId() != QMetaType::QColor)
        return;
    option->icon = dot(decoration.value<QColor>());
    option->decorationSize = QSize(10, 10);
}

QIcon ColorDotDelegate::dot(const QColor &color) const
{
    const auto cached = m_dots.constFind(color.rgba());
    if (cached != m_dots.cend())
        return *cached;
    // Painted at 2x so that the dot stays round on high-DPI screens.
    QPixmap pixmap(20, 20);
    pixmap.fill(Qt::transparent);
    {
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(color.darker(130));
        painter.setBrush(color);
        painter.drawEllipse(QRectF(1.5, 1.5, 17, 17));
    }
    pixmap.setDevicePixelRatio(2.0);
    const QIcon icon(pixmap);
    m_dots.insert(color.rgba(), icon);
    return icon;
}

} // namespace Keel
