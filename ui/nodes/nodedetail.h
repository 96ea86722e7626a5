#pragma once

#include "operatormessages.h"

#include <QHash>
#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QTableWidget;

namespace Keel {

class KeelClient;
class LiveMetrics;
class NodeHistory;
class NodeTableModel;
class TimeSeriesChart;

// One node up close: where it is and what it is, each component with its version, tier,
// state, instance memory and error, its latency and request rate (the last 5 minutes, then live), and
// what happened to it lately. An operator can label it or open it in the Metrics pane.
class NodeDetail final : public QWidget
{
    Q_OBJECT

public:
    NodeDetail(KeelClient *client, NodeTableModel *nodes, LiveMetrics *live, NodeHistory *history,
               QWidget *parent = nullptr);

    void showNode(const QString &name);
    QString node() const { return m_node; }
    // Labelling needs the operator role: below it the action is disabled, and says so.
    void setIdentity(const Keel::Op::Identity &identity);

    // The columns of componentTable().
    enum Column { NameColumn, VersionColumn, TierColumn, StateColumn, MemoryColumn, ErrorColumn, ColumnCount };
    QTableWidget *componentTable() const { return m_components; }
    TimeSeriesChart *latencyChart() const { return m_latency; }
    QListWidget *eventList() const { return m_events; }

signals:
    void metricsRequested(const QString &node);
    void closeRequested();

private:
    void refresh();
    void loadMemory();
    void refreshEvents();
    void loadSeries();
    // One metrics window onto the latency and request-rate charts.
    void plot(const MetricsWindow &w);
    void editLabels();

    KeelClient *m_client;
    NodeTableModel *m_nodes;
    LiveMetrics *m_live;
    NodeHistory *m_history;
    QString m_node;
    QLabel *m_title;
    QLabel *m_facts;
    QLabel *m_message;
    QPushButton *m_label;
    QTableWidget *m_components;
    TimeSeriesChart *m_latency;
    TimeSeriesChart *m_rate;
    QListWidget *m_events;
    quint64 m_generation = 0;
    QHash<QString, quint64> m_memory; // component -> instance memory, bytes
    bool m_canLabel = false;
};

} // namespace Keel
