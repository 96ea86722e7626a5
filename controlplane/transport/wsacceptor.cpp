#include "wsacceptor.h"

#include "wsmailbox.h"
#include "wsstreampeer.h"

#include <boost/asio/steady_timer.hpp>

#include <openssl/ssl.h>

namespace Keel {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

WsAcceptor::WsAcceptor(WsMailbox &mailbox, ReadLimits limits)
    : m_mailbox(mailbox)
    , m_limits(std::move(limits))
{
}

WsAcceptor::~WsAcceptor()
{
    stop();
    // Destroying the io_context destroys every connection's pending operations, and with
    // them the connections: their sockets close here.
}

void WsAcceptor::stop()
{
    m_io.stop();
    if (m_thread.joinable())
        m_thread.join();
}

bool WsAcceptor::useTls(const QString &certificatePath, const QString &keyPath, QString *error)
{
    if (certificatePath.isEmpty() || keyPath.isEmpty()) {
        *error = QStringLiteral("TLS needs both --tls-cert and --tls-key");
        return false;
    }
    asio::ssl::context context(asio::ssl::context::tls_server);
    context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3
                        | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    beast::error_code ec;
    context.use_certificate_chain_file(certificatePath.toStdString(), ec);
    if (ec) {
        *error = QStringLiteral("--tls-cert %1: no PEM certificate in it (or it cannot be read): %2")
                     .arg(certificatePath, QString::fromStdString(ec.message()));
        return false;
    }
    context.use_private_key_file(keyPath.toStdString(), asio::ssl::context::pem, ec);
    if (ec) {
        *error = QStringLiteral("--tls-key %1: not an unencrypted PEM private key (RSA or EC), or it cannot be read: %2")
                     .arg(keyPath, QString::fromStdString(ec.message()));
        return false;
    }
    if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
        *error = QStringLiteral("--tls-key %1 is not the private key of the certificate in --tls-cert %2: pass the matching pair")
                     .arg(keyPath, certificatePath);
        return false;
    }
    m_tls.emplace(std::move(context));
    return true;
}

bool WsAcceptor::listen(const std::string &address, std::uint16_t port, QString *error)
{
    beast::error_code ec;
    const auto ip = asio::ip::make_address(address, ec);
    if (ec) {
        *error = QStringLiteral("cannot listen on %1: not an IP address").arg(QString::fromStdString(address));
        return false;
    }
    const tcp::endpoint endpoint(ip, port);
    m_acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        m_acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        m_acceptor.bind(endpoint, ec);
    if (!ec)
        m_acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(QString::fromStdString(address)).arg(port).arg(QString::fromStdString(ec.message()));
        beast::error_code ignored;
        m_acceptor.close(ignored);
        return false;
    }
    m_port = m_acceptor.local_endpoint().port();
    m_address = m_acceptor.local_endpoint().address().to_string();
    acceptNext();
    m_thread = std::thread([this] { m_io.run(); });
    return true;
}

void WsAcceptor::acceptNext()
{
    m_acceptor.async_accept([this](const beast::error_code &ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted)
            return;
        if (ec) {
            // Out of file descriptors, most likely: say so, and try again shortly rather
            // than stay deaf after the flood is gone.
            WsEvent failed;
            failed.kind = WsEvent::Kind::Failed;
            failed.pathLabel = "listener";
            failed.label = "accept_error";
            failed.reason = QStringLiteral("accepting a connection failed (%1); trying again in 200 ms")
                                .arg(QString::fromStdString(ec.message()));
            m_mailbox.post(std::move(failed));
            m_retry.expires_after(std::chrono::milliseconds(200));
            m_retry.async_wait([this](const beast::error_code &waitError) {
                if (!waitError)
                    acceptNext();
            });
            return;
        }
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        const quint64 id = m_nextId++;
        if (m_tls) {
            using Stream = asio::ssl::stream<beast::tcp_stream>;
            auto peer = std::make_shared<WsStreamPeer<Stream>>(id, m_mailbox, m_limits, std::move(socket), *m_tls);
            peer->start();
        } else {
            auto peer = std::make_shared<WsStreamPeer<beast::tcp_stream>>(id, m_mailbox, m_limits, std::move(socket));
            peer->start();
        }
        acceptNext();
    });
}

} // namespace Keel
