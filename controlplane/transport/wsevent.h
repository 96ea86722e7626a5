#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>
#include <utility>

namespace Keel {

class WsPeer;

// What the network thread tells the Qt side about one connection, in the order it
// happened. Events of one connection are never reordered.
struct WsEvent
{
    enum class Kind {
        Opened, // the WebSocket upgrade was accepted: peer, path, headers
        Binary, // a whole binary message
        Text,   // a whole text message (keel.v1 speaks binary only; its size is enough)
        Closed, // the connection is gone; closeCode says how
        Failed, // no connection came of it (TLS, a request that is not an upgrade, accept)
    };

    Kind kind = Kind::Binary;
    quint64 id = 0;
    QByteArray data;                  // Binary: the message; Text: the message
    std::shared_ptr<WsPeer> peer;     // Opened
    QString path;                     // Opened
    QList<std::pair<QByteArray, QByteArray>> headers; // Opened: the upgrade request's headers
    QString address;                  // Opened, Failed
    quint16 port = 0;                 // Opened, Failed
    quint64 readLimit = 0;            // Opened: the largest message accepted for now
    int closeCode = 1006;             // Closed (1006: dropped without a close frame)
    QString reason;                   // Closed: the peer's close reason; Failed: what went wrong
    QByteArray label;                 // Failed: the counter's reason label
    QByteArray pathLabel;             // Failed: the counter's path label ("tls", "listener", ...)
};

} // namespace Keel
