#pragma once

#include "deploymenttypes.h"
#include "fleettypes.h"
#include "metricstypes.h"
#include "wireerror.h"

#include <QByteArray>

#include <variant>

// Domain form of the /v1/agent messages as the control plane sees them.
namespace Keel {

struct AgentHello
{
    QString nodeName;
    QString region;
    QString site;
    Labels labels;
    QList<RuntimeTier> tiers;
    QString targetTriple;
    QString agentVersion;
    QByteArray publicKey;
    QString joinToken;
    QString httpEndpoint;
    QString adminEndpoint;
    quint64 appliedGeneration = 0;
};

struct AgentProof { QByteArray signature; };

struct AgentHeartbeat
{
    qint64 sentUnixMs = 0;
    quint64 appliedGeneration = 0;
};

// A valid agent message this build does not act on; counted and ignored, not a protocol
// error (room for messages a newer agent may send).
struct AgentUnhandled { QString kind; };

using AgentMessageBody = std::variant<AgentHello, AgentProof, AgentHeartbeat, StateAck, FetchArtifact, MetricsReport,
                                      AgentUnhandled>;

struct AgentMessage
{
    quint64 requestId = 0;
    AgentMessageBody body;
};

struct AgentWelcome
{
    QString nodeId;
    int heartbeatIntervalMs = 0;
    QByteArray controlPlanePublicKey;
    QString controlPlaneVersion;
    int metricsIntervalMs = 0;
};

struct AgentChallenge { QByteArray nonce; };

// What the control plane says on /v1/agent, as an agent-side tool or test reads it.
using AgentServerMessage = std::variant<AgentChallenge, AgentWelcome, WireError, DesiredState, ArtifactChunk>;

// The message an agent signs to prove it holds the key it enrolled with.
QByteArray agentProofMessage(const QString &nodeName, const QByteArray &nonce);

} // namespace Keel
