#include "gatepanel.h"

#include "gatechart.h"
#include "gatehistory.h"
#include "rolloutstyle.h"

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <chrono>

namespace Keel {

namespace {

// "ack" is a count of nodes that is all or nothing: the strip and the table say it.
bool charted(const QString &gate)
{
    return gate != QLatin1String("ack");
}

} // namespace

GatePanel::GatePanel(GateHistory *history, QWidget *parent)
    : QWidget(parent)
    , m_history(history)
    , m_title(new QLabel(this))
    , m_empty(new QLabel(this))
    , m_grid(new QGridLayout)
{
    setObjectName(QStringLiteral("gatePanel"));
    m_title->setObjectName(QStringLiteral("gatePanelTitle"));
    m_title->setWordWrap(true);
    m_empty->setObjectName(QStringLiteral("gatePanelEmpty"));
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setEnabled(false); // the palette's muted text colour
    m_grid->setSpacing(4);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_empty, 1);
    layout->addLayout(m_grid, 1);
    connect(history, &GateHistory::recorded, this, &GatePanel::onRecorded);
    updateTitle();
}

int GatePanel::waveToShow(const Rollout &rollout)
{
    for (const RolloutWave &wave : rollout.waves) {
        if (wave.state == WaveState::Failed)
            return wave.index;
    }
    for (const RolloutWave &wave : rollout.waves) {
        if (wave.state == WaveState::Switching || wave.state == WaveState::Baking || wave.state == WaveState::WaitingForTraffic)
            return wave.index;
    }
    for (auto it = rollout.waves.crbegin(); it != rollout.waves.crend(); ++it) {
        if (!it->gates.isEmpty())
            return it->index;
    }
    return 0;
}

void GatePanel::setRollout(const Rollout &rollout)
{
    const int wave = waveToShow(rollout);
    const bool same = rollout.id == m_rollout.id && wave == m_wave;
    m_rollout = rollout;
    m_wave = wave;
    if (!same)
        rebuild();
    const WaveState state = m_wave > 0 ? m_rollout.waves.at(m_wave - 1).state : WaveState::Pending;
    const bool live = RolloutStyle::isRunning(state) || state == WaveState::WaitingForTraffic;
    for (GateChart *chart : std::as_const(m_charts))
        chart->setLive(live);
    updateTitle();
}

void GatePanel::clear()
{
    m_rollout = {};
    m_wave = 0;
    rebuild();
    updateTitle();
}

QStringList GatePanel::chartedGates() const
{
    QStringList gates;
    for (const QString &gate : m_history->gates(m_rollout.id, m_wave)) {
        if (m_charts.contains(gate))
            gates.append(gate);
    }
    return gates;
}

GateChart *GatePanel::addChart(const QString &gate)
{
    auto *chart = new GateChart(gate, this);
    // The bake and a little more: the evaluations of a wave that passes fill the chart.
    chart->setMinimumSpan(std::chrono::seconds(std::max(10, m_rollout.spec.bakeSeconds + 2)));
    const int at = int(m_charts.size());
    m_grid->addWidget(chart, at / 2, at % 2);
    m_charts.insert(gate, chart);
    return chart;
}

void GatePanel::rebuild()
{
    qDeleteAll(m_charts);
    m_charts.clear();
    if (m_wave > 0) {
        for (const QString &gate : m_history->gates(m_rollout.id, m_wave)) {
            if (charted(gate))
                addChart(gate)->setPoints(m_history->points(m_rollout.id, m_wave, gate));
        }
    }
    m_empty->setVisible(m_charts.isEmpty());
}

void GatePanel::onRecorded(const QString &rollout, int wave)
{
    if (rollout != m_rollout.id || wave != m_wave)
        return;
    for (const QString &gate : m_history->gates(rollout, wave)) {
        if (!charted(gate))
            continue;
        const QList<GateHistory::Point> points = m_history->points(rollout, wave, gate);
        if (GateChart *chart = m_charts.value(gate))
            chart->append(points.last());
        else
            addChart(gate)->setPoints(points);
    }
    m_empty->setVisible(m_charts.isEmpty());
}

void GatePanel::updateTitle()
{
    if (m_wave == 0) {
        m_title->setText(tr("<b>Gates</b>"));
        m_empty->setText(m_rollout.id.isEmpty() ? tr("Select a rollout to see its gates.")
                                                : tr("No gate evaluated yet: a wave's gates are measured while it bakes."));
        m_empty->setVisible(true);
        return;
    }
    const RolloutWave &wave = m_rollout.waves.at(m_wave - 1);
    m_title->setText(tr("<b>Gates of wave %1 of %2</b> · %3 · %4 — %5@%6 on the wave's nodes over its bake")
                         .arg(wave.index).arg(m_rollout.waves.size())
                         .arg(wave.regions.join(QStringLiteral(", ")).toHtmlEscaped(), RolloutStyle::word(wave.state),
                              m_rollout.spec.component.toHtmlEscaped(), m_rollout.spec.version.toHtmlEscaped()));
    m_empty->setText(tr("No gate evaluated yet: the wave's gates are measured once all its nodes switched."));
}

QString GatePanel::titleText() const
{
    return m_title->text();
}

} // namespace Keel
