#pragma once

#include "agentmessages.h"
#include "decoded.h"

#include <QByteArray>
#include <QByteArrayView>

#include <functional>

namespace Keel {

// keel.v1 <-> domain for the control plane's side of /v1/agent.
class AgentChannelCodec final
{
public:
    static Decoded<AgentMessage> decode(QByteArrayView frame);

    static QByteArray encodeChallenge(quint64 requestId, const QByteArray &nonce);
    static QByteArray encodeWelcome(quint64 requestId, const AgentWelcome &welcome);
    static QByteArray encodeError(quint64 requestId, const WireError &error);
    // Serializes the state and signs it for `nodeName` (keel/v1/artifactsignature.h).
    static QByteArray encodeDesiredState(const DesiredState &state, const QString &nodeName,
                                         const std::function<QByteArray(const QByteArray &)> &sign);
    static QByteArray encodeArtifactChunk(quint64 requestId, const ArtifactChunk &chunk);

    // Agent side, for tests and tools that speak as an agent.
    static QByteArray encodeHello(quint64 requestId, const AgentHello &hello);
    static QByteArray encodeProof(quint64 requestId, const AgentProof &proof);
    static QByteArray encodeHeartbeat(const AgentHeartbeat &heartbeat);
    static QByteArray encodeStateAck(const StateAck &ack);
    static QByteArray encodeFetchArtifact(quint64 requestId, const FetchArtifact &fetch);
    static QByteArray encodeMetricsReport(const MetricsReport &report);
    static Decoded<AgentServerMessage> decodeFromServer(QByteArrayView frame);
};

} // namespace Keel
