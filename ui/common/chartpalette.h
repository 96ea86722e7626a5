#pragma once

#include <QColor>

class QChart;
class QPalette;

namespace Keel {

// A chart in the window's palette, so that it reads in light and dark themes alike:
// background, title, legend and every axis (labels, titles, faint grid). Series colours
// mean something and stay with each chart.
class ChartPalette final
{
public:
    static void apply(QChart *chart, const QPalette &palette);

    // The series every latency and traffic chart shares. The percentiles are one colour
    // family whose strongest line is p99: darker as they go up on a light background,
    // brighter on a dark one, so that p99 stands out in both.
    enum class Series { P50, P95, P99, Total };
    static QColor series(Series series, const QPalette &palette);
};

} // namespace Keel
