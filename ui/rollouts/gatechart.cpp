#include "gatechart.h"

#include "common/chartpalette.h"
#include "common/statuscolors.h"
#include "rolloutstyle.h"

#include <QDateTimeAxis>
#include <QGraphicsLayout>
#include <QLegendMarker>
#include <QLineSeries>
#include <QTimer>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace Keel {

namespace {

// A round top whose quarters read at a glance (as the Metrics pane's charts).
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

bool atLeast(const QString &gate)
{
    return gate == QLatin1String("min_requests") || gate == QLatin1String("ack");
}

} // namespace

GateChart::GateChart(const QString &gate, QWidget *parent)
    : QChartView(parent)
    , m_gate(gate)
    , m_x(new QDateTimeAxis)
    , m_y(new QValueAxis)
    , m_measured(new QLineSeries(this))
    , m_threshold(new QLineSeries(this))
{
    setObjectName(QStringLiteral("gateChart_") + gate);
    auto *chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setBackgroundRoundness(0);
    m_x->setTitleText(tr("Time"));
    m_x->setFormat(QStringLiteral("HH:mm:ss"));
    m_x->setTickCount(3);
    m_y->setTitleText(unit());
    m_y->setLabelFormat(QStringLiteral("%.3g"));
    m_y->setTickCount(5);
    m_y->setRange(0, 1);
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);
    m_measured->setName(RolloutStyle::gateLabel(gate));
    m_measured->setPointsVisible(true);
    m_threshold->setName(atLeast(gate) ? tr("at least") : tr("limit"));
    for (QLineSeries *series : {m_measured, m_threshold}) {
        chart->addSeries(series);
        series->attachAxis(m_x);
        series->attachAxis(m_y);
    }
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(260, 180);
    applyPalette();
    advance();
    updateTitle();

    auto *timer = new QTimer(this);
    timer->setInterval(std::chrono::seconds(1));
    connect(timer, &QTimer::timeout, this, [this] {
        if (m_live)
            advance();
    });
    timer->start();
}

QString GateChart::unit() const
{
    return RolloutStyle::gateUnit(m_gate);
}

QDateTime GateChart::now() const
{
    return m_clock ? m_clock() : QDateTime::currentDateTimeUtc();
}

void GateChart::setPoints(const QList<GateHistory::Point> &points)
{
    m_points.clear();
    m_measured->clear();
    for (const GateHistory::Point &point : points)
        append(point);
    advance();
    updateTitle();
}

void GateChart::append(const GateHistory::Point &point)
{
    if (!point.at.isValid() || (!m_points.isEmpty() && point.at < m_points.last().at))
        return;
    m_points.append(point);
    // A gate not measured yet (no baseline to compare with) has no value to draw.
    if (point.measured)
        m_measured->append(qreal(point.at.toMSecsSinceEpoch()), RolloutStyle::gateScale(m_gate, point.value));
    advance();
    updateTitle();
}

void GateChart::setLive(bool live)
{
    m_live = live;
    advance();
}

void GateChart::setMinimumSpan(std::chrono::milliseconds span)
{
    m_minimumSpan = span;
    advance();
}

void GateChart::advance()
{
    const qint64 span = m_minimumSpan.count();
    if (m_points.isEmpty()) {
        const QDateTime end = now();
        m_x->setRange(end.addMSecs(-span).toLocalTime(), end.toLocalTime());
    } else {
        const QDateTime start = m_points.first().at;
        QDateTime end = m_live ? std::max(now(), m_points.last().at) : m_points.last().at;
        if (start.msecsTo(end) < span)
            end = start.addMSecs(span);
        m_x->setRange(start.toLocalTime(), end.toLocalTime());
    }
    rescale();
}

void GateChart::rescale()
{
    // The threshold spans the whole axis, so that the line is there before any value.
    const qreal from = qreal(m_x->min().toMSecsSinceEpoch());
    const qreal to = qreal(m_x->max().toMSecsSinceEpoch());
    double top = 0;
    for (const QPointF &p : m_measured->points())
        top = std::max(top, p.y());
    m_threshold->clear();
    if (const auto limit = threshold()) {
        m_threshold->append(from, *limit);
        m_threshold->append(to, *limit);
        top = std::max(top, *limit);
    }
    m_y->setRange(0, niceCeiling(top * 1.2));
}

std::optional<double> GateChart::threshold() const
{
    if (m_points.isEmpty())
        return std::nullopt;
    return RolloutStyle::gateScale(m_gate, m_points.last().threshold);
}

int GateChart::pointCount() const
{
    return int(m_measured->count());
}

double GateChart::yMax() const
{
    return m_y->max();
}

QString GateChart::titleText() const
{
    return chart()->title();
}

void GateChart::updateTitle()
{
    const QString label = RolloutStyle::gateLabel(m_gate);
    if (m_points.isEmpty()) {
        chart()->setTitle(tr("%1 — no evaluation yet").arg(label));
        return;
    }
    const GateHistory::Point &last = m_points.last();
    GateResult gate;
    gate.name = m_gate;
    gate.value = last.value;
    gate.threshold = last.threshold;
    gate.passed = last.passed;
    gate.measured = last.measured;
    chart()->setTitle(RolloutStyle::gateText(gate));
    // The title's colour says it too, beside the word: red when the gate fails, amber
    // while a wave waits for enough requests.
    const bool failing = last.measured && !last.passed;
    chart()->setTitleBrush(!failing ? palette().color(QPalette::Text)
                           : atLeast(m_gate) ? StatusColors::degraded() : StatusColors::failing());
}

void GateChart::changeEvent(QEvent *event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        applyPalette();
        updateTitle();
    }
}

void GateChart::applyPalette()
{
    const QPalette p = palette();
    ChartPalette::apply(chart(), p);
    // The measured value in the text colour (it is not a state); the threshold dashed
    // in red (crossing it fails the wave) or amber for a minimum (short of it, the wave
    // waits for traffic).
    QPen measured(p.color(QPalette::Text), 1.8);
    m_measured->setPen(measured);
    m_measured->setBrush(p.color(QPalette::Text));
    QPen limit(atLeast(m_gate) ? StatusColors::degraded() : StatusColors::failing(), 1.5, Qt::DashLine);
    m_threshold->setPen(limit);
}

} // namespace Keel
