#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>

#include <string>
#include <variant>

namespace keel::agent {

// The control channel's WebSocket over plain TCP (ws://) or TLS (wss://). Offers the
// operations the channel uses, with Beast's names, whichever the connection is.
class ControlStream final
{
public:
    using Plain = boost::beast::websocket::stream<boost::beast::tcp_stream>;
    using Tls = boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

    // `tls` null: plain TCP.
    ControlStream(boost::asio::io_context &io, boost::asio::ssl::context *tls);

    boost::beast::tcp_stream &tcp();
    bool secure() const { return std::holds_alternative<Tls>(m_ws); }

    // After the TCP connect, before the WebSocket handshake: the TLS handshake with SNI
    // and the certificate checked against `host` (a no-op on plain TCP).
    boost::asio::awaitable<boost::beast::error_code> tlsHandshake(const std::string &host);

    bool is_open() const { return std::visit([](const auto &ws) { return ws.is_open(); }, m_ws); }
    bool got_binary() const { return std::visit([](const auto &ws) { return ws.got_binary(); }, m_ws); }
    const boost::beast::websocket::close_reason &reason() const
    {
        return std::visit([](const auto &ws) -> const boost::beast::websocket::close_reason & { return ws.reason(); }, m_ws);
    }
    void binary(bool value) { std::visit([&](auto &ws) { ws.binary(value); }, m_ws); }
    void read_message_max(std::size_t bytes) { std::visit([&](auto &ws) { ws.read_message_max(bytes); }, m_ws); }
    template<class Option>
    void set_option(Option option) { std::visit([&](auto &ws) { ws.set_option(std::move(option)); }, m_ws); }

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
    template<class Reason, class Token>
    auto async_close(const Reason &reason, Token &&token)
    {
        return std::visit([&](auto &ws) { return ws.async_close(reason, std::forward<Token>(token)); }, m_ws);
    }

private:
    std::variant<Plain, Tls> m_ws;
};

} // namespace keel::agent
