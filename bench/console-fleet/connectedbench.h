#pragma once

#include <QString>
#include <QUrl>

// The connected mode of keel-console-fleet-bench: the console's own client path
// (KeelClient, FleetFeed, LiveMetrics, the models and the Fleet and Map panes, wired as
// keel-console wires them) against a running control plane. Prints a Markdown table.
namespace KeelBench {

struct ConnectedOptions
{
    QUrl server;
    QString token;
    QString caFile;          // for wss://: a CA to trust besides the system's
    int expectNodes = 0;     // wait until this many nodes are listed (0: the first list)
    int streamSeconds = 10;  // how long frames are measured while the metrics stream flows
    int timeoutSeconds = 180;
};

// 0 when measured; otherwise the reason is printed on stderr.
int runConnected(const ConnectedOptions &options);

} // namespace KeelBench
