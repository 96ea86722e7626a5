#pragma once

#include "rollouttypes.h"

#include <QColor>
#include <QString>

// How rollout and wave states read everywhere in the console: one colour that means the
// state (green passed or succeeded, the palette's highlight while in progress, amber
// waiting or paused, red failed or rolled back, grey pending or unknown) and always a
// word beside it. Gates: a label, the unit their values are shown in, and the value as
// text, so that the table, the strip's tooltip and the charts say the same.
namespace Keel::RolloutStyle {

QColor color(RolloutState state);
QColor color(WaveState state);
// "progressing", "rolled back", "waiting for traffic": the state names without underscores.
QString word(RolloutState state);
QString word(WaveState state);
// The palette's highlight (in progress); a plain blue without a GUI application.
QColor inProgress();
// Switching or baking: the wave runs now.
bool isRunning(WaveState state);

// "Error rate", "p99 latency", "p99 regression", "Requests", "Nodes switched".
QString gateLabel(const QString &gate);
// "%", "ms", "×", "requests", "nodes".
QString gateUnit(const QString &gate);
// A gate's value in its unit: error_rate's share of 1 as a percentage, the others as they are.
double gateScale(const QString &gate, double value);
// "0.8 %", "41 ms", "1.3×", "38 requests".
QString gateValueText(const QString &gate, double value);
// "errors 0.8 % ≤ 5 % ok", "requests 38 ≥ 10 ok", "p99 41 ms: not measured yet".
QString gateText(const GateResult &gate);

// "rolling, 1 node a wave · bake 10 s · gates: errors ≤ 5 %, at least 10 requests ·
// on failure roll back · deadline 1 h".
QString specText(const RolloutSpec &spec);
// "1 h", "90 s", "5 min".
QString durationText(int seconds);

// "hash 1.0.0 → 2.0.0"; "hash (none) → 2.0.0" when the nodes ran no version.
QString changeText(const Rollout &rollout);
// The failure in a sentence for the top of the pane, with its numbers; empty when the
// rollout has none: "Rolled back: error rate 100% on edge-eu-2 over 5 s (40 requests) exceeded 5%."
QString failureSentence(const Rollout &rollout);

} // namespace Keel::RolloutStyle
