#pragma once

#include "jurisdictionareas.h"
#include "landlayer.h"
#include "mapframe.h"
#include "mapviewport.h"

#include <QHash>
#include <QPixmap>
#include <QTimer>
#include <QWidget>

#include <optional>

class QLabel;

namespace Keel {

class LiveMetrics;
class RegionHealthModel;
class RegionRollouts;
class RegionViolations;

// The world map of the fleet: land in the palette's tones, a marker per region, and when
// zoomed in each region's sites and nodes. Drag pans, the wheel and +/- zoom; hovering
// shows a card with the numbers, a click selects (regionClicked/nodeClicked).
// Draws in paintEvent from a MapFrame rebuilt only when the view or the models move; the
// land is rendered once per viewport into a pixmap and reused for every other repaint.
class MapView final : public QWidget
{
    Q_OBJECT

public:
    MapView(RegionHealthModel *regions, LiveMetrics *live, QWidget *parent = nullptr);

    void zoomIn();
    void zoomOut();
    // Shows every region (the whole world while there is none).
    void fitFleet();
    // Zooms by factor keeping the map point under pos where it is.
    void zoomAt(const QPointF &pos, qreal factor);
    void panBy(const QPointF &delta);
    const MapViewport &viewport() const { return m_viewport; }

    // The regions rollouts are working in, marked over their markers (none without).
    void setRollouts(RegionRollouts *rollouts);
    // The regions and nodes with residency violations, marked (none without).
    void setViolations(RegionViolations *violations);
    void setSelectedRegion(const QString &region);
    void setSelectedNode(const QString &node);

    // What is drawn where, in widget pixels (tests, the benchmark).
    const MapFrame &frame() const;
    std::optional<QPointF> regionPosition(const QString &region) const;
    // The text shown over an empty map; empty when there are regions.
    QString hintText() const;
    QString hoverCardText() const;
    // The jurisdictions shaded on the land, as the legend names them.
    const QList<JurisdictionAreas::Area> &jurisdictionAreas() const { return m_areas; }

    QSize sizeHint() const override { return {800, 500}; }

signals:
    void regionClicked(const QString &region);
    void nodeClicked(const QString &node, const QString &region);
    void nodeActivated(const QString &node);
    void backgroundClicked();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void modelChanged();
    void updateAreas();
    void setViewport(const MapViewport &viewport);
    MapViewport clamped(MapViewport viewport) const;
    qreal worldScale() const;
    void paintLand(QPainter &painter);
    void paintMarkers(QPainter &painter);
    void paintSpread(QPainter &painter);
    void paintLabels(QPainter &painter);
    const QPixmap &dotPixmap(NodeStatus status);
    void paintHint(QPainter &painter);
    void updateHover(const QPointF &pos);
    QString cardText(const MapFrame::Hit &hit) const;

    RegionHealthModel *m_regions;
    LiveMetrics *m_live;
    RegionRollouts *m_rollouts = nullptr;
    RegionViolations *m_violations = nullptr;
    QList<JurisdictionAreas::Area> m_areas;
    MapViewport m_viewport;
    bool m_fitted = false;
    mutable std::optional<MapFrame> m_frame; // rebuilt lazily after a change
    LandLayer m_land;
    QTimer m_settle;     // a zoom rests when no step came for a moment
    bool m_zooming = false;
    QHash<int, QPixmap> m_dots; // per NodeStatus
    QString m_selectedRegion;
    QString m_selectedNode;
    MapFrame::Hit m_hover;
    QLabel *m_card;
    std::optional<QPointF> m_pressAt;
    QPointF m_lastDrag;
    bool m_dragging = false;
};

} // namespace Keel
