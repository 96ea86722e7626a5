#pragma once

#include "gatehistory.h"

#include <QChartView>

#include <chrono>
#include <functional>

class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace Keel {

// One gate of one wave over time: the value the control plane measured at each
// evaluation (a line with its points) against the gate's threshold (a dashed line), the
// wall-clock time on the x axis and the gate's unit on the y axis ("%", "ms", "×",
// "requests"). The title says the latest value, the threshold and whether it holds in
// words. While the wave runs the time axis follows the clock; afterwards it holds still.
class GateChart final : public QChartView
{
    Q_OBJECT

public:
    using Clock = std::function<QDateTime()>;

    explicit GateChart(const QString &gate, QWidget *parent = nullptr);

    QString gate() const { return m_gate; }
    void setPoints(const QList<GateHistory::Point> &points);
    void append(const GateHistory::Point &point);
    // Live: the time axis ends now (and moves every second); otherwise at the last point.
    void setLive(bool live);
    // The time axis spans at least this long from the first point (the wave's bake), so
    // that a wave's points fill the chart rather than a corner of it.
    void setMinimumSpan(std::chrono::milliseconds span);

    int pointCount() const;
    // The threshold in the chart's unit (a share of 1 as %), nullopt before any point.
    std::optional<double> threshold() const;
    QString unit() const;
    QString titleText() const;
    double yMax() const;

    void setClockForTest(Clock clock) { m_clock = std::move(clock); }
    // Moves the time axis (every second while live).
    void advance();

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateTitle();
    void applyPalette();
    void rescale();
    QDateTime now() const;

    QString m_gate;
    QDateTimeAxis *m_x;
    QValueAxis *m_y;
    QLineSeries *m_measured;
    QLineSeries *m_threshold;
    QList<GateHistory::Point> m_points;
    bool m_live = false;
    std::chrono::milliseconds m_minimumSpan{20000};
    Clock m_clock;
};

} // namespace Keel
