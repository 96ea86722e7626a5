#pragma once

#include "wsmailbox.h"
#include "wspeer.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <deque>
#include <functional>
#include <optional>
#include <string_view>
#include <type_traits>

namespace Keel {

// One WebSocket connection on the network thread: the TLS handshake (when `Next` is a TLS
// stream), the HTTP upgrade, then a read loop that hands each whole message to the
// mailbox, and a write queue fed from the Qt side. Reads and writes cost the same however
// many other connections are open: the socket is watched by epoll through Asio.
template<class Next>
class WsStreamPeer final : public WsPeer
{
public:
    // The largest message a path accepts before its session says otherwise.
    using ReadLimits = std::function<std::uint64_t(std::string_view path)>;

    static constexpr std::chrono::seconds kUpgradeTimeout{10};  // TLS + HTTP upgrade
    static constexpr std::chrono::seconds kCloseTimeout{5};     // our close frame answered
    static constexpr std::chrono::seconds kIdleTimeout{120};    // nothing heard, a ping unanswered

    template<class... StreamArgs>
    WsStreamPeer(quint64 id, WsMailbox &mailbox, ReadLimits limits, StreamArgs &&...streamArgs)
        : m_id(id)
        , m_mailbox(mailbox)
        , m_limits(std::move(limits))
        , m_ws(std::forward<StreamArgs>(streamArgs)...)
    {
    }

    void start()
    {
        boost::asio::co_spawn(m_ws.get_executor(), run(self()), boost::asio::detached);
    }

    void send(QByteArray message) override
    {
        m_queuedBytes.fetch_add(message.size(), std::memory_order_relaxed);
        boost::asio::post(m_ws.get_executor(), [self = self(), message = std::move(message)]() mutable {
            if (self->m_finished || self->m_closeRequest) {
                self->m_queuedBytes.fetch_sub(message.size(), std::memory_order_relaxed);
                return;
            }
            self->m_queue.push_back(std::move(message));
            self->pump();
        });
    }

    void close(int code, std::string reason) override
    {
        boost::asio::post(m_ws.get_executor(), [self = self(), code, reason = std::move(reason)]() mutable {
            if (self->m_finished || self->m_closeRequest)
                return;
            self->m_closeRequest = boost::beast::websocket::close_reason(
                static_cast<boost::beast::websocket::close_code>(code), reason);
            self->pump();
        });
    }

    void abort() override
    {
        boost::asio::post(m_ws.get_executor(), [self = self()] { self->dropNow(); });
    }

    void setReadLimit(std::uint64_t bytes) override
    {
        boost::asio::post(m_ws.get_executor(), [self = self(), bytes] { self->m_ws.read_message_max(bytes); });
    }

protected:
    void resumeReading() override
    {
        boost::asio::post(m_ws.get_executor(), [self = self()] { self->m_resume.cancel(); });
    }

private:
    using Tcp = boost::beast::tcp_stream;
    static constexpr bool kTls = !std::is_same_v<Next, Tcp>;

    std::shared_ptr<WsStreamPeer> self()
    {
        return std::static_pointer_cast<WsStreamPeer>(shared_from_this());
    }

    Tcp &tcp() { return boost::beast::get_lowest_layer(m_ws); }

    void fail(const char *pathLabel, const char *label, const QString &what)
    {
        m_finished = true;
        WsEvent event;
        event.kind = WsEvent::Kind::Failed;
        event.id = m_id;
        event.pathLabel = pathLabel;
        event.label = label;
        event.reason = what;
        fillPeer(event);
        m_mailbox.post(std::move(event));
        boost::beast::error_code ignored;
        tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
        tcp().close();
    }

    void fillPeer(WsEvent &event)
    {
        boost::beast::error_code ec;
        const auto endpoint = tcp().socket().remote_endpoint(ec);
        if (!ec) {
            event.address = QString::fromStdString(endpoint.address().to_string());
            event.port = endpoint.port();
        }
    }

    static QString text(const boost::beast::error_code &ec)
    {
        return QString::fromStdString(ec.message());
    }

    boost::asio::awaitable<void> run(std::shared_ptr<WsStreamPeer> keepAlive)
    {
        namespace asio = boost::asio;
        namespace http = boost::beast::http;
        namespace websocket = boost::beast::websocket;
        constexpr auto tuple = asio::as_tuple(asio::use_awaitable);

        tcp().expires_after(kUpgradeTimeout);
        if constexpr (kTls) {
            auto [ec] = co_await m_ws.next_layer().async_handshake(asio::ssl::stream_base::server, tuple);
            if (ec) {
                fail("tls", "handshake", QStringLiteral("TLS handshake failed: %1").arg(text(ec)));
                co_return;
            }
        }
        http::request_parser<http::empty_body> parser;
        parser.header_limit(16 * 1024);
        auto [readError, readBytes] = co_await http::async_read(m_ws.next_layer(), m_buffer, parser, tuple);
        if (readError) {
            fail("unknown", "bad_request", QStringLiteral("no WebSocket upgrade request: %1").arg(text(readError)));
            co_return;
        }
        http::request<http::empty_body> request = parser.release();
        if (!websocket::is_upgrade(request)) {
            http::response<http::string_body> response{http::status::upgrade_required, request.version()};
            response.set(http::field::server, "keel-controlplane");
            response.set(http::field::upgrade, "websocket");
            response.set(http::field::content_type, "text/plain");
            response.body() = "keel-controlplane speaks WebSocket only: connect to /v1/agent or /v1/operator with a WebSocket client\n";
            response.keep_alive(false);
            response.prepare_payload();
            co_await http::async_write(m_ws.next_layer(), response, tuple);
            fail("unknown", "not_websocket",
                 QStringLiteral("an HTTP %1 request for %2 without a WebSocket upgrade; answered 426")
                     .arg(QString::fromStdString(std::string(request.method_string())),
                          QString::fromStdString(std::string(request.target())).left(120)));
            co_return;
        }
        const std::string_view target(request.target().data(), request.target().size());
        const std::string_view path = target.substr(0, target.find('?'));
        tcp().expires_never();
        m_ws.set_option(websocket::stream_base::timeout{kCloseTimeout, kIdleTimeout, true});
        m_ws.set_option(websocket::stream_base::decorator(
            [](websocket::response_type &response) { response.set(http::field::server, "keel-controlplane"); }));
        const std::uint64_t readLimit = m_limits(path);
        m_ws.read_message_max(readLimit);
        m_ws.auto_fragment(false);
        m_ws.binary(true);
        auto [acceptError] = co_await m_ws.async_accept(request, tuple);
        if (acceptError) {
            fail("unknown", "bad_upgrade", QStringLiteral("the WebSocket upgrade failed: %1").arg(text(acceptError)));
            co_return;
        }

        WsEvent opened;
        opened.kind = WsEvent::Kind::Opened;
        opened.id = m_id;
        opened.peer = keepAlive;
        opened.path = QString::fromUtf8(path.data(), qsizetype(path.size()));
        opened.readLimit = readLimit;
        for (const auto &field : request)
            opened.headers.append({QByteArray(field.name_string().data(), qsizetype(field.name_string().size())),
                                   QByteArray(field.value().data(), qsizetype(field.value().size()))});
        fillPeer(opened);
        m_mailbox.post(std::move(opened));
        m_open = true;
        pump(); // anything queued between the accept and now

        m_buffer.clear();
        for (;;) {
            auto [ec, bytes] = co_await m_ws.async_read(m_buffer, tuple);
            if (ec) {
                int code = 1006;
                QString reason;
                if (ec == websocket::error::closed) {
                    code = m_ws.reason().code;
                    reason = QString::fromStdString(std::string(m_ws.reason().reason.c_str()));
                } else if (ec == websocket::error::message_too_big) {
                    code = 1009;
                    reason = QStringLiteral("message too big");
                } else {
                    reason = text(ec);
                }
                finish(code, reason);
                co_return;
            }
            WsEvent message;
            message.kind = m_ws.got_text() ? WsEvent::Kind::Text : WsEvent::Kind::Binary;
            message.id = m_id;
            const auto data = m_buffer.cdata();
            message.data = QByteArray(static_cast<const char *>(data.data()), qsizetype(data.size()));
            m_buffer.consume(m_buffer.size());
            const std::int64_t size = message.data.size();
            m_mailbox.post(std::move(message));
            if (m_unconsumed.fetch_add(size, std::memory_order_acq_rel) + size > kMaxUnconsumedBytes) {
                // Paused first, then looked again: whichever side clears the flag resumes.
                m_readPaused.store(true, std::memory_order_release);
                if (m_unconsumed.load(std::memory_order_acquire) <= kMaxUnconsumedBytes
                    && m_readPaused.exchange(false, std::memory_order_acq_rel)) {
                    continue;
                }
                m_resume.expires_at(boost::asio::steady_timer::time_point::max());
                co_await m_resume.async_wait(tuple); // cancelled by resumeReading() or dropNow()
            }
        }
    }

    void pump()
    {
        if (m_writing || !m_open || m_finished)
            return;
        if (!m_queue.empty()) {
            m_writing = true;
            const QByteArray &front = m_queue.front();
            m_ws.async_write(boost::asio::buffer(front.constData(), size_t(front.size())),
                             [self = self()](const boost::beast::error_code &ec, std::size_t) {
                                 self->m_writing = false;
                                 if (!self->m_queue.empty()) {
                                     self->m_queuedBytes.fetch_sub(self->m_queue.front().size(), std::memory_order_relaxed);
                                     self->m_queue.pop_front();
                                 }
                                 if (ec)
                                     return self->dropNow();
                                 self->pump();
                             });
            return;
        }
        if (m_closeRequest && !m_closeSent) {
            m_closeSent = true;
            m_writing = true;
            m_ws.async_close(*m_closeRequest, [self = self()](const boost::beast::error_code &ec) {
                self->m_writing = false;
                if (ec)
                    self->dropNow();
                // Otherwise the read loop ends when the peer's close frame arrives, or
                // when kCloseTimeout passes without it.
            });
        }
    }

    // Closes the socket: pending reads and writes end with an error, and the read loop
    // reports the connection closed.
    void dropNow()
    {
        boost::beast::error_code ignored;
        tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
        tcp().socket().close(ignored);
        m_resume.cancel(); // a read loop paused for the Qt side goes on, to find the socket closed
    }

    void finish(int code, const QString &reason)
    {
        if (m_finished)
            return;
        m_finished = true;
        m_open = false;
        // A write under way still reads its message: that one goes when it completes.
        while (m_queue.size() > (m_writing ? 1u : 0u)) {
            m_queuedBytes.fetch_sub(m_queue.back().size(), std::memory_order_relaxed);
            m_queue.pop_back();
        }
        WsEvent closed;
        closed.kind = WsEvent::Kind::Closed;
        closed.id = m_id;
        closed.closeCode = code;
        closed.reason = reason;
        m_mailbox.post(std::move(closed));
        boost::beast::error_code ignored;
        tcp().socket().close(ignored);
    }

    quint64 m_id;
    WsMailbox &m_mailbox;
    ReadLimits m_limits;
    boost::beast::websocket::stream<Next> m_ws;
    boost::beast::flat_buffer m_buffer;
    boost::asio::steady_timer m_resume{m_ws.get_executor()};
    std::deque<QByteArray> m_queue;
    std::optional<boost::beast::websocket::close_reason> m_closeRequest;
    bool m_open = false;
    bool m_writing = false;
    bool m_closeSent = false;
    bool m_finished = false;
};

} // namespace Keel
