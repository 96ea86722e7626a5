#pragma once

#include "rollouttypes.h"

#include <QHash>
#include <QWidget>

class QGridLayout;
class QLabel;

namespace Keel {

class GateChart;
class GateHistory;

// The gates of one wave of a rollout, one small chart per gate (error rate in %, p99 in
// ms, regression in ×, requests against their minimum), from the gate history: the wave
// that failed, else the one baking or waiting for traffic, else the last one judged.
// Charts are rebuilt when the wave shown changes and otherwise only appended to.
class GatePanel final : public QWidget
{
    Q_OBJECT

public:
    explicit GatePanel(GateHistory *history, QWidget *parent = nullptr);

    void setRollout(const Rollout &rollout);
    void clear();

    // The wave shown (from 1), 0 for none.
    int wave() const { return m_wave; }
    QStringList chartedGates() const;
    GateChart *chart(const QString &gate) const { return m_charts.value(gate); }
    QString titleText() const;

    // The wave whose gates matter most now, as described above; 0 for none.
    static int waveToShow(const Rollout &rollout);

private:
    void rebuild();
    void onRecorded(const QString &rollout, int wave);
    GateChart *addChart(const QString &gate);
    void updateTitle();

    GateHistory *m_history;
    Rollout m_rollout;
    int m_wave = 0;
    QLabel *m_title;
    QLabel *m_empty;
    QGridLayout *m_grid;
    QHash<QString, GateChart *> m_charts;
};

} // namespace Keel
