#include "landlayer.h"

#include "landoutline.h"

#include <QPainter>

namespace Keel {

namespace {

// Each side of the view gets this share of its size again: a drag of a third of the view
// happens before the land is drawn anew.
constexpr qreal kMargin = 0.35;

QColor withAlpha(QColor color, int alpha)
{
    color.setAlpha(alpha);
    return color;
}

} // namespace

bool LandLayer::paint(QPainter &painter, const MapViewport &viewport, const QPalette &palette, qreal devicePixelRatio,
                      bool allowScaled)
{
    const QRectF view(QPointF(0, 0), viewport.size);
    if (!m_pixmap.isNull() && qFuzzyCompare(m_covers.scale, viewport.scale)) {
        // Same scale: where does the view's top-left corner fall in the pixmap?
        const QPointF origin = m_covers.toScreen(viewport.toPlane(QPointF(0, 0)));
        const QRectF source(origin, viewport.size);
        if (QRectF(QPointF(0, 0), m_covers.size).contains(source)) {
            painter.drawPixmap(view, m_pixmap, QRectF(source.topLeft() * devicePixelRatio, source.size() * devicePixelRatio));
            return true;
        }
    }
    if (!m_pixmap.isNull() && allowScaled) {
        // Mid-zoom: the last sharp land, stretched to where it lies now.
        painter.fillRect(view, palette.color(QPalette::Window));
        const QRectF target(viewport.toScreen(m_covers.toPlane(QPointF(0, 0))),
                            viewport.toScreen(m_covers.toPlane(QPointF(m_covers.size.width(), m_covers.size.height()))));
        painter.drawPixmap(target, m_pixmap, QRectF(QPointF(0, 0), m_pixmap.size()));
        return false;
    }
    render(viewport, palette, devicePixelRatio);
    return paint(painter, viewport, palette, devicePixelRatio, false);
}

void LandLayer::render(const MapViewport &viewport, const QPalette &palette, qreal devicePixelRatio)
{
    m_covers = viewport;
    m_covers.size = viewport.size * (1 + 2 * kMargin);
    m_pixmap = QPixmap((m_covers.size * devicePixelRatio).toSize());
    m_pixmap.setDevicePixelRatio(devicePixelRatio);
    m_pixmap.fill(palette.color(QPalette::Window)); // the sea
    QPainter p(&m_pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setTransform(m_covers.transform());
    // Land a shade off the base colour, its coast a soft line: calm under the markers.
    const QColor base = palette.color(QPalette::Base);
    const QColor alternate = palette.color(QPalette::AlternateBase);
    const QColor land = QColor::fromRgbF((base.redF() + alternate.redF()) / 2, (base.greenF() + alternate.greenF()) / 2,
                                         (base.blueF() + alternate.blueF()) / 2);
    p.setPen(QPen(withAlpha(palette.color(QPalette::Mid), 110), 0)); // cosmetic: one pixel at any zoom
    p.setBrush(Qt::NoBrush);
    p.drawPath(LandOutline::sphere());
    p.setPen(QPen(withAlpha(palette.color(QPalette::Mid), 160), 0));
    p.setBrush(land);
    p.drawPath(LandOutline::land());
    if (m_shades.isEmpty())
        return;
    // Tints on the land only; a light tint on a light land, a stronger one on a dark land.
    const bool dark = land.lightnessF() < 0.5;
    p.save();
    p.setClipPath(LandOutline::land());
    p.setPen(Qt::NoPen);
    for (const Shade &shade : std::as_const(m_shades)) {
        p.setBrush(withAlpha(shade.color, dark ? 110 : 80));
        p.drawPath(shade.path);
    }
    p.restore();
    p.setBrush(Qt::NoBrush);
    for (const Shade &shade : std::as_const(m_shades)) {
        p.setPen(QPen(withAlpha(shade.color, dark ? 170 : 150), 0, Qt::DashLine));
        p.drawPath(shade.path);
    }
}

void LandLayer::setShades(const QList<Shade> &shades)
{
    if (shades == m_shades)
        return;
    m_shades = shades;
    invalidate();
}

} // namespace Keel
