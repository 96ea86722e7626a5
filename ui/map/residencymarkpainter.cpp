#include "residencymarkpainter.h"

#include "mapframe.h"
#include "policies/policystyle.h"
#include "regionviolations.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>

namespace Keel {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Keel::ResidencyMarkPainter", text);
}

QColor withAlpha(QColor color, int alpha)
{
    color.setAlpha(alpha);
    return color;
}

} // namespace

QRectF ResidencyMarkPainter::badgeRect(const QPointF &center, qreal radius, const QString &text, const QFont &font)
{
    const QFontMetricsF metrics(font);
    const qreal w = metrics.horizontalAdvance(text) + 14;
    const qreal h = metrics.height() + 4;
    return QRectF(center.x() - w / 2, center.y() + radius + 5, w, h);
}

void ResidencyMarkPainter::paintNodeRings(QPainter &painter, const MapFrame &frame, const RegionViolations &violations)
{
    if (violations.isEmpty())
        return;
    const qreal r = MapFrame::kNodeRadius + 3;
    painter.setBrush(Qt::NoBrush);
    for (const MapFrame::Dot &dot : frame.dots()) {
        const auto mark = violations.node(dot.name);
        if (!mark)
            continue;
        // Dashed for audit, solid for enforce: the mode as a line style too.
        painter.setPen(QPen(PolicyStyle::color(mark->mode()), 2, mark->mode() == ResidencyMode::Audit ? Qt::DashLine : Qt::SolidLine));
        painter.drawEllipse(dot.center, r, r);
    }
}

void ResidencyMarkPainter::paintBadges(QPainter &painter, const MapFrame &frame, const RegionViolations &violations,
                                       const QPalette &palette, const QFont &font)
{
    if (violations.isEmpty())
        return;
    painter.setFont(font);
    const QRectF view(painter.window());
    for (const MapFrame::Marker &marker : frame.markers()) {
        const auto mark = violations.region(marker.name);
        if (!mark)
            continue;
        // One pill per mode, side by side: red "✖ profile removed", amber "⚑ 2 flagged".
        QList<std::pair<ResidencyMode, QRectF>> pills;
        qreal width = 0;
        for (ResidencyMode mode : {ResidencyMode::Enforce, ResidencyMode::Audit}) {
            const QString text = mark->text(mode);
            if (text.isEmpty())
                continue;
            const QRectF pill = badgeRect(marker.center, marker.radius, text, font);
            pills.append({mode, pill});
            width += pill.width() + (pills.size() > 1 ? 4 : 0);
        }
        // Under the region's label when it has one, so that the two read as one block;
        // else under the marker. Kept inside the map.
        QPointF at = marker.labelShown && !marker.label.isEmpty() ? QPointF(marker.label.left(), marker.label.bottom() + 3)
                                                                  : QPointF(marker.center.x() - width / 2, pills.first().second.top());
        at.setX(std::clamp(at.x(), view.left() + 2, std::max(view.left() + 2, view.right() - width - 2)));
        for (auto &[mode, pill] : pills) {
            pill.moveTopLeft(at);
            at.rx() += pill.width() + 4;
            const QColor color = PolicyStyle::color(mode);
            // The window's colour inside with a wash of the mode's colour and its border:
            // the text keeps the palette's contrast in light and dark themes.
            painter.setPen(QPen(color, 2));
            painter.setBrush(withAlpha(palette.color(QPalette::Window), 240));
            painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2);
            painter.setPen(Qt::NoPen);
            painter.setBrush(withAlpha(color, 50));
            painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2);
            painter.setPen(palette.color(QPalette::WindowText));
            painter.drawText(pill, Qt::AlignCenter, mark->text(mode));
        }
    }
}

void ResidencyMarkPainter::paintLegend(QPainter &painter, const QRectF &view, const QList<JurisdictionAreas::Area> &areas,
                                       const RegionViolations *violations, const QPalette &palette, const QFont &font)
{
    if (areas.isEmpty())
        return;
    const QFontMetricsF metrics(font);
    const qreal line = metrics.height() + 4;
    const qreal swatch = metrics.height() - 2;
    QStringList rows;
    for (const JurisdictionAreas::Area &area : areas) {
        const QString regions = area.regions.size() == 1 ? tr("1 region") : tr("%1 regions").arg(area.regions.size());
        rows << (area.name.isEmpty() ? tr("%1 · %2").arg(area.code, regions) : tr("%1 %2 · %3").arg(area.code, area.name, regions));
    }
    const QString title = tr("Jurisdictions (shaded within %1 km of their regions)").arg(int(JurisdictionAreas::kRadiusKm));
    const bool marks = violations && !violations->isEmpty();
    const QString enforce = tr("%1 removed: enforce-mode violation").arg(PolicyStyle::glyph(ResidencyMode::Enforce));
    const QString audit = tr("%1 flagged: audit-mode violation").arg(PolicyStyle::glyph(ResidencyMode::Audit));
    qreal width = metrics.horizontalAdvance(title);
    for (const QString &row : std::as_const(rows))
        width = std::max(width, swatch + 6 + metrics.horizontalAdvance(row));
    if (marks)
        width = std::max({width, swatch + 6 + metrics.horizontalAdvance(enforce), swatch + 6 + metrics.horizontalAdvance(audit)});
    const int lines = 1 + int(rows.size()) + (marks ? 2 : 0);
    const QRectF box(view.left() + 10, view.bottom() - 10 - lines * line - 8, width + 16, lines * line + 8);

    painter.setPen(QPen(withAlpha(palette.color(QPalette::Mid), 200), 1));
    painter.setBrush(withAlpha(palette.color(QPalette::Window), 230));
    painter.drawRoundedRect(box, 4, 4);
    painter.setFont(font);
    qreal y = box.top() + 4;
    painter.setPen(palette.color(QPalette::WindowText));
    painter.drawText(QRectF(box.left() + 8, y, width, line), Qt::AlignLeft | Qt::AlignVCenter, title);
    y += line;
    for (int i = 0; i < areas.size(); ++i) {
        const QRectF sw(box.left() + 8, y + (line - swatch) / 2, swatch, swatch);
        painter.setPen(QPen(areas.at(i).color, 1, Qt::DashLine));
        painter.setBrush(withAlpha(areas.at(i).color, 110));
        painter.drawRect(sw);
        painter.setPen(palette.color(QPalette::WindowText));
        painter.drawText(QRectF(sw.right() + 6, y, width, line), Qt::AlignLeft | Qt::AlignVCenter, rows.at(i));
        y += line;
    }
    if (!marks)
        return;
    for (const auto &[mode, text] : {std::pair{ResidencyMode::Enforce, enforce}, std::pair{ResidencyMode::Audit, audit}}) {
        const QRectF sw(box.left() + 8, y + (line - swatch) / 2, swatch, swatch);
        painter.setPen(QPen(PolicyStyle::color(mode), 2));
        painter.setBrush(withAlpha(palette.color(QPalette::Window), 240));
        painter.drawRoundedRect(sw, swatch / 2, swatch / 2);
        painter.setPen(palette.color(QPalette::WindowText));
        painter.drawText(QRectF(sw.right() + 6, y, width, line), Qt::AlignLeft | Qt::AlignVCenter, text);
        y += line;
    }
}

} // namespace Keel
