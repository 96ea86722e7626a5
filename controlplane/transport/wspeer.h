#pragma once

#include <QByteArray>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace Keel {

// The network thread's side of one WebSocket connection. Every call below may come from
// any thread: it is posted to the network thread, in call order, and never blocks.
class WsPeer : public std::enable_shared_from_this<WsPeer>
{
public:
    virtual ~WsPeer() = default;

    // Queues one binary message.
    virtual void send(QByteArray message) = 0;
    // Sends a close frame after the messages already queued, then waits (a bounded time)
    // for the peer's.
    virtual void close(int code, std::string reason) = 0;
    // Drops the connection now; queued messages are lost.
    virtual void abort() = 0;
    // The largest message accepted from now on; a larger one closes the connection (1009).
    virtual void setReadLimit(std::uint64_t bytes) = 0;

    // Bytes queued and not yet written to the socket.
    std::int64_t queuedBytes() const { return m_queuedBytes.load(std::memory_order_relaxed); }

    // Flow control: the Qt side has handled a message of this size. A connection stops
    // reading while more than kMaxUnconsumedBytes of its messages wait for the Qt side, so
    // a peer that sends faster than the control plane handles fills its own socket
    // buffers, not the control plane's memory. Called on the Qt thread; cheap.
    static constexpr std::int64_t kMaxUnconsumedBytes = 1024 * 1024;
    void consumed(std::int64_t bytes)
    {
        const std::int64_t left = m_unconsumed.fetch_sub(bytes, std::memory_order_acq_rel) - bytes;
        if (left <= kMaxUnconsumedBytes && m_readPaused.exchange(false, std::memory_order_acq_rel))
            resumeReading();
    }

protected:
    // Called (from any thread) once reading may go on after a pause.
    virtual void resumeReading() = 0;

    std::atomic<std::int64_t> m_queuedBytes{0};
    std::atomic<std::int64_t> m_unconsumed{0};
    std::atomic<bool> m_readPaused{false};
};

} // namespace Keel
