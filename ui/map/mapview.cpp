#include "mapview.h"

#include "equalearthprojection.h"
#include "healthglyph.h"
#include "landoutline.h"
#include "metrics/livemetrics.h"
#include "nodes/nodetablemodel.h"
#include "regionhealthmodel.h"
#include "regionrollouts.h"
#include "regionviolations.h"
#include "residencymarkpainter.h"
#include "rolloutmarkpainter.h"

#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace Keel {

namespace {

constexpr qreal kZoomStep = 1.5;
constexpr qreal kMaxZoom = 256;   // times the whole-world scale
constexpr qreal kDragThreshold = 4;
constexpr qreal kPanStep = 80;
constexpr std::chrono::milliseconds kZoomSettle{150};

QColor withAlpha(QColor color, int alpha)
{
    color.setAlpha(alpha);
    return color;
}

} // namespace

MapView::MapView(RegionHealthModel *regions, LiveMetrics *live, QWidget *parent)
    : QWidget(parent)
    , m_regions(regions)
    , m_live(live)
    , m_card(new QLabel(this))
{
    setObjectName(QStringLiteral("mapView"));
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent); // every pixel is painted: no background fill first
    setMinimumSize(240, 160);

    // The hover card: the palette's tooltip colours, like the panes' notes.
    m_card->setObjectName(QStringLiteral("mapHoverCard"));
    m_card->setAutoFillBackground(true);
    m_card->setBackgroundRole(QPalette::ToolTipBase);
    m_card->setForegroundRole(QPalette::ToolTipText);
    m_card->setFrameShape(QFrame::Box);
    m_card->setContentsMargins(6, 4, 6, 4);
    m_card->setTextFormat(Qt::PlainText);
    m_card->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_card->hide();

    m_settle.setSingleShot(true);
    m_settle.setInterval(kZoomSettle);
    connect(&m_settle, &QTimer::timeout, this, [this] {
        m_zooming = false;
        update();
    });

    connect(regions, &QAbstractItemModel::modelReset, this, &MapView::modelChanged);
    connect(regions, &QAbstractItemModel::layoutChanged, this, &MapView::modelChanged);
    connect(regions, &QAbstractItemModel::rowsInserted, this, &MapView::modelChanged);
    connect(regions, &QAbstractItemModel::rowsRemoved, this, &MapView::modelChanged);
    connect(regions, &QAbstractItemModel::dataChanged, this, &MapView::modelChanged);
    connect(live, &LiveMetrics::regionUpdated, this, &MapView::modelChanged);
    connect(live, &LiveMetrics::nodeUpdated, this, [this](const QString &node) {
        if (m_hover.kind == MapFrame::Hit::Kind::Node && m_hover.name == node)
            m_card->setText(cardText(m_hover));
    });
}

void MapView::modelChanged()
{
    m_frame.reset();
    updateAreas();
    if (!m_fitted && m_regions->regionCount() > 0 && width() > 0)
        fitFleet(); // the first fill shows the whole fleet
    if (m_card->isVisible())
        m_card->setText(cardText(m_hover));
    update();
}

qreal MapView::worldScale() const
{
    return std::min(width() / (2 * EqualEarthProjection::kMaxX * 1.04),
                    height() / (2 * EqualEarthProjection::kMaxY * 1.08));
}

MapViewport MapView::clamped(MapViewport viewport) const
{
    viewport.size = size();
    const qreal world = worldScale();
    viewport.scale = std::clamp(viewport.scale, world * 0.9, world * kMaxZoom);
    // The map stays in view: no edge of the world moves further in than a small margin
    // (a world smaller than the view is centred).
    auto keep = [](qreal center, qreal halfView, qreal halfWorld) {
        const qreal room = halfWorld + 0.04 - halfView;
        return room <= 0 ? 0.0 : std::clamp(center, -room, room);
    };
    viewport.center.setX(keep(viewport.center.x(), width() / 2.0 / viewport.scale, EqualEarthProjection::kMaxX));
    viewport.center.setY(keep(viewport.center.y(), height() / 2.0 / viewport.scale, EqualEarthProjection::kMaxY));
    return viewport;
}

void MapView::setViewport(const MapViewport &viewport)
{
    const MapViewport next = clamped(viewport);
    if (next == m_viewport)
        return;
    m_viewport = next;
    m_frame.reset();
    m_card->hide();
    m_hover = {};
    update();
}

void MapView::zoomIn()
{
    zoomAt(QPointF(width() / 2.0, height() / 2.0), kZoomStep);
}

void MapView::zoomOut()
{
    zoomAt(QPointF(width() / 2.0, height() / 2.0), 1 / kZoomStep);
}

void MapView::zoomAt(const QPointF &pos, qreal factor)
{
    MapViewport next = m_viewport;
    const QPointF anchor = m_viewport.toPlane(pos);
    next.scale = std::clamp(m_viewport.scale * factor, worldScale() * 0.9, worldScale() * kMaxZoom);
    // Keep the anchor under pos: center = anchor - (pos - middle) / scale.
    next.center = anchor - (pos - QPointF(width() / 2.0, height() / 2.0)) / next.scale;
    m_zooming = true;
    m_settle.start();
    setViewport(next);
}

void MapView::panBy(const QPointF &delta)
{
    MapViewport next = m_viewport;
    next.center -= delta / m_viewport.scale;
    setViewport(next);
}

void MapView::fitFleet()
{
    if (width() <= 0 || height() <= 0)
        return;
    MapViewport next;
    next.size = size();
    next.scale = worldScale();
    if (m_regions->regionCount() > 0) {
        // Not QRectF::united: it ignores the empty rectangle of a single point.
        QPointF low(1e9, 1e9), high(-1e9, -1e9);
        for (int row = 0; row < m_regions->regionCount(); ++row) {
            const Region &region = m_regions->regionAt(row);
            const QPointF p = LandOutline::toPlane(region.longitude, region.latitude);
            low = QPointF(std::min(low.x(), p.x()), std::min(low.y(), p.y()));
            high = QPointF(std::max(high.x(), p.x()), std::max(high.y(), p.y()));
        }
        const QRectF bounds(low, high);
        // Room around the points for markers, and on the right for their labels.
        const qreal left = 60, right = 200, top = 60, bottom = 70;
        const qreal w = std::max(width() - left - right, 80.0);
        const qreal h = std::max(height() - top - bottom, 60.0);
        // At least a continent's width, so that one region alone is not blown up.
        const qreal scale = std::min(w / std::max(bounds.width(), 0.6), h / std::max(bounds.height(), 0.4));
        next.scale = std::clamp(scale, worldScale(), MapFrame::kSpreadScale * 0.6);
        next.center = bounds.center() + QPointF((right - left) / 2, (bottom - top) / 2) / next.scale;
        m_fitted = true;
    }
    setViewport(next);
}

void MapView::setRollouts(RegionRollouts *rollouts)
{
    m_rollouts = rollouts;
    connect(rollouts, &RegionRollouts::changed, this, &MapView::modelChanged);
    update();
}

void MapView::setViolations(RegionViolations *violations)
{
    m_violations = violations;
    connect(violations, &RegionViolations::changed, this, &MapView::modelChanged);
    update();
}

void MapView::updateAreas()
{
    // Only a topology change moves them; the land is rendered again only then.
    QList<Region> regions;
    for (int row = 0; row < m_regions->regionCount(); ++row)
        regions.append(m_regions->regionAt(row));
    QList<JurisdictionAreas::Area> areas = JurisdictionAreas::build(regions);
    if (areas == m_areas)
        return;
    m_areas = std::move(areas);
    QList<LandLayer::Shade> shades;
    for (const JurisdictionAreas::Area &area : std::as_const(m_areas))
        shades.append({area.path, area.color});
    m_land.setShades(shades);
}

void MapView::setSelectedRegion(const QString &region)
{
    if (region == m_selectedRegion)
        return;
    m_selectedRegion = region;
    update();
}

void MapView::setSelectedNode(const QString &node)
{
    if (node == m_selectedNode)
        return;
    m_selectedNode = node;
    update();
}

const MapFrame &MapView::frame() const
{
    if (!m_frame)
        m_frame = MapFrame::build(*m_regions, *m_live, m_viewport, font());
    return *m_frame;
}

std::optional<QPointF> MapView::regionPosition(const QString &region) const
{
    if (const MapFrame::Marker *marker = frame().marker(region))
        return marker->center;
    return std::nullopt;
}

QString MapView::hintText() const
{
    if (m_regions->regionCount() > 0)
        return {};
    return tr("No regions to show yet.\n"
              "Connect to a control plane (File > Connect…) and apply a topology:\n"
              "keelctl topology apply -f topology.yaml");
}

QString MapView::hoverCardText() const
{
    return m_card->isVisible() ? m_card->text() : QString();
}

void MapView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    paintLand(painter);
    painter.setRenderHint(QPainter::Antialiasing);
    if (frame().isSpread())
        paintSpread(painter);
    paintMarkers(painter);
    if (m_violations && frame().isSpread())
        ResidencyMarkPainter::paintNodeRings(painter, frame(), *m_violations);
    if (m_rollouts)
        RolloutMarkPainter::paintRings(painter, frame(), *m_rollouts);
    paintLabels(painter);
    if (m_rollouts)
        RolloutMarkPainter::paintBadges(painter, frame(), *m_rollouts, palette(), font());
    if (m_violations)
        ResidencyMarkPainter::paintBadges(painter, frame(), *m_violations, palette(), font());
    ResidencyMarkPainter::paintLegend(painter, rect(), m_areas, m_violations, palette(), font());
    paintHint(painter);
}

void MapView::paintLand(QPainter &painter)
{
    if (!m_land.paint(painter, m_viewport, palette(), devicePixelRatioF(), m_zooming))
        m_settle.start(); // sharp again once the zoom rests
}

void MapView::paintMarkers(QPainter &painter)
{
    const QPalette &pal = palette();
    for (const MapFrame::Marker &marker : frame().markers()) {
        if (marker.name == m_selectedRegion) {
            painter.setPen(QPen(pal.color(QPalette::Highlight), 3));
            painter.setBrush(Qt::NoBrush);
            painter.drawEllipse(marker.center, marker.radius + 4, marker.radius + 4);
        }
        const QColor fill = RegionHealthModel::healthColor(marker.health);
        painter.setPen(QPen(fill.darker(140), 1));
        painter.setBrush(fill);
        painter.drawEllipse(marker.center, marker.radius, marker.radius);
        HealthGlyph::paint(painter, marker.center, marker.radius, marker.health, pal.color(QPalette::HighlightedText));
    }
}

void MapView::paintSpread(QPainter &painter)
{
    const QPalette &pal = palette();
    const MapFrame &f = frame();
    const QColor line = withAlpha(pal.color(QPalette::Mid), 180);
    const QFontMetricsF metrics(font());
    for (const MapFrame::Site &site : f.sites()) {
        if (const MapFrame::Marker *region = f.marker(site.region)) {
            painter.setPen(QPen(line, 1, Qt::DashLine));
            painter.drawLine(region->center, site.center);
        }
        painter.setPen(QPen(line, 1));
        painter.setBrush(withAlpha(pal.color(QPalette::Base), 170));
        painter.drawEllipse(site.center, site.radius, site.radius);
        painter.setPen(pal.color(QPalette::WindowText));
        const QString text = tr("%1 · %2/%3 ready").arg(site.name).arg(site.ready).arg(site.total);
        const QRectF rect(site.center.x() - 100, site.center.y() + site.radius + 2, 200, metrics.height());
        painter.drawText(rect, Qt::AlignHCenter | Qt::AlignTop, text);
    }
    // Ready nodes are filled discs, unreachable ones rings: shape as well as colour.
    // Thousands of them: each is a copy of one of two small pixmaps, not a path.
    const qreal r = MapFrame::kNodeRadius;
    const QPixmap &ready = dotPixmap(NodeStatus::Ready);
    const QPixmap &unreachable = dotPixmap(NodeStatus::Unreachable);
    for (const MapFrame::Dot &dot : f.dots())
        painter.drawPixmap(dot.center - QPointF(r, r), dot.status == NodeStatus::Ready ? ready : unreachable);
    if (const MapFrame::Dot *selected = f.dot(m_selectedNode)) {
        painter.setPen(QPen(pal.color(QPalette::Highlight), 2.5));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(selected->center, r + 3, r + 3);
        painter.setPen(pal.color(QPalette::WindowText));
        painter.drawText(selected->center + QPointF(r + 6, metrics.ascent() / 2 - 1), selected->name);
    }
}

const QPixmap &MapView::dotPixmap(NodeStatus status)
{
    auto it = m_dots.find(int(status));
    if (it != m_dots.end())
        return *it;
    const qreal r = MapFrame::kNodeRadius;
    const qreal dpr = devicePixelRatioF();
    QPixmap pixmap(QSizeF(2 * r * dpr, 2 * r * dpr).toSize());
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    if (status == NodeStatus::Ready) {
        p.setPen(Qt::NoPen);
        p.setBrush(RegionHealthModel::healthColor(RegionHealthModel::Health::Ready));
        p.drawEllipse(QPointF(r, r), r - 0.25, r - 0.25);
    } else {
        p.setPen(QPen(RegionHealthModel::healthColor(RegionHealthModel::Health::Down), 2));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(QPointF(r, r), r - 1, r - 1);
    }
    return *m_dots.insert(int(status), pixmap);
}

void MapView::paintLabels(QPainter &painter)
{
    const QPalette &pal = palette();
    QFont bold = font();
    bold.setBold(true);
    const QFontMetricsF titleMetrics(bold);
    for (const MapFrame::Marker &marker : frame().markers()) {
        if (!marker.labelShown && marker.name != m_selectedRegion)
            continue;
        const QRectF rect = marker.label;
        if (marker.detached) {
            // A label moved aside keeps a thin line to its marker.
            const QPointF towards(std::clamp(marker.center.x(), rect.left(), rect.right()),
                                  std::clamp(marker.center.y(), rect.top(), rect.bottom()));
            const QPointF d = towards - marker.center;
            const qreal length = std::hypot(d.x(), d.y());
            if (length > marker.radius) {
                painter.setPen(QPen(pal.color(QPalette::Mid), 1));
                painter.drawLine(marker.center + d * (marker.radius / length), towards);
            }
        }
        // A halo of the window colour keeps the text readable over land and coast lines.
        painter.setPen(Qt::NoPen);
        painter.setBrush(withAlpha(pal.color(QPalette::Window), 200));
        painter.drawRoundedRect(rect, 3, 3);
        painter.setPen(pal.color(marker.name == m_selectedRegion ? QPalette::Highlight : QPalette::WindowText));
        painter.setFont(bold);
        painter.drawText(rect.adjusted(3, 1, -3, 0), Qt::AlignLeft | Qt::AlignTop, marker.title);
        painter.setFont(font());
        painter.setPen(pal.color(QPalette::WindowText));
        painter.drawText(rect.adjusted(3, titleMetrics.height() + 1, -3, 0), Qt::AlignLeft | Qt::AlignTop, marker.detail);
    }
}

void MapView::paintHint(QPainter &painter)
{
    const QString hint = hintText();
    if (hint.isEmpty())
        return;
    const QRectF box = QRectF(rect()).adjusted(40, 40, -40, -40);
    QFontMetricsF metrics(font());
    const QRectF text = metrics.boundingRect(box, Qt::AlignCenter | Qt::TextWordWrap, hint).adjusted(-12, -8, 12, 8);
    painter.setPen(Qt::NoPen);
    painter.setBrush(withAlpha(palette().color(QPalette::Window), 220));
    painter.drawRoundedRect(text, 4, 4);
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(box, Qt::AlignCenter | Qt::TextWordWrap, hint);
}

void MapView::resizeEvent(QResizeEvent *)
{
    if (!m_fitted || m_viewport.size.isEmpty())
        fitFleet();
    else
        setViewport(m_viewport); // same centre and scale; re-clamped to the new size
    m_frame.reset();
}

void MapView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    m_pressAt = event->position();
    m_lastDrag = event->position();
    m_dragging = false;
}

void MapView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_pressAt && (event->buttons() & Qt::LeftButton)) {
        if (!m_dragging && QLineF(*m_pressAt, event->position()).length() >= kDragThreshold) {
            m_dragging = true;
            setCursor(Qt::ClosedHandCursor);
        }
        if (m_dragging) {
            panBy(event->position() - m_lastDrag);
            m_lastDrag = event->position();
        }
        return;
    }
    updateHover(event->position());
}

void MapView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_pressAt)
        return QWidget::mouseReleaseEvent(event);
    const bool click = !m_dragging;
    m_pressAt.reset();
    m_dragging = false;
    unsetCursor();
    if (!click) {
        updateHover(event->position());
        return;
    }
    const MapFrame::Hit hit = frame().hitAt(event->position());
    switch (hit.kind) {
    case MapFrame::Hit::Kind::Region: emit regionClicked(hit.name); break;
    case MapFrame::Hit::Kind::Node: emit nodeClicked(hit.name, hit.region); break;
    case MapFrame::Hit::Kind::None: emit backgroundClicked(); break;
    }
}

void MapView::mouseDoubleClickEvent(QMouseEvent *event)
{
    const MapFrame::Hit hit = frame().hitAt(event->position());
    if (hit.kind == MapFrame::Hit::Kind::Node) {
        emit nodeActivated(hit.name);
    } else if (hit.kind == MapFrame::Hit::Kind::Region) {
        // Into the region: far enough to spread it into its sites and nodes.
        if (const MapFrame::Marker *marker = frame().marker(hit.name)) {
            MapViewport next = m_viewport;
            next.center = m_viewport.toPlane(marker->center);
            next.scale = std::max(m_viewport.scale * 2, MapFrame::kSpreadScale * 1.3);
            setViewport(next);
        }
    }
}

void MapView::wheelEvent(QWheelEvent *event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0)
        return QWidget::wheelEvent(event);
    zoomAt(event->position(), std::pow(1.0015, delta)); // one notch (120): ×1.2
}

void MapView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomIn(); break;
    case Qt::Key_Minus: zoomOut(); break;
    case Qt::Key_Left: panBy({kPanStep, 0}); break;
    case Qt::Key_Right: panBy({-kPanStep, 0}); break;
    case Qt::Key_Up: panBy({0, kPanStep}); break;
    case Qt::Key_Down: panBy({0, -kPanStep}); break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (!m_selectedNode.isEmpty())
            emit nodeActivated(m_selectedNode);
        break;
    default: QWidget::keyPressEvent(event); return;
    }
}

void MapView::leaveEvent(QEvent *)
{
    m_hover = {};
    m_card->hide();
    unsetCursor();
}

void MapView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) {
        m_land.invalidate();
        m_dots.clear();
        m_frame.reset();
        update();
    }
    QWidget::changeEvent(event);
}

void MapView::updateHover(const QPointF &pos)
{
    const MapFrame::Hit hit = frame().hitAt(pos);
    m_hover = hit;
    if (hit.kind == MapFrame::Hit::Kind::None) {
        m_card->hide();
        unsetCursor();
        return;
    }
    setCursor(Qt::PointingHandCursor);
    m_card->setText(cardText(hit));
    m_card->adjustSize();
    // Beside the pointer, inside the map.
    QPoint at = (pos + QPointF(16, 16)).toPoint();
    if (at.x() + m_card->width() > width())
        at.setX(int(pos.x()) - 12 - m_card->width());
    if (at.y() + m_card->height() > height())
        at.setY(int(pos.y()) - 12 - m_card->height());
    m_card->move(at);
    m_card->show();
    m_card->raise();
}

QString MapView::cardText(const MapFrame::Hit &hit) const
{
    QStringList lines;
    LiveMetrics::Reading reading;
    if (hit.kind == MapFrame::Hit::Kind::Region) {
        const int row = m_regions->rowOf(hit.name);
        if (row < 0)
            return {};
        const Region &region = m_regions->regionAt(row);
        const RegionHealthModel::Counts c = m_regions->counts(region.name);
        const auto health = RegionHealthModel::healthOf(c);
        lines << (region.jurisdiction.isEmpty() ? region.name : tr("%1 · %2").arg(region.name, region.jurisdiction))
                     + tr(" — %1").arg(RegionHealthModel::healthText(health));
        lines << (c.unreachable > 0 ? tr("Nodes: %1/%2 ready, %3 unreachable").arg(c.ready).arg(c.total).arg(c.unreachable)
                                    : tr("Nodes: %1/%2 ready").arg(c.ready).arg(c.total));
        if (const auto mark = m_rollouts ? m_rollouts->mark(region.name) : std::nullopt)
            lines << tr("Rollout %1: %2").arg(mark->rollout, mark->text());
        if (const auto marked = m_violations ? m_violations->region(region.name) : std::nullopt)
            lines << tr("Residency: %1 (%2)").arg(marked->text(), marked->components.join(QStringLiteral(", ")));
        reading = m_live->region(region.name);
    } else {
        const NodeTableModel &nodes = *m_regions->nodes();
        const int row = nodes.rowOf(hit.name);
        if (row < 0)
            return {};
        const Node &node = nodes.nodeAt(row);
        lines << tr("%1 — %2").arg(node.name, toText(node.status));
        lines << tr("Region %1 · site %2").arg(node.region, node.site.isEmpty() ? tr("none") : node.site);
        if (const auto marked = m_violations ? m_violations->node(node.name) : std::nullopt)
            lines << tr("Residency: %1 (%2)").arg(marked->text(), marked->components.join(QStringLiteral(", ")));
        reading = m_live->node(node.name);
    }
    lines << tr("Requests: %1").arg(MapFrame::rateText(reading.requestsPerSecond));
    if (reading.hasLatency()) {
        lines << tr("Latency: p50 %1 ms · p99 %2 ms").arg(reading.p50Ms, 0, 'f', 1).arg(reading.p99Ms, 0, 'f', 1);
        lines << tr("Errors: %1 %").arg(reading.errorRatio() * 100, 0, 'f', reading.errorRatio() < 0.1 ? 2 : 1);
    } else {
        lines << tr("Latency: – (no traffic)");
    }
    return lines.join(u'\n');
}

} // namespace Keel
