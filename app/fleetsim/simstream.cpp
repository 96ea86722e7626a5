#include "simstream.h"

#include <boost/asio/ssl/host_name_verification.hpp>

#include <openssl/ssl.h>

namespace keel::fleetsim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {
constexpr std::size_t kMaxFrameBytes = 16 * 1024 * 1024;
constexpr std::size_t kWriteBufferBytes = 1024; // masks outgoing frames piecewise
} // namespace

SimStream::SimStream(asio::io_context &io, asio::ssl::context *tls)
    : m_ws(std::in_place_type<Plain>, io)
{
    if (tls)
        m_ws.emplace<Tls>(io, *tls);
}

beast::tcp_stream &SimStream::tcp()
{
    return std::visit([](auto &ws) -> beast::tcp_stream & { return beast::get_lowest_layer(ws); }, m_ws);
}

void SimStream::tlsHandshake(const std::string &host, std::function<void(beast::error_code)> done)
{
    auto *tls = std::get_if<Tls>(&m_ws);
    if (!tls)
        return done({});
    auto &stream = tls->next_layer();
    if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()))
        return done(beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
    stream.set_verify_mode(asio::ssl::verify_peer);
    stream.set_verify_callback(asio::ssl::host_name_verification(host));
    stream.async_handshake(asio::ssl::stream_base::client, std::move(done));
}

void SimStream::configure()
{
    std::visit([](auto &ws) {
        ws.binary(true);
        ws.read_message_max(kMaxFrameBytes);
        ws.write_buffer_bytes(kWriteBufferBytes);
        ws.auto_fragment(false);
        ws.set_option(websocket::stream_base::decorator([](websocket::request_type &request) {
            request.set(beast::http::field::user_agent, "keel-fleetsim");
        }));
    }, m_ws);
}

} // namespace keel::fleetsim
