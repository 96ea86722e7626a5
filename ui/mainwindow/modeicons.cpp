#include "modeicons.h"

#include <QPainter>
#include <QPixmap>

#include <functional>

namespace Keel::ModeIcons {

namespace {

constexpr int kLogicalSize = 28;
constexpr qreal kScale = 2.0; // painted at 2x so that it stays crisp on high-DPI screens

QIcon paint(const std::function<void(QPainter &, const QColor &)> &draw)
{
    QIcon icon;
    const std::pair<QIcon::Mode, QColor> modes[] = {
        {QIcon::Normal, QColor(0xc8, 0xcc, 0xd2)},
        {QIcon::Selected, QColor(0xff, 0xff, 0xff)},
    };
    for (const auto &[mode, color] : modes) {
        QPixmap pixmap(int(kLogicalSize * kScale), int(kLogicalSize * kScale));
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.scale(kScale, kScale);
        draw(painter, color);
        painter.end();
        pixmap.setDevicePixelRatio(kScale);
        icon.addPixmap(pixmap, mode);
    }
    return icon;
}

} // namespace

QIcon nodes()
{
    // Three stacked servers, each with a status light.
    return paint([](QPainter &painter, const QColor &color) {
        painter.setPen(QPen(color, 1.6));
        for (int i = 0; i < 3; ++i) {
            const qreal top = 4.5 + i * 7;
            painter.setBrush(Qt::NoBrush);
            painter.drawRoundedRect(QRectF(4.5, top, 19, 5.5), 1.5, 1.5);
            painter.setBrush(color);
            painter.drawEllipse(QPointF(8, top + 2.75), 0.9, 0.9);
        }
    });
}

} // namespace Keel::ModeIcons
