#pragma once

// A test agent that speaks /v1/agent frame by frame over a real WebSocket with a real
// ed25519 key, so control-plane tests see exactly what the protocol carries.

#include "agentchannelcodec.h"

#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

#include <sodium.h>

#include <functional>
#include <memory>
#include <optional>
#include <variant>

namespace Keel::Testing {

inline bool verify(const QByteArray &publicKey, const std::string &message, const QByteArray &signature)
{
    return signature.size() == crypto_sign_BYTES
           && crypto_sign_verify_detached(reinterpret_cast<const unsigned char *>(signature.constData()),
                                          reinterpret_cast<const unsigned char *>(message.data()), message.size(),
                                          reinterpret_cast<const unsigned char *>(publicKey.constData()))
                  == 0;
}

// One agent: its key, its socket, and every server message it received.
class RawAgent
{
public:
    RawAgent(QString name, QString region)
        : m_name(std::move(name))
        , m_region(std::move(region))
        , m_publicKey(crypto_sign_PUBLICKEYBYTES, Qt::Uninitialized)
        , m_secretKey(crypto_sign_SECRETKEYBYTES, Qt::Uninitialized)
    {
        crypto_sign_keypair(reinterpret_cast<unsigned char *>(m_publicKey.data()), reinterpret_cast<unsigned char *>(m_secretKey.data()));
    }

    // Hello (with a join token the first time), proof, Welcome. False on any refusal.
    bool connect(const QString &url, const QString &joinToken = {})
    {
        m_socket = std::make_unique<QWebSocket>();
        m_received.clear();
        QObject::connect(m_socket.get(), &QWebSocket::binaryMessageReceived, m_socket.get(), [this](const QByteArray &frame) {
            auto decoded = AgentChannelCodec::decodeFromServer(frame);
            if (decoded) {
                if (const auto *state = std::get_if<DesiredState>(&*decoded.value))
                    m_generations.append(state->generation);
                m_received.append(*decoded.value);
            }
        });
        QSignalSpy up(m_socket.get(), &QWebSocket::connected);
        m_socket->open(QUrl(url + QStringLiteral("/v1/agent")));
        if (!up.wait(5000))
            return false;
        AgentHello hello;
        hello.nodeName = m_name;
        hello.region = m_region;
        hello.tiers = {RuntimeTier::Interpreter, RuntimeTier::Aot};
        hello.targetTriple = QStringLiteral("x86_64-linux-gnu");
        hello.agentVersion = QStringLiteral("test");
        hello.publicKey = m_publicKey;
        hello.joinToken = joinToken;
        m_socket->sendBinaryMessage(AgentChannelCodec::encodeHello(1, hello));
        const auto challenge = next<AgentChallenge>();
        if (!challenge)
            return false;
        const QByteArray message = agentProofMessage(m_name, challenge->nonce);
        QByteArray signature(crypto_sign_BYTES, Qt::Uninitialized);
        crypto_sign_detached(reinterpret_cast<unsigned char *>(signature.data()), nullptr,
                             reinterpret_cast<const unsigned char *>(message.constData()), size_t(message.size()),
                             reinterpret_cast<const unsigned char *>(m_secretKey.constData()));
        m_socket->sendBinaryMessage(AgentChannelCodec::encodeProof(2, {signature}));
        const auto welcome = next<AgentWelcome>();
        if (!welcome)
            return false;
        m_controlPlaneKey = welcome->controlPlanePublicKey;
        return true;
    }

    // The next message of type T, waiting for it; earlier ones of other types are kept.
    template<typename T>
    std::optional<T> next(int timeoutMs = 10000)
    {
        std::optional<T> found;
        (void)QTest::qWaitFor([&] {
            for (qsizetype i = 0; i < m_received.size(); ++i) {
                if (const auto *value = std::get_if<T>(&m_received[i])) {
                    found = *value;
                    m_received.removeAt(i);
                    return true;
                }
            }
            return false;
        }, timeoutMs);
        return found;
    }

    // The newest desired state that arrives within the timeout satisfying `accept`.
    std::optional<DesiredState> desiredState(const std::function<bool(const DesiredState &)> &accept, int timeoutMs = 30000)
    {
        std::optional<DesiredState> found;
        (void)QTest::qWaitFor([&] {
            while (auto state = next<DesiredState>(0)) {
                if (accept(*state))
                    found = state;
            }
            return found.has_value();
        }, timeoutMs);
        return found;
    }

    // The whole artifact, chunk by chunk, or the error the server answered.
    std::variant<QByteArray, WireError> fetch(const QString &digest)
    {
        QByteArray data;
        for (int round = 0; round < 1000; ++round) {
            m_socket->sendBinaryMessage(AgentChannelCodec::encodeFetchArtifact(100 + round, {digest, quint64(data.size())}));
            std::optional<ArtifactChunk> chunk;
            std::optional<WireError> error;
            (void)QTest::qWaitFor([&] {
                chunk = next<ArtifactChunk>(0);
                if (!chunk)
                    error = next<WireError>(0);
                return chunk || error;
            }, 10000);
            if (error)
                return *error;
            if (!chunk || chunk->offset != quint64(data.size()))
                return WireError{ErrorCode::Internal, QStringLiteral("no or out-of-order chunk"), {}};
            data.append(chunk->data);
            ++m_chunks;
            if (chunk->last)
                return data;
        }
        return WireError{ErrorCode::Internal, QStringLiteral("too many chunks"), {}};
    }

    void ack(const StateAck &ack) { m_socket->sendBinaryMessage(AgentChannelCodec::encodeStateAck(ack)); }
    void report(const MetricsReport &report) { m_socket->sendBinaryMessage(AgentChannelCodec::encodeMetricsReport(report)); }
    void drop() { m_socket.reset(); }

    QByteArray controlPlaneKey() const { return m_controlPlaneKey; }
    // The generation of every desired state received on any connection, in order.
    QList<quint64> generations() const { return m_generations; }
    int chunks() const { return m_chunks; }

private:
    QString m_name;
    QString m_region;
    QByteArray m_publicKey;
    QByteArray m_secretKey;
    QByteArray m_controlPlaneKey;
    std::unique_ptr<QWebSocket> m_socket;
    QList<AgentServerMessage> m_received;
    int m_chunks = 0;
    QList<quint64> m_generations;
};


} // namespace Keel::Testing
