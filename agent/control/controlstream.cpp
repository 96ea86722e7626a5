#include "controlstream.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/ssl.h>

namespace keel::agent {

namespace asio = boost::asio;
namespace beast = boost::beast;

ControlStream::ControlStream(asio::io_context &io, asio::ssl::context *tls)
    : m_ws(std::in_place_type<Plain>, io)
{
    if (tls)
        m_ws.emplace<Tls>(io, *tls);
}

beast::tcp_stream &ControlStream::tcp()
{
    return std::visit([](auto &ws) -> beast::tcp_stream & { return beast::get_lowest_layer(ws); }, m_ws);
}

asio::awaitable<beast::error_code> ControlStream::tlsHandshake(const std::string &host)
{
    auto *tls = std::get_if<Tls>(&m_ws);
    if (!tls)
        co_return beast::error_code{};
    auto &stream = tls->next_layer();
    // SNI, so a control plane behind a TLS-terminating proxy gets the right certificate.
    if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()))
        co_return beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
    stream.set_verify_mode(asio::ssl::verify_peer);
    stream.set_verify_callback(asio::ssl::host_name_verification(host));
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, asio::as_tuple(asio::use_awaitable));
    co_return ec;
}

} // namespace keel::agent
