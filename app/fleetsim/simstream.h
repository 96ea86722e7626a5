#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>

#include <variant>

namespace keel::fleetsim {

// One simulated agent's WebSocket, over plain TCP (ws://) or TLS (wss://), offering the
// operations SimAgent uses with Beast's names whichever it is.
class SimStream final
{
public:
    using Plain = boost::beast::websocket::stream<boost::beast::tcp_stream>;
    using Tls = boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

    // `tls` null: plain TCP.
    SimStream(boost::asio::io_context &io, boost::asio::ssl::context *tls);

    boost::beast::tcp_stream &tcp();
    // After the TCP connect: the TLS handshake with SNI and the host checked (no-op on TCP).
    void tlsHandshake(const std::string &host, std::function<void(boost::beast::error_code)> done);

    bool is_open() const { return std::visit([](const auto &ws) { return ws.is_open(); }, m_ws); }
    bool got_binary() const { return std::visit([](const auto &ws) { return ws.got_binary(); }, m_ws); }
    const boost::beast::websocket::close_reason &reason() const
    {
        return std::visit([](const auto &ws) -> const boost::beast::websocket::close_reason & { return ws.reason(); }, m_ws);
    }
    template<class Option>
    void set_option(Option option) { std::visit([&](auto &ws) { ws.set_option(std::move(option)); }, m_ws); }
    // Small buffers: ten thousand idle agents must fit in a few tens of megabytes.
    void configure();

    template<class Token>
    auto async_handshake(const std::string &host, const std::string &path, Token &&token)
    {
        return std::visit([&](auto &ws) { return ws.async_handshake(host, path, std::forward<Token>(token)); }, m_ws);
    }
    template<class Buffer, class Token>
    auto async_read(Buffer &buffer, Token &&token)
    {
        return std::visit([&](auto &ws) { return ws.async_read(buffer, std::forward<Token>(token)); }, m_ws);
    }
    template<class Buffers, class Token>
    auto async_write(const Buffers &buffers, Token &&token)
    {
        return std::visit([&](auto &ws) { return ws.async_write(buffers, std::forward<Token>(token)); }, m_ws);
    }

private:
    std::variant<Plain, Tls> m_ws;
};

} // namespace keel::fleetsim
