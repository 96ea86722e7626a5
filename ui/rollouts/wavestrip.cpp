#include "wavestrip.h"

#include "rolloutstyle.h"

#include <QHelpEvent>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace Keel {

WaveStrip::WaveStrip(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("waveStrip"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void WaveStrip::setRollout(const Rollout &rollout)
{
    if (rollout == m_rollout)
        return;
    m_rollout = rollout;
    update();
}

void WaveStrip::clear()
{
    setRollout({});
}

int WaveStrip::markerHeight() const
{
    return 7;
}

QSize WaveStrip::sizeHint() const
{
    // A marker row, and two lines of text in each segment.
    return {std::max(1, waveCount()) * (kMinSegment + kGap) * 2, markerHeight() + 2 * fontMetrics().height() + 14};
}

QSize WaveStrip::minimumSizeHint() const
{
    return {kMinSegment, sizeHint().height()};
}

QList<QRect> WaveStrip::layoutSegments() const
{
    QList<QRect> rects;
    const int count = waveCount();
    if (count == 0)
        return rects;
    const int top = markerHeight();
    const int height = this->height() - top - 1;
    const int usable = std::max(0, width() - 1 - kGap * (count - 1));
    int nodes = 0;
    for (const RolloutWave &wave : m_rollout.waves)
        nodes += std::max<int>(1, int(wave.nodes.size()));
    // Each segment first gets its minimum; what is left is shared by node count, so a
    // wave of 10 nodes is wider than a canary of 1 while every label stays readable.
    const int minimum = std::min(kMinSegment, usable / count);
    const int spare = std::max(0, usable - minimum * count);
    QList<int> widths;
    int given = 0;
    for (const RolloutWave &wave : m_rollout.waves) {
        const int w = minimum + int(std::floor(double(spare) * std::max<int>(1, int(wave.nodes.size())) / nodes));
        widths.append(w);
        given += w;
    }
    widths.last() += usable - given; // rounding: the strip ends at the right edge
    int x = 0;
    for (int w : std::as_const(widths)) {
        rects.append(QRect(x, top, w, height));
        x += w + kGap;
    }
    return rects;
}

QRect WaveStrip::segmentRect(int wave) const
{
    const QList<QRect> rects = layoutSegments();
    return wave >= 0 && wave < rects.size() ? rects.at(wave) : QRect();
}

int WaveStrip::waveAt(const QPoint &pos) const
{
    const QList<QRect> rects = layoutSegments();
    for (int i = 0; i < rects.size(); ++i) {
        // The marker above a segment belongs to it too.
        if (pos.x() >= rects.at(i).left() && pos.x() <= rects.at(i).right() && pos.y() >= 0 && pos.y() <= rects.at(i).bottom())
            return i;
    }
    return -1;
}

int WaveStrip::currentWave() const
{
    const QList<RolloutWave> &waves = m_rollout.waves;
    for (int i = 0; i < waves.size(); ++i) {
        if (waves.at(i).state == WaveState::Failed)
            return i;
    }
    for (int i = 0; i < waves.size(); ++i) {
        const WaveState s = waves.at(i).state;
        if (s == WaveState::Switching || s == WaveState::Baking || s == WaveState::WaitingForTraffic)
            return i;
    }
    if (isActive(m_rollout.state)) {
        for (int i = 0; i < waves.size(); ++i) {
            if (waves.at(i).state == WaveState::Pending)
                return i;
        }
    }
    return -1;
}

QColor WaveStrip::fillColor(WaveState state)
{
    return RolloutStyle::color(state);
}

QString WaveStrip::segmentLabel(int wave) const
{
    const RolloutWave &w = m_rollout.waves.at(wave);
    return tr("%1 · %2").arg(w.index).arg(w.regions.join(u','));
}

QString WaveStrip::stateWord(int wave) const
{
    const WaveState state = m_rollout.waves.at(wave).state;
    // A wave still pending when the rollout ended will not run: "pending" would promise it.
    if (state == WaveState::Pending && !isActive(m_rollout.state))
        return tr("not run");
    return RolloutStyle::word(state);
}

QString WaveStrip::toolTipText(int wave) const
{
    if (wave < 0 || wave >= waveCount())
        return {};
    const RolloutWave &w = m_rollout.waves.at(wave);
    QStringList lines;
    lines << tr("Wave %1 of %2 — %3%4")
                 .arg(w.index).arg(waveCount())
                 .arg(stateWord(wave), wave == currentWave() ? tr(" (current)") : QString());
    lines << tr("Region: %1 · step %2").arg(w.regions.join(QStringLiteral(", "))).arg(w.step);
    lines << (w.nodes.size() == 1 ? tr("Node: %1").arg(w.nodes.first())
                                  : tr("%1 nodes: %2").arg(w.nodes.size()).arg(w.nodes.join(QStringLiteral(", "))));
    const auto time = [](const QDateTime &at) { return QLocale().toString(at.toLocalTime().time(), QStringLiteral("HH:mm:ss")); };
    if (w.bakeStarted.isValid())
        lines << tr("Baking since %1 (bake %2 s)").arg(time(w.bakeStarted)).arg(m_rollout.spec.bakeSeconds);
    else if (w.started.isValid())
        lines << tr("Started %1").arg(time(w.started));
    if (w.finished.isValid())
        lines << tr("Finished %1").arg(time(w.finished));
    if (!w.gates.isEmpty()) {
        lines << tr("Gates:");
        for (const GateResult &gate : w.gates)
            lines << QStringLiteral("  ") + RolloutStyle::gateText(gate);
    }
    return lines.join(u'\n');
}

void WaveStrip::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette &pal = palette();
    const QList<QRect> rects = layoutSegments();
    const int current = currentWave();
    QFont bold = font();
    bold.setBold(true);
    for (int i = 0; i < rects.size(); ++i) {
        const RolloutWave &wave = m_rollout.waves.at(i);
        const QRectF r = QRectF(rects.at(i)).adjusted(0.5, 0.5, -0.5, -0.5);
        const QColor fill = fillColor(wave.state);
        QColor text = pal.color(QPalette::HighlightedText);
        if (isHatched(wave.state)) {
            // Returned to the baseline: red hatching over the base, so that it reads
            // apart from a failed wave (solid red) without colour.
            painter.setPen(QPen(fill, 1.5));
            painter.setBrush(pal.color(QPalette::Base));
            painter.drawRoundedRect(r, 3, 3);
            painter.setBrush(QBrush(fill, Qt::BDiagPattern));
            painter.drawRoundedRect(r, 3, 3);
            text = pal.color(QPalette::Text);
        } else {
            painter.setPen(QPen(fill.darker(130), 1));
            painter.setBrush(fill);
            painter.drawRoundedRect(r, 3, 3);
        }
        if (i == current) {
            painter.setPen(QPen(pal.color(QPalette::WindowText), 2));
            painter.setBrush(Qt::NoBrush);
            painter.drawRoundedRect(r.adjusted(1, 1, -1, -1), 3, 3);
            // A small triangle above: "you are here".
            const qreal cx = r.center().x();
            QPainterPath marker;
            marker.moveTo(cx - 6, 0);
            marker.lineTo(cx + 6, 0);
            marker.lineTo(cx, markerHeight() - 1);
            marker.closeSubpath();
            painter.setPen(Qt::NoPen);
            painter.setBrush(pal.color(QPalette::WindowText));
            painter.drawPath(marker);
        }
        const QRectF inner = r.adjusted(6, 3, -6, -3);
        const QFontMetrics boldMetrics(bold);
        const QFontMetrics metrics(font());
        const qreal lineTop = inner.top() + (inner.height() - boldMetrics.height() - metrics.height()) / 2;
        // On a hatched segment the text sits on a halo of the base colour.
        if (isHatched(wave.state)) {
            painter.setPen(Qt::NoPen);
            QColor halo = pal.color(QPalette::Base);
            halo.setAlpha(210);
            painter.setBrush(halo);
            const int w = std::max(boldMetrics.horizontalAdvance(segmentLabel(i)), metrics.horizontalAdvance(stateWord(i)));
            painter.drawRoundedRect(QRectF(inner.left() - 2, lineTop - 1, std::min<qreal>(w + 4, inner.width() + 4),
                                           boldMetrics.height() + metrics.height() + 2), 2, 2);
        }
        painter.setPen(text);
        painter.setFont(bold);
        painter.drawText(QRectF(inner.left(), lineTop, inner.width(), boldMetrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                         boldMetrics.elidedText(segmentLabel(i), Qt::ElideRight, int(inner.width())));
        painter.setFont(font());
        const QString state = wave.nodes.size() == 1 ? stateWord(i) : tr("%1 · %2 nodes").arg(stateWord(i)).arg(wave.nodes.size());
        painter.drawText(QRectF(inner.left(), lineTop + boldMetrics.height(), inner.width(), metrics.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, metrics.elidedText(state, Qt::ElideRight, int(inner.width())));
    }
}

bool WaveStrip::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int wave = waveAt(help->pos());
        if (wave < 0) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(), toolTipText(wave), this, segmentRect(wave));
        }
        return true;
    }
    return QWidget::event(event);
}

} // namespace Keel
