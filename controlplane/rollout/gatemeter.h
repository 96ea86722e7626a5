#pragma once

#include "latencyhistogram.h"
#include "metricstypes.h"
#include "rollouttypes.h"

#include <QDateTime>
#include <QHash>
#include <QSet>

#include <optional>

namespace Keel {

// One wave's health over its bake window: the bucket deltas its nodes report for the new
// version, and the baseline version's on the rollout's nodes not yet switched, over the
// same window. Gates are judged from merged buckets (never from averaged percentiles).
class GateMeter final
{
public:
    struct Window
    {
        QString component;
        QString version;          // the new one
        QString baselineVersion;  // empty: none to compare with
        QSet<QString> waveNodes;
        QSet<QString> baselineNodes;
        QDateTime since;
    };

    void reset(Window window);
    const Window &window() const { return m_window; }
    // A node's report: counted when it is about the window's component on one of its
    // nodes and ends after the window began.
    void add(const QString &node, const MetricsReport &report);

    quint64 requests() const { return m_total.requests; }
    // Each gate the spec sets (min_requests always) as measured now. fallbackBaselineP99Ms:
    // the last baseline p99 measured (an earlier wave's), for a window without baseline traffic.
    QList<GateResult> evaluate(const RolloutGates &gates, const QDateTime &now,
                               std::optional<double> fallbackBaselineP99Ms = std::nullopt) const;
    // The baseline's p99 over the window, when it had traffic.
    std::optional<double> baselineP99Ms() const;
    // Why a failed gate failed, in words and numbers, naming the nodes that broke it.
    RolloutFailure explain(const GateResult &gate, const QDateTime &now) const;

private:
    struct Tally
    {
        LatencyHistogram latency;
        quint64 requests = 0;
        quint64 errors = 0;
        void add(const ComponentMetricsDelta &delta);
    };

    double seconds(const QDateTime &now) const;
    QStringList worstNodes(const GateResult &gate) const;

    Window m_window;
    QHash<QString, Tally> m_nodes; // wave nodes, new version
    Tally m_total;
    Tally m_baseline;
    QSet<QString> m_baselineSeen;
};

} // namespace Keel
