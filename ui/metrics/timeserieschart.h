#pragma once

#include <QChartView>
#include <QDateTime>
#include <QHash>

#include <chrono>
#include <functional>

class QDateTimeAxis;
class QGraphicsLineItem;
class QGraphicsSimpleTextItem;
class QLineSeries;
class QValueAxis;

namespace Keel {

// One live time-series chart: wall-clock time on the x axis, a value with its unit on the
// y axis, a legend whose entries toggle their series, and a hover read-out of every series
// at the hovered time (a shared crosshair). Points are appended and the ones that scrolled
// out of the range trimmed; a series is never rebuilt per update.
class TimeSeriesChart final : public QChartView
{
    Q_OBJECT

public:
    using Clock = std::function<QDateTime()>;

    // `unit` labels the y axis ("ms", "req/s", "MiB", "%").
    TimeSeriesChart(const QString &title, const QString &unit, QWidget *parent = nullptr);

    // The window shown, ending now; older points are dropped.
    void setRange(std::chrono::seconds range);
    std::chrono::seconds range() const { return m_range; }

    // Adds the point to the series called `name` (created on first use, with `color` or
    // the next of the chart's colours). Points must come in time order per series;
    // an older or equal time is ignored.
    void append(const QString &name, const QDateTime &at, double value, const QColor &color = {});
    void clear();
    // What the chart says when it has no points (e.g. "No traffic in this range").
    void setEmptyText(const QString &text);

    QStringList seriesNames() const;
    int pointCount(const QString &name) const;
    bool isSeriesVisible(const QString &name) const;
    void setSeriesVisible(const QString &name, bool visible);
    // The read-out at a time: "name: value unit" per visible series, nearest point.
    QString readoutAt(const QDateTime &at) const;

    void setClockForTest(Clock clock) { m_clock = std::move(clock); }
    // Moves the time axis to end now and trims (runs every second).
    void advance();

protected:
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    QLineSeries *seriesFor(const QString &name, const QColor &color);
    void rescaleY();
    void applyPalette();
    void placeEmptyText();
    QDateTime now() const;

    QString m_unit;
    std::chrono::seconds m_range{300};
    QDateTimeAxis *m_x;
    QValueAxis *m_y;
    QHash<QString, QLineSeries *> m_series;
    QStringList m_order;
    QGraphicsLineItem *m_crosshair = nullptr;
    QGraphicsSimpleTextItem *m_empty = nullptr;
    QString m_emptyText;
    Clock m_clock;
};

} // namespace Keel
