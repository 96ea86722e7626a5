#pragma once

#include "metricstypes.h"

#include <QWidget>

#include <chrono>

class QComboBox;
class QLabel;
class QButtonGroup;
class QTimer;

namespace Keel {

class KeelClient;
class LiveMetrics;
class NodeTableModel;
class RegionListModel;
class TimeSeriesChart;

// Live charts of the fleet: latency (p50/p95/p99), request rate and error rate of one
// component or of all of them, for the fleet (with a line per region), a region or a
// node, and memory per node. A range (5 min, 1 h, 24 h) is read from the control plane's
// series; the live windows of the watch stream are appended as they arrive.
class MetricsPane final : public QWidget
{
    Q_OBJECT

public:
    MetricsPane(KeelClient *client, LiveMetrics *live, NodeTableModel *nodes, RegionListModel *regions,
                QWidget *parent = nullptr);

    // Shows the fleet (both empty), a region or a node.
    void showScope(const QString &region, const QString &node = {});
    // Empty: all components merged.
    void showComponent(const QString &component);
    void setRange(std::chrono::seconds range);
    // Asks the control plane for the range again (F5, reconnect).
    void reload();

    TimeSeriesChart *latencyChart() const { return m_latency; }
    TimeSeriesChart *rateChart() const { return m_rate; }
    TimeSeriesChart *errorChart() const { return m_errors; }
    TimeSeriesChart *memoryChart() const { return m_memory; }
    QString scopeRegion() const { return m_region; }
    QString scopeNode() const { return m_node; }
    QString component() const { return m_component; }

    static constexpr int kMaxMemorySeries = 12;

private:
    void refreshChoices();
    void onWindow(const MetricsWindow &window);
    void addAggregate(const MetricsWindow &window);
    void addRegionLine(const MetricsWindow &window);
    void addMemory(const MetricsWindow &window);
    QStringList memoryNodes() const;
    bool memoryNodesChanged() const;
    QString scopeName() const;
    void setStatus(const QString &text);

    KeelClient *m_client;
    LiveMetrics *m_live;
    NodeTableModel *m_nodes;
    RegionListModel *m_regions;
    QComboBox *m_componentBox;
    QComboBox *m_scopeBox;
    QButtonGroup *m_ranges;
    QLabel *m_status;
    TimeSeriesChart *m_latency;
    TimeSeriesChart *m_rate;
    TimeSeriesChart *m_errors;
    TimeSeriesChart *m_memory;
    QTimer *m_choicesTimer;
    QString m_component;
    QString m_region;
    QString m_node;
    QStringList m_memoryNodes;
    std::chrono::seconds m_range{300};
    quint64 m_generation = 0; // answers for an earlier choice are dropped
    int m_pending = 0;
    bool m_updatingChoices = false;
};

} // namespace Keel
