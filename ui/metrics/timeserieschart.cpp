#include "timeserieschart.h"

#include "common/chartpalette.h"

#include <QApplication>
#include <QDateTimeAxis>
#include <QGraphicsLayout>
#include <QGraphicsLineItem>
#include <QGraphicsSimpleTextItem>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QMouseEvent>
#include <QTimer>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace Keel {

namespace {

// Distinct in light and dark themes, and apart for the common colour blindnesses.
const QColor kColors[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xe3, 0x7b, 0x1c), QColor(0x2c, 0xa0, 0x2c),
                          QColor(0x94, 0x67, 0xbd), QColor(0x17, 0xa5, 0xb8), QColor(0xd6, 0x27, 0x9c),
                          QColor(0x8c, 0x56, 0x4b), QColor(0x7f, 0x7f, 0x7f)};

// The y axis has kYTicks ticks (four intervals). Its top is a round number at or above
// `value` whose quarter is round too (1, 1.2, 1.6, 2, 2.4, 3.2, 4, 6 or 8 times a power
// of ten: quarters of 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1, 1.5, 2), so labels read at a glance.
constexpr int kYTicks = 5;
double niceCeiling(double value)
{
    if (value <= 0)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (double step : {1.0, 1.2, 1.6, 2.0, 2.4, 3.2, 4.0, 6.0, 8.0, 10.0}) {
        if (step * magnitude >= value)
            return step * magnitude;
    }
    return 10 * magnitude;
}

QString formatValue(double value)
{
    const int decimals = value == 0 ? 0 : value < 10 ? 2 : value < 100 ? 1 : 0;
    return QLocale().toString(value, 'f', decimals);
}

} // namespace

TimeSeriesChart::TimeSeriesChart(const QString &title, const QString &unit, QWidget *parent)
    : QChartView(parent)
    , m_unit(unit)
    , m_x(new QDateTimeAxis)
    , m_y(new QValueAxis)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setBackgroundRoundness(0);
    m_x->setTitleText(tr("Time"));
    m_x->setTickCount(6);
    m_y->setTitleText(unit);
    m_y->setLabelFormat(QStringLiteral("%.3g"));
    m_y->setTickCount(kYTicks);
    m_y->setRange(0, 1);
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    setMinimumSize(320, 200);

    m_crosshair = new QGraphicsLineItem;
    m_crosshair->setZValue(20);
    m_crosshair->hide();
    scene()->addItem(m_crosshair);
    m_empty = new QGraphicsSimpleTextItem;
    m_empty->setZValue(10);
    scene()->addItem(m_empty);
    m_emptyText = tr("No data in this range yet");

    applyPalette();
    setRange(m_range);

    auto *timer = new QTimer(this);
    timer->setInterval(std::chrono::seconds(1));
    connect(timer, &QTimer::timeout, this, &TimeSeriesChart::advance);
    timer->start();
}

QDateTime TimeSeriesChart::now() const
{
    return m_clock ? m_clock() : QDateTime::currentDateTimeUtc();
}

void TimeSeriesChart::setRange(std::chrono::seconds range)
{
    m_range = range;
    m_x->setFormat(range <= std::chrono::minutes(15) ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm"));
    advance();
}

void TimeSeriesChart::advance()
{
    const QDateTime end = now();
    const QDateTime start = end.addSecs(-m_range.count());
    m_x->setRange(start.toLocalTime(), end.toLocalTime());
    const qreal startMs = qreal(start.toMSecsSinceEpoch());
    for (QLineSeries *series : std::as_const(m_series)) {
        int old = 0;
        const int count = series->count();
        while (old < count && series->at(old).x() < startMs)
            ++old;
        // Keep one point before the range so the line enters from the left edge.
        if (old > 1)
            series->removePoints(0, old - 1);
    }
    rescaleY();
    placeEmptyText();
}

QLineSeries *TimeSeriesChart::seriesFor(const QString &name, const QColor &color)
{
    if (QLineSeries *series = m_series.value(name))
        return series;
    auto *series = new QLineSeries(this);
    series->setName(name);
    QPen pen(color.isValid() ? color : kColors[m_order.size() % std::size(kColors)]);
    pen.setWidthF(1.8);
    series->setPen(pen);
    chart()->addSeries(series);
    series->attachAxis(m_x);
    series->attachAxis(m_y);
    m_series.insert(name, series);
    m_order.append(name);
    // A legend entry toggles its series; a hidden one stays listed, dimmed.
    const auto markers = chart()->legend()->markers(series);
    for (QLegendMarker *marker : markers) {
        connect(marker, &QLegendMarker::clicked, this, [this, name] { setSeriesVisible(name, !isSeriesVisible(name)); });
    }
    applyPalette();
    return series;
}

void TimeSeriesChart::append(const QString &name, const QDateTime &at, double value, const QColor &color)
{
    if (!at.isValid() || !std::isfinite(value))
        return;
    QLineSeries *series = seriesFor(name, color);
    const qreal x = qreal(at.toMSecsSinceEpoch());
    if (series->count() > 0 && series->at(series->count() - 1).x() >= x)
        return;
    series->append(x, value);
    if (series->isVisible() && value > m_y->max())
        m_y->setRange(0, niceCeiling(value * 1.1));
    placeEmptyText();
}

void TimeSeriesChart::clear()
{
    chart()->removeAllSeries(); // deletes them
    m_series.clear();
    m_order.clear();
    m_y->setRange(0, 1);
    m_crosshair->hide();
    placeEmptyText();
}

void TimeSeriesChart::setEmptyText(const QString &text)
{
    m_emptyText = text;
    placeEmptyText();
}

QStringList TimeSeriesChart::seriesNames() const
{
    return m_order;
}

int TimeSeriesChart::pointCount(const QString &name) const
{
    const QLineSeries *series = m_series.value(name);
    return series ? series->count() : 0;
}

bool TimeSeriesChart::isSeriesVisible(const QString &name) const
{
    const QLineSeries *series = m_series.value(name);
    return series && series->isVisible();
}

void TimeSeriesChart::setSeriesVisible(const QString &name, bool visible)
{
    QLineSeries *series = m_series.value(name);
    if (!series)
        return;
    series->setVisible(visible);
    // Hiding a series hides its legend marker too; keep it, dimmed, so it can come back.
    for (QLegendMarker *marker : chart()->legend()->markers(series)) {
        marker->setVisible(true);
        QColor label = palette().color(QPalette::Text);
        if (!visible)
            label.setAlpha(90);
        marker->setLabelBrush(label);
        QColor swatch = series->pen().color();
        if (!visible)
            swatch.setAlpha(60);
        marker->setBrush(swatch);
    }
    rescaleY();
}

void TimeSeriesChart::rescaleY()
{
    double top = 0;
    const qreal startMs = qreal(now().addSecs(-m_range.count()).toMSecsSinceEpoch());
    for (const QLineSeries *series : std::as_const(m_series)) {
        if (!series->isVisible())
            continue;
        for (int i = series->count() - 1; i >= 0 && series->at(i).x() >= startMs; --i)
            top = std::max(top, series->at(i).y());
    }
    m_y->setRange(0, niceCeiling(top * 1.1));
}

QString TimeSeriesChart::readoutAt(const QDateTime &at) const
{
    const qreal x = qreal(at.toMSecsSinceEpoch());
    QStringList lines{at.toLocalTime().toString(QStringLiteral("HH:mm:ss"))};
    for (const QString &name : m_order) {
        const QLineSeries *series = m_series.value(name);
        if (!series->isVisible() || series->count() == 0)
            continue;
        // The nearest point by time (points are in time order).
        const QList<QPointF> points = series->points();
        auto it = std::lower_bound(points.cbegin(), points.cend(), x, [](const QPointF &p, qreal v) { return p.x() < v; });
        if (it == points.cend() || (it != points.cbegin() && x - std::prev(it)->x() < it->x() - x))
            it = std::prev(it);
        // A point far from the hovered time says nothing about it.
        if (std::abs(it->x() - x) > std::max<qreal>(15000, m_range.count() * 1000.0 / 60))
            continue;
        lines.append(QStringLiteral("%1: %2 %3").arg(name, formatValue(it->y()), m_unit));
    }
    return lines.join(u'\n');
}

void TimeSeriesChart::mouseMoveEvent(QMouseEvent *event)
{
    QChartView::mouseMoveEvent(event);
    const QPointF scenePos = mapToScene(event->position().toPoint());
    const QRectF plot = chart()->plotArea();
    if (!plot.contains(scenePos) || m_series.isEmpty()) {
        m_crosshair->hide();
        QToolTip::hideText();
        return;
    }
    const QPointF value = chart()->mapToValue(chart()->mapFromScene(scenePos));
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(qint64(value.x()), Qt::UTC);
    m_crosshair->setLine(scenePos.x(), plot.top(), scenePos.x(), plot.bottom());
    m_crosshair->show();
    QToolTip::showText(event->globalPosition().toPoint() + QPoint(14, 10), readoutAt(at), this);
}

void TimeSeriesChart::leaveEvent(QEvent *event)
{
    m_crosshair->hide();
    QToolTip::hideText();
    QChartView::leaveEvent(event);
}

void TimeSeriesChart::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    // As many time labels as fit without eliding ("09:3…" says nothing).
    const int label = fontMetrics().horizontalAdvance(QStringLiteral("00:00:00")) + 24;
    m_x->setTickCount(std::clamp(int(chart()->plotArea().width()) / label + 1, 2, 6));
    placeEmptyText();
}

void TimeSeriesChart::changeEvent(QEvent *event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        applyPalette();
}

void TimeSeriesChart::applyPalette()
{
    const QPalette p = palette();
    ChartPalette::apply(chart(), p);
    QColor cross = p.color(QPalette::Text);
    cross.setAlpha(120);
    m_crosshair->setPen(QPen(cross, 1, Qt::DashLine));
    m_empty->setBrush(p.color(QPalette::PlaceholderText));
}

void TimeSeriesChart::placeEmptyText()
{
    bool any = false;
    for (const QLineSeries *series : std::as_const(m_series))
        any = any || series->count() > 0;
    m_empty->setVisible(!any);
    if (any)
        return;
    m_empty->setText(m_emptyText);
    const QRectF plot = chart()->plotArea();
    const QRectF text = m_empty->boundingRect();
    m_empty->setPos(plot.center() - QPointF(text.width() / 2, text.height() / 2));
}

} // namespace Keel
