#include "chartpalette.h"

#include <QAbstractAxis>
#include <QChart>
#include <QLegend>
#include <QPalette>

namespace Keel {

void ChartPalette::apply(QChart *chart, const QPalette &p)
{
    const QColor text = p.color(QPalette::Text);
    chart->setBackgroundBrush(p.color(QPalette::Base));
    chart->setBackgroundPen(Qt::NoPen);
    chart->setPlotAreaBackgroundVisible(false);
    chart->setTitleBrush(text);
    chart->legend()->setLabelColor(text);
    QColor grid = text;
    grid.setAlpha(40);
    for (QAbstractAxis *axis : chart->axes()) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(text);
        axis->setGridLineColor(grid);
        axis->setLinePenColor(grid);
    }
}

QColor ChartPalette::series(Series series, const QPalette &p)
{
    const bool dark = p.color(QPalette::Base).lightness() < 128;
    switch (series) {
    case Series::P50:
        return dark ? QColor(0x4a, 0x86, 0xbd) : QColor(0x7f, 0xb8, 0xe6);
    case Series::P95:
        return dark ? QColor(0x6f, 0xb4, 0xf0) : QColor(0x2f, 0x86, 0xd0);
    case Series::P99:
        return dark ? QColor(0xbf, 0xe0, 0xff) : QColor(0x1b, 0x4f, 0xa0);
    case Series::Total:
        return dark ? QColor(0xb4, 0xba, 0xc4) : QColor(0x59, 0x5f, 0x69);
    }
    return p.color(QPalette::Text);
}

} // namespace Keel
