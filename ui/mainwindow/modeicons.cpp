#include "modeicons.h"

#include <QPainter>
#include <QPainterPath>
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

QIcon map()
{
    // A globe: the outline, the equator and one meridian.
    return paint([](QPainter &painter, const QColor &color) {
        painter.setPen(QPen(color, 1.6));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(QPointF(14, 14), 10, 10);
        painter.drawEllipse(QPointF(14, 14), 4.5, 10);
        painter.drawLine(QPointF(4, 14), QPointF(24, 14));
    });
}

QIcon components()
{
    // A package: a box with its lid's seam.
    return paint([](QPainter &painter, const QColor &color) {
        painter.setPen(QPen(color, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        painter.setBrush(Qt::NoBrush);
        const QPointF top(14, 4), left(4.5, 9), right(23.5, 9), mid(14, 14), bottom(14, 24.5);
        painter.drawPolygon(QPolygonF({top, right, QPointF(23.5, 19.5), bottom, QPointF(4.5, 19.5), left}));
        painter.drawPolyline(QPolygonF({left, mid, right}));
        painter.drawLine(mid, bottom);
    });
}

QIcon metrics()
{
    // A line chart over two axes.
    return paint([](QPainter &painter, const QColor &color) {
        painter.setPen(QPen(color, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        painter.drawPolyline(QPolygonF({QPointF(4.5, 4), QPointF(4.5, 23.5), QPointF(24, 23.5)}));
        painter.drawPolyline(QPolygonF({QPointF(7.5, 19), QPointF(12, 12), QPointF(16, 15.5), QPointF(22.5, 6.5)}));
    });
}

QIcon audit()
{
    // A list with ticks.
    return paint([](QPainter &painter, const QColor &color) {
        painter.setPen(QPen(color, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        for (int i = 0; i < 3; ++i) {
            const qreal y = 7 + i * 7;
            painter.drawPolyline(QPolygonF({QPointF(4.5, y), QPointF(6.5, y + 2), QPointF(9.5, y - 2)}));
            painter.drawLine(QPointF(12.5, y), QPointF(23.5, y));
        }
    });
}

QIcon rollouts()
{
    // Waves: three blocks filling left to right (two done, one under way), and an
    // arrow onwards.
    return paint([](QPainter &painter, const QColor &color) {
        painter.setPen(QPen(color, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        painter.setBrush(color);
        painter.drawRoundedRect(QRectF(3.5, 10, 5, 8), 1, 1);
        painter.drawRoundedRect(QRectF(10.5, 10, 5, 8), 1, 1);
        painter.setBrush(Qt::NoBrush);
        painter.drawRoundedRect(QRectF(17.5, 10, 5, 8), 1, 1);
        painter.drawPolyline(QPolygonF({QPointF(4, 23.5), QPointF(24, 23.5)}));
        painter.drawPolyline(QPolygonF({QPointF(21, 21), QPointF(24, 23.5), QPointF(21, 26)}));
    });
}

QIcon policies()
{
    // A shield with a pin inside: where data may go.
    return paint([](QPainter &painter, const QColor &color) {
        painter.setPen(QPen(color, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        painter.setBrush(Qt::NoBrush);
        QPainterPath shield;
        shield.moveTo(14, 3.5);
        shield.lineTo(23, 7);
        shield.cubicTo(23, 15, 20, 21, 14, 25);
        shield.cubicTo(8, 21, 5, 15, 5, 7);
        shield.closeSubpath();
        painter.drawPath(shield);
        QPainterPath pin;
        pin.moveTo(14, 19.5);
        pin.cubicTo(11, 16, 10.5, 14.5, 10.5, 13);
        pin.arcTo(QRectF(10.5, 9.5, 7, 7), 180, -180);
        pin.cubicTo(17.5, 14.5, 17, 16, 14, 19.5);
        painter.setBrush(color);
        painter.drawPath(pin);
    });
}

} // namespace Keel::ModeIcons
