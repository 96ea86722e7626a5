#pragma once

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
};

} // namespace Keel
